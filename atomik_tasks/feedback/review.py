"""After a run: what the feedback loop did (every task's attempts) and a class for every failure, with the
command that fixes it or, when nothing known does, an escalation. The reporter puts this in run.json, the
console summary and context.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..layout import PACKAGE_CHECK, Layout
from ..tools import INSTALL_ALL
from . import clash, learned, record
from .kb import KnowledgeBase, KnowledgeError, Match
from .messages import diagnostic_text, report_failure
from .schemafix import proposes_repair

_NOT_REPAIRS = {"person", "choices", "choices-default", "choices-uniform", "retry", "timing"}


def _first_error(layout: Layout, stem: str) -> dict[str, Any]:
    try:
        result = json.loads(Path(layout.model(stem, "result")).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return next((d for d in result.get("diagnostics", []) if d.get("severity") == "error"), {})


def _validate_message(layout: Layout, stem: str) -> str:
    d = _first_error(layout, stem)
    return diagnostic_text(d["rule"], d["path"], d["message"]) if d else ""


def task_report(layout: Layout, task: str) -> dict[str, Any]:
    """The JSON report a check task wrote this run ({} for a task without one)."""
    kind, _, rest = task.partition(":")
    stem = rest.rsplit(":", 1)[-1] if kind != "consume" else PACKAGE_CHECK
    name = {
        "verify": f"verify-{rest.split(':')[0]}",
        "consume": f"consume-{rest}",
        "sim": "sim-uart",
        "synth": "synth",
    }.get(kind)
    if not name:
        return {}
    try:
        data = json.loads(Path(layout.report(name, stem)).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("task") == task else {}


def failure_message(layout: Layout, task: str, cause: str, report: dict[str, Any] | None = None) -> str:
    """What a failed task said, in the form the knowledge base matches (report: its check report, if read)."""
    kind, _, stem = task.partition(":")
    if kind == "validate":
        return _validate_message(layout, stem) or cause
    report = task_report(layout, task) if report is None else report
    return (report_failure(report) if report else "") or cause


def _schema_of(task: str) -> str:
    return task.rsplit(":", 1)[-1]


def _verdict(
    layout: Layout, kb: KnowledgeBase, task: str, message: str, match: Match | None, retried: bool
) -> dict[str, Any]:
    kind = match.entry.fix.kind if match else "person"
    out: dict[str, Any] = {
        "task": task,
        "class": match.entry.cls if match else "unknown",
        "entry": match.entry.id if match else None,
        "round": 0,
        "tokens": 0,
    }
    stem = _schema_of(task)
    if kind == "install":  # by the failure's type: the command installs every missing tool, whatever the task
        return {**out, "fix": INSTALL_ALL, "outcome": "open"}
    if task.startswith("validate:") and kind == "rename-object":  # a clash: the newcomer takes a new name
        who = clash.role(layout, stem)
        target = who.newcomers[0] if who and who.is_original else stem
        return {**out, "fix": f"doit fix:{target} --apply", "outcome": "open"}
    if task.startswith("validate:") and kind not in _NOT_REPAIRS:
        if proposes_repair(layout, stem, kb):
            return {**out, "fix": f"doit fix:{stem} --apply", "outcome": "open"}
        # a known class whose repair does not apply here (no close spelling of an unknown key): the advice itself
        first = _first_error(layout, stem)
        where = f"{first['path']}: {first['message']}: " if first else ""
        return {**out, "fix": "", "outcome": "open", "advice": where + (match.entry.advice if match else "")}
    if kind == "retry" and not retried:
        return {**out, "fix": f"doit {task}", "outcome": "open"}
    if task.startswith("validate:") and kind != "person":
        return {**out, "fix": f"doit fix:{stem}", "outcome": "open", "advice": match.entry.advice if match else ""}
    reason = "a transient failure that repeated" if kind == "retry" else "no automatic fix is known"
    esc = record.escalate(layout, task, message, kb, match, reason)
    return {**out, "fix": "", "outcome": "escalated", "advice": esc["advice"]}


def review(layout: Layout, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Attempts of the tasks this run executed, then one verdict per failure (never raises: a report must
    not fail the build it reports on)."""
    out: list[dict[str, Any]] = []
    # a task doit failed because one it depends on failed never started: its dependency is the failure
    ran = [r for r in records if r["status"] in ("success", "failure") and r.get("start")]
    for r in ran:
        out += record.load(layout, r["name"])
        if r["status"] == "success":  # it passes now: its escalation (and `doit diagnose:<task>`) is gone
            record.clear_escalation(layout, r["name"])
    failed = [r for r in ran if r["status"] == "failure" and not r["name"].startswith("fix:")]
    if not failed:
        return out
    try:
        kb = learned.knowledge(layout)
    except KnowledgeError as exc:
        return [
            *out,
            *(
                {
                    "task": r["name"],
                    "class": "unknown",
                    "entry": None,
                    "round": 0,
                    "tokens": 0,
                    "fix": "",
                    "outcome": "escalated",
                    "advice": str(exc),
                }
                for r in failed
            ),
        ]
    for r in failed:
        task = r["name"]
        report = task_report(layout, task)
        message = failure_message(layout, task, r.get("cause", ""), report)
        match = kb.match_failure(
            message, task.split(":", 1)[0], report.get("missing_tool", ""), report.get("failure", "")
        )
        retried = any(a.get("task") == task and a.get("fix") == "retry" for a in out)
        out.append(_verdict(layout, kb, task, message, match, retried))
    return out
