"""One more run of a check that failed in a transient way (a tool killed, a lock held, a temporary-file race):
classified by the knowledge base, retried once, and recorded either way. Any other failure stands."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..layout import Layout


def _failure(report: str) -> tuple[str, str]:
    """(the failure's message, its type) from a check's report."""
    from .messages import report_failure

    try:
        data = json.loads(Path(report).read_text("utf-8"))
    except (OSError, ValueError):
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    return report_failure(data), str(data.get("failure", ""))


def with_retry(layout: Layout, task: str, report: str, enabled: bool, action: Callable[..., bool], *args: Any) -> bool:
    """Run a check action (it writes `report`); run it once more when its failure is transient."""
    # the knowledge base is loaded only after a failure: task creation imports this module on every `doit`
    from . import learned, record
    from .kb import KnowledgeError
    from .record import Attempt

    record.clear(layout, task)
    if action(*args) is not False:
        return True
    if not enabled:
        return False
    message, kind = _failure(report)
    try:
        kb = learned.knowledge(layout)
    except KnowledgeError as exc:
        print(f"note: {exc}")
        return False
    match = kb.match_failure(message, task.split(":", 1)[0], kind=kind)  # a time-out or a kill by its type
    if match is None or match.entry.fix.kind != "retry":
        return False
    print(f"transient failure ({match.entry.id}): running {task} once more")
    ok = action(*args) is not False
    record.save(
        layout,
        task,
        [Attempt(task, match.entry.cls, match.entry.id, "retry", 1, "fixed" if ok else "failed", match.how)],
    )
    learned.count(layout, match.entry.id, ok)
    return ok
