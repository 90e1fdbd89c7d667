"""doit reporter of atomik-tasks: progress, one block of output per task, a summary, and the run record.

Set in DOIT_CONFIG; `doit -r console` (or json) still selects doit's own. Tasks capture their output
(verbosity 1), so with `-n 2` every task's output is printed as one block when it ends.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from doit.reporter import ConsoleReporter

from .. import config
from ..layout import Layout
from ..reports.record import record_run
from ..reports.summary import summary_lines
from .doitapi import has_actions as _has_actions


def _closure(tasks: dict[str, Any], selected: list[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(selected)
    while stack:
        name = stack.pop()
        if name in seen or name not in tasks:
            continue
        seen.add(name)
        stack.extend(tasks[name].task_dep)
        stack.extend(tasks[name].setup_tasks)
    return seen


class AtomikReporter(ConsoleReporter):
    desc = "atomik-tasks: progress, task output in blocks, summary, build/reports/run.json"

    def __init__(self, outstream: Any, options: dict[str, Any]):
        super().__init__(outstream, options)
        self.layout = Layout(Path.cwd())
        self.total = 0
        self.done = 0
        self.uptodate = 0
        self.started_at = datetime.now(UTC)
        self.clock = time.monotonic()
        self.starts: dict[str, tuple[float, str]] = {}
        self.records: list[dict[str, Any]] = []

    def initialize(self, tasks: dict[str, Any], selected_tasks: list[str]) -> None:
        names = _closure(tasks, selected_tasks)
        self.total = sum(1 for n in names if _has_actions(tasks[n]))

    def execute_task(self, task: Any) -> None:
        if task.actions:
            self.starts[task.name] = (time.monotonic(), datetime.now(UTC).isoformat(timespec="milliseconds"))

    def _finish(self, task: Any, status: str) -> dict[str, Any]:
        began, stamp = self.starts.get(task.name, (time.monotonic(), None))
        record = {
            "name": task.name,
            "status": status,
            "start": stamp,
            "seconds": round(time.monotonic() - began, 3),
            "targets": list(task.targets),
        }
        self.records.append(record)
        self.done += 1
        return record

    def _block(self, task: Any) -> str:
        return "".join(a.out or "" for a in task.actions) + "".join(a.err or "" for a in task.actions)

    def add_success(self, task: Any) -> None:
        if not task.actions:
            return
        record = self._finish(task, "success")
        text = f"[{self.done}/{self.total}] {task.name}  {record['seconds']:.2f} s\n"
        out = self._block(task).strip("\n") if task.verbosity < 2 else ""  # verbosity 2 was shown live
        if out:
            text += "".join(f"    {line}\n" for line in out.splitlines())
        self.write(text)

    def add_failure(self, task: Any, fail: Any) -> None:
        record = self._finish(task, "failure")
        cause = self._block(task).strip("\n") or fail.get_msg().strip()
        lines = cause.splitlines()
        record["cause"] = next((line.strip() for line in lines if line.strip()), "failed")
        shown = "".join(f"    {line}\n" for line in lines[:15])
        more = f"    ... ({len(lines) - 15} more lines)\n" if len(lines) > 15 else ""
        self.write(
            f"[{self.done}/{self.total}] FAILED {task.name}  {record['seconds']:.2f} s\n{shown}{more}"
            f"    re-run just this: doit {task.name}\n"
        )
        self.failures.append({"task": task, "exception": fail})

    def skip_uptodate(self, task: Any) -> None:
        if _has_actions(task):
            self.uptodate += 1
            self.records.append(
                {"name": task.name, "status": "up-to-date", "start": None, "seconds": None, "targets": []}
            )

    def skip_ignore(self, task: Any) -> None:
        self.records.append({"name": task.name, "status": "ignored", "start": None, "seconds": None, "targets": []})

    def complete_run(self) -> None:
        seconds = time.monotonic() - self.clock
        critical = False
        failed = [r for r in self.records if r["status"] == "failure"]
        executed = sum(1 for r in self.records if r["status"] in ("success", "failure"))
        ran = [r for r in self.records if r["status"] != "up-to-date"]
        read_only = bool(ran) and all(r["name"] == "diff" for r in ran)  # `doit diff` changes nothing
        if Path(self.layout.build).is_dir() and not read_only:
            run = record_run(self.layout, self.records, self.started_at, seconds, sys.argv[1:])
            for line in summary_lines(run):
                self.write(line + "\n")
            critical = any(a["level"] == "critical" for a in run["alerts"])
            # pictures cost a second: only when a check brought new results or the report code changed
            redraw = any(
                r["status"] != "up-to-date"
                and r["name"].startswith(("verify:", "sim:", "synth:", "fingerprint:reports"))
                for r in self.records
            )
            if redraw:
                from ..reports import html

                self.write(f"report: {self.layout.display(html.write(self.layout, run))}\n")
        self.write(f"{executed} executed, {self.uptodate} up to date, {len(failed)} failed in {seconds:.2f} s\n")
        if self.runtime_errors:
            self.write("Execution aborted.\n" + "\n".join(self.runtime_errors) + "\n")
        if critical and config.load(self.layout).reports.fail_on_critical:
            self.write("failing the run: critical alerts, and fail_on_critical is set\n")
            raise SystemExit(1)  # a reporter cannot fail a task; leaving with a status is what CI reads
