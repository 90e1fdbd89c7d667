"""The order doit hands out a plain run's tasks: the long ones first, from the durations of earlier runs
(ninja's approach: the previous run's times decide what starts first, so the longest chains do not start last).

doit dispatches its default tasks in order, each with what it depends on first: naming the long checks, longest
first, ahead of the groups starts their chains first. Without a history the groups keep their fixed order (the
long kinds of task first).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..fsio import write_if_changed
from ..layout import PACKAGE_CHECK, Layout
from .project import Project

LONG_S = 0.3  # shorter tasks are not worth an entry: the groups hand them out as well


def read_durations(layout: Layout) -> dict[str, float]:
    try:
        with open(layout.durations, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}


def record_durations(layout: Layout, records: list[dict[str, Any]]) -> None:
    """Keep each long task's last duration (a run that restored it from the cache says nothing of its cost)."""
    known = read_durations(layout)
    for r in records:
        if r["status"] == "success" and r.get("start") and not r.get("cached"):
            known[r["name"]] = round(float(r["seconds"]), 3)
    long = {k: v for k, v in sorted(known.items()) if v >= LONG_S}
    write_if_changed(Path(layout.durations), json.dumps(long, sort_keys=True) + "\n")


def longest_first(p: Project, groups: list[str]) -> list[str]:
    """The long tasks of this plain run (their group is in it, their schema and language exist), longest first."""
    stems, langs = set(p.stems), set(p.languages)

    def runs(name: str) -> bool:
        parts = name.split(":")
        if parts[0] not in groups:
            return False
        if parts[0] in ("verify", "generate"):
            return len(parts) == 3 and parts[1] in langs and (parts[2] in stems or parts[2] == PACKAGE_CHECK)
        if parts[0] == "consume":
            return len(parts) == 2 and parts[1] in langs
        if parts[0] == "sim":
            return len(parts) == 3 and parts[1] == "uart" and parts[2] in stems
        return len(parts) == 2 and parts[1] in stems

    durations = read_durations(p.layout)
    return sorted((n for n in durations if runs(n)), key=lambda n: (-durations[n], n))
