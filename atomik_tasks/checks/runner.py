"""The check runner: runs one check (a language's verify, a simulation, a synthesis) with a log and a timer,
writes its JSON report, and turns a failure into a failed task with the tool's first lines and the command
that re-runs just that task.

A check is a function of a Context (the languages' CheckContext protocol, implemented here) that returns
Counts parsed from the runners' own output.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import tools
from ..errors import CheckFailed, ToolKilled, ToolMissing, ToolTimedOut, failure_kind
from ..fsio import read_json, write_json
from ..languages.check import Counts
from ..layout import Layout
from ..tools import Tool
from . import edaflows
from .excerpt import excerpt


@dataclass
class Context:
    layout: Layout
    language: str
    stem: str  # or PACKAGE_CHECK
    task: str
    kind: str = ""  # the scratch folder's kind (default: the language); checks that share a language differ here
    tools: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # more report keys (synthesis results)

    @property
    def sdk(self) -> Path:
        return Path(self.layout.sdk(self.language))

    @property
    def work(self) -> Path:
        path = Path(self.layout.work(self.kind or self.language, self.stem))
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def log(self) -> Path:
        return Path(self.layout.log(self.task))

    def vectors(self, suffix: str) -> Path:
        return Path(self.layout.vectors(self.stem, suffix))

    def files(self) -> list[str]:
        return sorted(read_json(Path(self.layout.manifest(self.language, self.stem))))

    def tool(self, tool: Tool) -> str:
        path = tools.require(tool)
        self.tools[tool.command] = tools.tool_version(tool, path)
        return path

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "PATH": tools.search_path(),
            "ATOMIK_VECTORS_DIR": self.layout.vectors_dir,
            # a check imports the generated Python SDK: no __pycache__ may land among its files (`doit clean`
            # removes what the tasks declare, and a user's machine writes bytecode by default)
            "PYTHONDONTWRITEBYTECODE": "1",
            **extra,
        }

    def run(self, cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 1800) -> str:
        name = Path(cmd[0]).name
        try:
            proc = subprocess.run(cmd, cwd=cwd, env=env or self.env(), capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ToolTimedOut(f"{name} timed out after {timeout} s") from None
        out = proc.stdout + proc.stderr
        with self.log.open("a", encoding="utf-8") as fh:
            fh.write(f"$ {' '.join(cmd)}\n{out}\n[exit {proc.returncode}]\n")
        if proc.returncode < 0:  # said in words: the feedback loop retries a killed tool once
            raise ToolKilled(
                f"{name} was killed by signal {-proc.returncode} ({_signal_name(-proc.returncode)})", -proc.returncode
            )
        if proc.returncode != 0:  # what went wrong is usually on stderr: look there first
            raise CheckFailed(f"{name} exited {proc.returncode}:\n{excerpt(proc.stderr + proc.stdout)}")
        return out

    def run_flow(self, flow: str, edam: dict[str, Any], work: Path) -> str:
        with heartbeat(f"{self.task}: {flow} flow"):
            return edaflows.run_flow(self, flow, edam, work)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown signal"


HEARTBEAT_S = 5.0
HEARTBEAT_MAX_S = 30.0


@contextlib.contextmanager
def heartbeat(label: str, every: float = HEARTBEAT_S) -> Iterator[None]:
    """A line now and then while a long step runs (synthesis, UART simulation): the task's own output is
    captured until it ends, so this goes straight to the terminal. The gaps double up to HEARTBEAT_MAX_S, so a
    two-minute synthesis says so in six lines, not twenty-five."""
    done = threading.Event()
    start = time.monotonic()

    def beat() -> None:
        gap = every
        while not done.wait(gap):
            print(f"    ... {label}, {time.monotonic() - start:.0f} s", file=sys.__stderr__, flush=True)
            gap = min(2 * gap, max(every, HEARTBEAT_MAX_S))

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def run_check(
    layout: Layout,
    task: str,
    language: str,
    stem: str,
    check: Callable[[Context], Counts],
    report: str,
    kind: str = "",
) -> bool:
    """Run check(ctx) -> Counts with timing and a log; write the JSON report; print the outcome."""
    ctx = Context(layout, language, stem, task, kind)
    ctx.log.parent.mkdir(parents=True, exist_ok=True)
    ctx.log.write_text("", encoding="utf-8")
    start = time.monotonic()
    counts = Counts(0, 0, 0)
    error = ""
    missing_tool = ""
    kind = ""
    try:
        counts = check(ctx)
    except ToolMissing as exc:
        error, missing_tool, kind = str(exc), exc.command, failure_kind(exc)
    except CheckFailed as exc:
        error, kind = str(exc), failure_kind(exc)
    ok = not error and counts.failed == 0 and counts.tests > 0
    if not error and not ok:
        error = f"no test passed ({counts.passed} passed, {counts.failed} failed)"
    data: dict[str, Any] = {
        "task": task,
        "language": language,
        "schema": stem,
        "status": "passed" if ok else "failed",
        "tests": counts.tests,
        "passed": counts.passed,
        "failed": counts.failed if ok else max(1, counts.failed),
        "vectors": counts.vectors,
        "seconds": round(time.monotonic() - start, 3),
        "tools": ctx.tools,
        "notes": ctx.notes,
        "log": os.path.relpath(ctx.log, layout.root),
        **ctx.extra,
    }
    if error:
        # one line: which tool failed and the first thing it said
        lines = [line.strip() for line in error.splitlines() if line.strip()]
        data["error"] = " ".join(lines[:2])[:300]
        data["excerpt"] = [line[:300] for line in lines[:15]]  # what the feedback loop classifies
        data["failure"] = kind or "failed"  # its type: retries and the knowledge base decide by it first
    if missing_tool:
        data["missing_tool"] = missing_tool  # its fix installs this, and checks it is there
    write_json(Path(report), data)
    for note in ctx.notes:
        print(f"note: {note}")
    if ok:
        vec = f", {counts.vectors} vectors" if counts.vectors is not None else ""
        print(f"{task}: {counts.passed} passed, 0 failed{vec} ({data['seconds']} s)")
        return True
    print(f"{task} FAILED\n{error}", file=sys.stderr)
    print(f"  log: {data['log']}\n  re-run: doit {task}", file=sys.stderr)
    return False
