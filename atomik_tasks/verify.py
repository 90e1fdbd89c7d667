"""Running a target's native toolchain on generated code, and reporting what happened.

A target plugin's verify_schema / verify_package get a VerifyContext, run tools through it, and
return Counts parsed from the runners' own output. run_verify times the whole, writes
build/reports/verify-<lang>-<schema>.json, and turns a failure into a failed doit task with the
first lines of the tool's error and the command that re-runs just that task.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import toolchain
from .fsio import read_json, write_json
from .paths import Layout

PACKAGE = "_package"  # the name of a language's whole-package check (schema stems cannot start with "_")


class VerifyFailure(Exception):
    """A tool reported a problem; message holds its first relevant lines."""


@dataclass
class Counts:
    tests: int
    passed: int
    failed: int
    vectors: int | None = None

    def __add__(self, other: Counts) -> Counts:
        vec = None if self.vectors is None and other.vectors is None else (self.vectors or 0) + (other.vectors or 0)
        return Counts(self.tests + other.tests, self.passed + other.passed, self.failed + other.failed, vec)


@functools.cache
def tool_version(path: str) -> str:
    for flag in ("--version", "-V"):
        try:
            proc = subprocess.run([path, flag], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        text = (proc.stdout or proc.stderr).strip()
        if proc.returncode == 0 and text:
            return text.splitlines()[0]
    return "unknown"


@dataclass
class VerifyContext:
    layout: Layout
    target: str
    stem: str  # or PACKAGE
    tools: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # more report keys (synthesis results)
    log_name: str = ""

    @property
    def sdk(self) -> Path:
        return self.layout.sdk(self.target)

    @property
    def work(self) -> Path:
        path = self.layout.build / "verify" / self.target / self.stem
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def log(self) -> Path:
        return self.layout.build / "logs" / f"{self.log_name or f'verify-{self.target}-{self.stem}'}.log"

    def vectors(self, suffix: str) -> Path:
        return self.layout.build / "vectors" / f"{self.stem}.{suffix}"

    def files(self) -> list[str]:
        """Paths (relative to the SDK) this schema's generate task wrote."""
        return sorted(read_json(self.layout.manifest(self.target, self.stem)))

    def tool(self, name: str) -> str:
        """Absolute path of a tool (ToolMissing names the package to install); its version goes in the report."""
        path = toolchain.require(name)
        self.tools[name] = tool_version(path)
        return path

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "PATH": toolchain.search_path(),
            "ATOMIK_VECTORS_DIR": str(self.vectors("x").parent),
            **extra,
        }

    def run(self, cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 1800) -> str:
        """Run a command, log its output, return stdout+stderr; VerifyFailure on a non-zero exit."""
        proc = subprocess.run(cmd, cwd=cwd, env=env or self.env(), capture_output=True, text=True, timeout=timeout)
        out = proc.stdout + proc.stderr
        with self.log.open("a", encoding="utf-8") as fh:
            fh.write(f"$ {' '.join(cmd)}\n{out}\n[exit {proc.returncode}]\n")
        if proc.returncode != 0:  # what went wrong is usually on stderr: look there first
            raise VerifyFailure(f"{Path(cmd[0]).name} exited {proc.returncode}:\n{excerpt(proc.stderr + proc.stdout)}")
        return out


_INTERESTING = re.compile(
    r"error|fail|assert|expected|fatal|panicked|warning|mismatch|%Warning|%Error|^\S+:\d+(:\d+)?: ", re.I
)


def excerpt(output: str, limit: int = 12) -> str:
    """The first lines that say what went wrong (or the last lines when none stands out)."""
    lines = [line for line in output.splitlines() if line.strip()]
    hits = [line for line in lines if _INTERESTING.search(line)]
    chosen = hits[:limit] if hits else lines[-limit:]
    return "\n".join(f"  {line[:300]}" for line in chosen)


# ---- counts from the runners' own output ----------------------------------------------
def _num(pattern: str, text: str) -> int:
    found = re.findall(pattern, text, re.M)
    return int(found[-1]) if found else 0


def pytest_counts(out: str) -> Counts:
    passed, failed = _num(r"(\d+) passed", out), _num(r"(\d+) failed", out) + _num(r"(\d+) errors?\b", out)
    return Counts(passed + failed, passed, failed)


def cargo_counts(out: str) -> Counts:
    results = re.findall(r"test result: \w+\. (\d+) passed; (\d+) failed", out)
    passed = sum(int(p) for p, _ in results)
    failed = sum(int(f) for _, f in results)
    return Counts(passed + failed, passed, failed)


def tap_counts(out: str) -> Counts:
    passed, failed = _num(r"^# pass (\d+)", out), _num(r"^# fail (\d+)", out)
    return Counts(passed + failed, passed, failed)


def vector_counts(out: str) -> Counts:
    """The harnesses' own closing line: `vectors: N passed, M failed`."""
    m = re.findall(r"vectors: (\d+) passed, (\d+) failed", out)
    if not m:
        return Counts(1, 0, 1, 0)
    passed, failed = int(m[-1][0]), int(m[-1][1])
    return Counts(1, int(failed == 0), int(failed != 0), passed)


# ---- the task action ----------------------------------------------------------------------
def report_path(layout: Layout, target: str, stem: str) -> Path:
    return layout.build / "reports" / f"verify-{target}-{stem}.json"


def run_verify(layout: Layout, target_name: str, stem: str) -> bool:
    """The action of verify:<lang>:<schema>."""
    from . import targets

    target = targets.get(target_name)
    check = target.verify_package if stem == PACKAGE else target.verify_schema
    return run_check(
        layout, f"verify:{target_name}:{stem}", target_name, stem, check, report_path(layout, target_name, stem)
    )


def run_check(
    layout: Layout,
    task: str,
    target_name: str,
    stem: str,
    check: Any,
    report: Path,
) -> bool:
    """Run check(ctx) -> Counts with timing and a log; write the JSON report; print the outcome."""
    ctx = VerifyContext(layout, target_name, stem)
    ctx.log_name = task.replace(":", "-")
    ctx.log.parent.mkdir(parents=True, exist_ok=True)
    ctx.log.write_text("", encoding="utf-8")
    start = time.monotonic()
    counts = Counts(0, 0, 0)
    error = ""
    try:
        counts = check(ctx)
    except (VerifyFailure, toolchain.ToolMissing) as exc:
        error = str(exc)
    ok = not error and counts.failed == 0 and counts.tests > 0
    if not error and not ok:
        error = f"no test passed ({counts.passed} passed, {counts.failed} failed)"
    data: dict[str, Any] = {
        "task": task,
        "language": target_name,
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
    write_json(report, data)
    for note in ctx.notes:
        print(f"note: {note}")
    if ok:
        vec = f", {counts.vectors} vectors" if counts.vectors is not None else ""
        print(f"{task}: {counts.passed} passed, 0 failed{vec} ({data['seconds']} s)")
        return True
    print(f"{task} FAILED\n{error}", file=sys.stderr)
    print(f"  log: {data['log']}\n  re-run: doit {task}", file=sys.stderr)
    return False
