"""Failures are typed, as doit's are: the runner records a failure's type in the report, and retries and the
knowledge base decide by it before reading any text (the messages here match no signature on purpose)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from atomik_tasks.checks.runner import run_check
from atomik_tasks.errors import DoesNotFit, ToolKilled, ToolMissing, ToolTimedOut, failure_kind
from atomik_tasks.feedback import kb as kbmod
from atomik_tasks.feedback.retry import with_retry
from atomik_tasks.languages.check import Counts
from atomik_tasks.layout import Layout


def test_each_failure_has_its_kind():
    assert failure_kind(ToolMissing("x", "gcc")) == "missing-tool"
    assert failure_kind(ToolTimedOut("x")) == "timeout"
    assert failure_kind(ToolKilled("x", 9)) == "killed"
    assert failure_kind(DoesNotFit("x")) == "does-not-fit"
    assert failure_kind(ValueError("x")) == "crashed"


@pytest.mark.parametrize(
    ("kind", "entry"),
    [("killed", "transient.killed"), ("timeout", "transient.timeout"), ("does-not-fit", "fit.does-not-fit")],
)
def test_the_knowledge_base_matches_by_type_whatever_the_words(kind, entry):
    kb = kbmod.KnowledgeBase(list(kbmod.shipped()))
    assert kb.match("zzz qqq nothing like any signature", "synth") is None
    assert kb.match_failure("zzz qqq nothing like any signature", "synth", kind=kind).entry.id == entry


def _run(tmp_path: Path, cmd: list[str], timeout: int = 60) -> dict:
    layout = Layout(tmp_path)

    def check(ctx):
        ctx.run(cmd, cwd=tmp_path, timeout=timeout)
        return Counts(1, 1, 0)

    report = tmp_path / "report.json"
    run_check(layout, "verify:c:x", "c", "x", check, str(report))
    return json.loads(report.read_text())


def test_a_tool_killed_by_a_signal_is_recorded_as_killed(tmp_path):
    data = _run(tmp_path, [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"])
    assert data["status"] == "failed" and data["failure"] == "killed"


def test_a_tool_past_its_time_limit_is_recorded_as_a_time_out(tmp_path):
    data = _run(tmp_path, [sys.executable, "-c", "import time; time.sleep(30)"], timeout=1)
    assert data["failure"] == "timeout"


def test_a_plain_failure_is_recorded_as_failed(tmp_path):
    data = _run(tmp_path, [sys.executable, "-c", "raise SystemExit(3)"])
    assert data["failure"] == "failed"


def test_a_kill_is_retried_by_its_type_once(tmp_path):
    """The tool's message says nothing the signatures know; the report's type alone makes it a retry."""
    layout = Layout(tmp_path)
    report = tmp_path / "build/reports/verify-c-x.json"
    runs = []

    def action() -> bool:
        runs.append(1)
        report.parent.mkdir(parents=True, exist_ok=True)
        first = len(runs) == 1
        report.write_text(
            json.dumps(
                {"status": "failed" if first else "passed", "error": "zzz qqq", "failure": "killed" if first else ""}
            )
        )
        return not first

    assert with_retry(layout, "verify:c:x", str(report), True, action) is True
    assert len(runs) == 2
