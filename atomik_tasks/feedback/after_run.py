"""What the feedback stage does when a run ends: review what failed (repairs tried, escalations), and for the
escalations either diagnose them with a model ([llm] auto, with a key) or say how to ask for one. The reporter
prints the lines this returns; nothing here fails the run it looks at."""

from __future__ import annotations

from typing import Any

from ..config import Config
from ..layout import Layout


def after_run(layout: Layout, records: list[dict[str, Any]], settings: Config, diagnose: bool) -> tuple[list, list]:
    """(the run's feedback entries, lines for the console); diagnose: the run was a build, not a repair or a
    diagnosis asked for by name."""
    from .review import review

    lines: list[str] = []
    try:
        feedback = review(layout, records)
    except Exception as exc:  # a report must never fail the build it reports on
        return [], [f"note: the feedback review failed ({exc})"]
    tasks = [f["task"] for f in feedback if f["outcome"] == "escalated"]
    if not diagnose or not tasks:
        return feedback, lines
    try:
        if settings.llm.auto:
            from .llm.diagnose import run_diagnoses

            run_diagnoses(layout, tasks, settings)
        else:
            from .llm.client import KEY_ENV, enabled

            state = "" if enabled() else f" (off: {KEY_ENV} is not set)"
            lines.append(f"a model can look at it: doit diagnose:{tasks[0]}{state}")
    except Exception as exc:  # never fails the run
        lines.append(f"note: the diagnosis failed ({exc})")
    return feedback, lines
