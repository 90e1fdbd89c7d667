"""doit reporter of atomik-tasks: progress, one block of output per task, a summary, and the run record.

Set in DOIT_CONFIG; `doit -r console` (or json) still selects doit's own. Tasks capture their output
(verbosity 0), so with `-n 2` every task's output is printed as one block, under its own line, when it ends.
"""

from __future__ import annotations

import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from doit.exceptions import UnmetDependency
from doit.reporter import ConsoleReporter

from .. import config
from ..feedback.llm import ledger
from ..fsio import write_json
from ..languages.normalize import warning_lines
from ..layout import Layout
from ..reports.record import record_run
from ..reports.summary import summary_lines
from ..reports.trace import critical_line, critical_path, trace
from .doitapi import has_actions as _has_actions
from .doitapi import rerun_command, stale_tasks
from .preflight import PLAIN_RUN
from .project import cores
from .schedule import record_durations


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


_RAN_ON = re.compile(r": ran on (\S+)$", re.M)
_SPLIT = re.compile(r": upload ([\d.]+) s, queued ([\d.]+) s, ran ([\d.]+) s$", re.M)
_SEEDS = re.compile(r"(?:best of|on run \d+ of) (\d+) place-and-route runs?|on run \d+ of (\d+)")


def _trace_facts(output: str) -> dict[str, Any]:
    """What a task's own lines say about how it ran: restored from the cache, on which cluster worker, how many
    times the feedback loop ran it again, how many place-and-route seeds it tried."""
    facts: dict[str, Any] = {"cached": ": cached (" in output, "retries": output.count(" once more")}
    worker = _RAN_ON.search(output)
    if worker:
        facts["lane"] = f"worker {worker.group(1)}"
    split = _SPLIT.search(output)
    if split:
        facts["split"] = {"upload": float(split.group(1)), "queue": float(split.group(2)), "run": float(split.group(3))}
    seeds = _SEEDS.search(output)
    if seeds:
        facts["seeds"] = int(seeds.group(1) or seeds.group(2))
    return facts


def jobs_of(argv: list[str], default: int) -> int:
    """How many tasks this doit call runs at once: its -n / --process, else the configured default."""
    for i, arg in enumerate(argv):
        value = ""
        if arg in ("-n", "--process") and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--process="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-n") and arg[2:].isdigit():
            value = arg[2:]
        if value.isdigit():
            return max(1, int(value))
    return default


def _indent(lines: list[str]) -> str:
    return "".join(f"    {line}\n" for line in lines)


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
        self.tasks: dict[str, Any] = {}
        self.warned: list[str] = []  # up-to-date schemas that still have warnings
        self.plain = False
        self.expected: set[str] | None = None  # the tasks this run may execute, once one runs
        self.acting: list[str] = []
        self.slots: dict[str, int] = {}  # running task -> its job slot

    def initialize(self, tasks: dict[str, Any], selected_tasks: list[str]) -> None:
        self.tasks = tasks
        self.selected = set(selected_tasks)
        self.plain = list(selected_tasks) == PLAIN_RUN["tasks"]  # a plain `doit`: its default tasks
        self.acting = [n for n in _closure(tasks, selected_tasks) if _has_actions(tasks[n])]

    def _expect(self) -> None:
        """N, fixed when the first task runs (a no-op never pays for it): the tasks doit's own state says are
        not up to date, and those downstream of them (one that turns out up to date is then counted done)."""
        if self.expected is not None:
            return
        known = {r["name"]: True for r in self.records if r["status"] == "up-to-date"}
        try:
            self.expected = stale_tasks(self.layout.doit_db, self.tasks, self.acting, known)
        except Exception:  # a progress count must never fail the build it counts
            self.expected = set(self.acting) - set(known)
        self.total = len(self.expected)

    @property
    def progress(self) -> str:
        """[k/N]: N counts the tasks this run may execute, k those settled so far."""
        return f"[{self.done}/{max(self.total, self.done)}]"

    def execute_task(self, task: Any) -> None:
        self._expect()
        if task.actions:
            self.starts[task.name] = (time.monotonic(), datetime.now(UTC).isoformat(timespec="milliseconds"))
            slot = min(set(range(1, len(self.slots) + 2)) - set(self.slots.values()))  # the job slot it runs in
            self.slots[task.name] = slot
            if task.verbosity >= 2:  # its output is printed live: its line goes first, the output under it
                self.write(f"[{self.done + 1}/{max(self.total, self.done + 1)}] {task.name}\n")

    def _finish(self, task: Any, status: str) -> dict[str, Any]:
        self._expect()
        began, stamp = self.starts.get(task.name, (time.monotonic(), None))
        slot = self.slots.pop(task.name, None)
        record = {
            "name": task.name,
            "status": status,
            "start": stamp,
            "seconds": round(time.monotonic() - began, 3),
            "targets": list(task.targets),
            # for the trace: when it began on this run's clock, where it ran, what the feedback loop did
            "began": began if stamp else None,
            "lane": f"job slot {slot}" if slot else "job slot 1",
        }
        if stamp and task.actions:
            record.update(_trace_facts(self._block(task)))
        self.records.append(record)
        self.done += 1
        return record

    def _block(self, task: Any) -> str:
        return "".join(a.out or "" for a in task.actions) + "".join(a.err or "" for a in task.actions)

    def add_success(self, task: Any) -> None:
        if not task.actions:
            return
        record = self._finish(task, "success")
        if task.verbosity >= 2:  # its line and its output were shown live
            return
        text = f"{self.progress} {task.name}  {record['seconds']:.2f} s\n"
        out = self._block(task).strip("\n")
        if out:
            text += "".join(f"    {line}\n" for line in out.splitlines())
        self.write(text)

    def add_failure(self, task: Any, fail: Any) -> None:
        if not _has_actions(task):
            return  # a group fails when one of its tasks did: that one was said already
        if isinstance(fail, UnmetDependency):  # not run: one line, under the failure that stopped it
            record = self._finish(task, "failure")
            record["cause"] = f"not run: {fail.get_msg().strip()} failed"
            self.write(f"{self.progress} not run: {task.name} (it needs {fail.get_msg().strip()})\n")
            self.failures.append({"task": task, "exception": fail})
            return
        record = self._finish(task, "failure")
        cause = self._block(task).strip("\n") or fail.get_msg().strip()
        lines = cause.splitlines()
        record["cause"] = next((line.strip() for line in lines if line.strip()), "failed")
        shown = "".join(f"    {line}\n" for line in lines[:15])
        more = f"    ... ({len(lines) - 15} more lines)\n" if len(lines) > 15 else ""
        rerun = "" if f"re-run: {rerun_command(task)}" in cause else f"    re-run just this: {rerun_command(task)}\n"
        self.write(f"{self.progress} FAILED {task.name}  {record['seconds']:.2f} s\n{shown}{more}{rerun}")
        self.failures.append({"task": task, "exception": fail})

    def skip_uptodate(self, task: Any) -> None:
        warnings = (getattr(task, "meta", None) or {}).get("warnings")
        if warnings and task.name in self.selected:  # asked for by name: show them again
            self.write(f"{task.name} (up to date)\n{_indent(warning_lines(self.layout, task.name.partition(':')[2]))}")
        elif warnings:
            self.warned.append(f"{task.name.partition(':')[2]} ({warnings})")
        if _has_actions(task):
            self.uptodate += 1
            if self.expected is not None and task.name in self.expected:
                self.done += 1  # counted in N, and settled without running
            self.records.append(
                {"name": task.name, "status": "up-to-date", "start": None, "seconds": None, "targets": []}
            )

    def skip_ignore(self, task: Any) -> None:
        self.records.append({"name": task.name, "status": "ignored", "start": None, "seconds": None, "targets": []})

    def _stale(self, names: list[str]) -> set[str]:
        """Which result tasks are not up to date now: their last report stands, marked stale. This run's own
        verdicts are known; doit is asked about the rest."""
        # a check that ran and failed wrote a failed result (current); one that did not run because something
        # before it failed still holds its last one (stale)
        known = {
            r["name"]: r["status"] in ("success", "up-to-date") or (r["status"] == "failure" and bool(r["start"]))
            for r in self.records
        }
        try:
            return stale_tasks(self.layout.doit_db, self.tasks, names, known)
        except Exception as exc:  # a report must never fail the build it reports on
            self.write(f"note: could not tell stale results apart ({exc})\n")
            return set()

    def _feedback(self, asked: bool) -> list[dict[str, Any]]:
        """The feedback stage's review of this run (and its diagnoses); its lines printed."""
        if not any(r["start"] for r in self.records):
            return []  # nothing ran: nothing was tried, nothing failed (a no-op imports none of it)
        from ..feedback.after_run import after_run

        feedback, lines = after_run(self.layout, self.records, config.load(self.layout), diagnose=not asked)
        for line in lines:
            self.write(line + "\n")
        return feedback

    def _study(self) -> dict[str, Any] | None:
        """The trace of what ran (build/reports/trace.json) and its critical path over the graph's edges (a
        task's task_deps that ran and the tasks that wrote its file_deps). Never fails the run it studies."""
        try:
            ran = {r["name"]: r for r in self.records if r.get("began") is not None}
            producers = {t: task.name for task in self.tasks.values() for t in task.targets}

            def acting(names: list[str], seen: set[str]) -> list[str]:
                """Task deps with a group replaced by its members (a group only waits for them)."""
                out = []
                for n in names:
                    if n in seen or n not in self.tasks:
                        continue
                    seen.add(n)
                    out += [n] if _has_actions(self.tasks[n]) else acting(list(self.tasks[n].task_dep), seen)
                return out

            preds = {}
            for name in ran:
                task = self.tasks[name]
                preds[name] = [
                    *acting(list(task.task_dep), set()),
                    *(producers[f] for f in task.file_dep if f in producers),
                ]
            path = critical_path({n: float(r["seconds"]) for n, r in ran.items()}, preds)
            on_path = {step["task"] for step in path["tasks"]}
            events = trace([{**r, "critical": r["name"] in on_path} for r in ran.values()], self.clock)
            write_json(Path(self.layout.trace), events)
            return path
        except Exception as exc:  # a report must never fail the build it reports on
            self.write(f"note: no trace of this run ({exc})\n")
            return None

    def _optimize(self) -> None:
        """Every [optimize] every runs that executed something: build/reports/optimize.md anew, and one line when
        a recommendation is new."""
        try:
            settings = config.load(self.layout)
            every = int(settings.optimize.every)
            runs = len(list(Path(self.layout.runs).glob("*.json")))
            if not every or runs % every:
                return
            from ..feedback.optimize import digest, optimize

            found = optimize(self.layout, settings, quiet=True)
            state = Path(self.layout.reports, ".optimize-state")
            new = digest(found)
            old = state.read_text("utf-8") if state.exists() else ""
            if new and new != old:
                changes = [f"[{f.change[0]}] {f.change[1]} = {f.change[2]!r}" for f in found if f.change]
                self.write(f"optimize: {'; '.join(changes)} (build/reports/optimize.md; `doit optimize --apply`)\n")
            state.write_text(new, "utf-8")
        except Exception as exc:  # a report must never fail the build it reports on
            self.write(f"note: no optimize report ({exc})\n")

    def _llm(self) -> dict[str, Any]:
        try:
            return ledger.run_totals(self.layout, ledger.run_id())
        except Exception:  # the ledger is a report, never a reason to fail
            return {}

    def complete_run(self) -> None:
        seconds = time.monotonic() - self.clock
        critical = False
        failed = [r for r in self.records if r["status"] == "failure"]
        executed = sum(1 for r in self.records if r["status"] in ("success", "failure") and r["start"])
        ran = [r for r in self.records if r["status"] != "up-to-date"]
        read_only = bool(ran) and all(r["name"] in ("diff", "ledger", "cache") for r in ran)  # they change nothing
        # a repair, a diagnosis or `doit optimize` asked for by name: what it did is what it printed (the run is
        # recorded, but results and their stale marks are the next build's to say)
        asked = bool(ran) and all(r["name"].startswith(("fix:", "diagnose:")) or r["name"] == "optimize" for r in ran)
        if Path(self.layout.build).is_dir() and not read_only:
            feedback = self._feedback(asked)
            studied = self._study() if executed else None
            if executed:
                record_durations(self.layout, self.records)  # the next plain run starts the long ones first
            run = record_run(
                self.layout,
                self.records,
                self.started_at,
                seconds,
                sys.argv[1:],
                self._stale,
                feedback,
                self._llm(),
                studied,
                jobs_of(sys.argv[1:], int(config.load(self.layout).build.jobs) or cores()),
            )
            for line in [] if asked else summary_lines(run):
                self.write(line + "\n")
            if studied and studied["tasks"] and not asked and studied["seconds"] >= 0.5:
                self.write(critical_line(studied) + "\n")
            if executed and not asked:
                self._optimize()
            critical = not asked and any(a["level"] == "critical" for a in run["alerts"])
            from ..reports import html

            page = html.update(self.layout, run)
            if page and not asked:
                self.write(f"report: {self.layout.display(page)}\n")
        if self.warned:
            self.write(f"warnings in {', '.join(self.warned)}: `doit validate:<schema>` prints them\n")
        if self.plain and PLAIN_RUN["left_out"]:
            self.write(f"not in this run: {'; '.join(PLAIN_RUN['left_out'])}\n")
        self.write(f"{executed} executed, {self.uptodate} up to date, {len(failed)} failed in {seconds:.2f} s\n")
        if self.runtime_errors:
            self.write("Execution aborted.\n" + "\n".join(self.runtime_errors) + "\n")
        if critical and config.load(self.layout).reports.fail_on_critical:
            self.write("failing the run: critical alerts, and fail_on_critical is set\n")
            raise SystemExit(1)  # a reporter cannot fail a task; leaving with a status is what CI reads
