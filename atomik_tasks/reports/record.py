"""What a run leaves behind for people, CI and coding agents.

- build/reports/run.json (and build/reports/runs/<time>.json): every task with status, start, duration and the
  artifacts it wrote (sha256), with the verify, simulation and synthesis results merged in; valid against
  atomik_tasks/reports/spec/run.schema.json.
- build/reports/junit.xml (junit.py), build/metrics.jsonl with regression alerts (metrics.py), and
  build/context.json, the project's state for a coding agent (context.py).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from ..fsio import dump_json, sha256_file, write_atomic, write_if_changed
from ..layout import Layout
from .context import context
from .junit import junit
from .metrics import append_metrics
from .results import load_results, scan

HISTORY_RUNS = 200  # reports/runs/ keeps this many records


def record_run(
    layout: Layout,
    records: list[dict[str, Any]],
    started: datetime,
    seconds: float,
    argv: list[str],
    stale: Callable[[list[str]], set[str]] | None = None,
    feedback: list[dict[str, Any]] | None = None,
    llm: dict[str, Any] | None = None,
    critical: dict[str, Any] | None = None,
    jobs: int | None = None,
) -> dict[str, Any]:
    """Write run.json, its copy in runs/, junit.xml, metrics.jsonl and context.json; return the record.

    stale: which of the given result tasks are not up to date now; their last result is kept with status
    "stale" (and last_status what it said then)."""
    tasks = []
    for r in records:
        artifacts = []
        if r["status"] == "success":
            for target in r["targets"]:
                path = Path(target)
                if path.is_file():
                    artifacts.append({"path": str(path), "sha256": sha256_file(path)})
        tasks.append(
            {k: r.get(k) for k in ("name", "status", "start", "seconds")}
            | {"artifacts": artifacts}
            | ({"cause": r["cause"]} if "cause" in r else {})
            | ({"lane": r["lane"], "cached": bool(r.get("cached"))} if r.get("start") and "lane" in r else {})
        )
    failed = [t for t in tasks if t["status"] == "failure"]
    results = load_results(layout)
    for name in stale(sorted(results)) if stale else ():
        results[name] = {**results[name], "status": "stale", "last_status": results[name]["status"]}
    run = {
        "schema_version": 1,
        "started": started.isoformat(timespec="milliseconds"),
        "seconds": round(seconds, 3),
        "command": ["doit", *argv],
        "status": "failed" if failed else "passed",
        "counts": {
            "executed": sum(1 for t in tasks if t["status"] in ("success", "failure")),
            "up_to_date": sum(1 for t in tasks if t["status"] == "up-to-date"),
            "failed": len(failed),
        },
        "tasks": tasks,
        "results": results,
        "feedback": feedback or [],
        "llm": llm or {"calls": 0, "tokens": 0},
    }
    if critical and critical["tasks"]:
        run["critical_path"] = critical
    if jobs:
        run["jobs"] = jobs
    run["alerts"] = append_metrics(layout, run)
    reports = Path(layout.reports)
    # compact: json's C encoder is used only without indent, and this file is rewritten on every run
    text = json.dumps(run, sort_keys=True, separators=(",", ":")) + "\n"
    write_atomic(reports / "run.json", text)  # always new: it holds the start time
    _keep_copy(reports / "run.json", Path(layout.runs, f"{started.strftime('%Y%m%dT%H%M%S%fZ')}.json"))
    _prune(Path(layout.runs), HISTORY_RUNS)
    write_atomic(reports / "junit.xml", junit(run))
    write_if_changed(Path(layout.context), dump_json(context(layout, run)))
    return run


def _keep_copy(path: Path, copy: Path) -> None:
    """A hard link is a free copy: the next run renames a new file over `path` and leaves the link alone."""
    copy.parent.mkdir(exist_ok=True)
    try:
        os.link(path, copy)
    except FileExistsError:
        pass  # two runs in the same microsecond: the first one's record stays
    except OSError:
        write_if_changed(copy, path.read_bytes())  # a file system without hard links


def _prune(folder: Path, keep: int) -> None:
    """Drop the oldest run records beyond `keep` (names sort by time)."""
    names = sorted(e.name for e in scan(folder) if e.name.endswith(".json"))
    for name in names[:-keep]:
        (folder / name).unlink(missing_ok=True)
