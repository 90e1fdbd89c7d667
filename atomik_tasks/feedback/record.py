"""What the feedback loop did, per task: every attempt (class, knowledge-base entry, fix, round, outcome, tokens)
and every escalation. The reporter merges them into run.json, the console summary and context.json."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..fsio import dump_json, write_if_changed
from ..layout import Layout
from .kb import KnowledgeBase, Match
from .messages import normalize

# outcomes: fixed (the check passes after it), reverted (it did not reduce the errors), failed (it did not
# help), escalated (handed to a person), proposed (`doit fix` without --apply), choices (the intent is unclear)
OUTCOMES = ("fixed", "reverted", "failed", "escalated", "proposed", "choices")


@dataclass
class Attempt:
    task: str
    cls: str
    entry: str
    fix: str  # the fix kind and what it did, in words
    round: int
    outcome: str
    match: str = "exact"  # exact or fuzzy
    tokens: int = 0  # no model is called at this stage

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["class"] = data.pop("cls")
        return data


def clear(layout: Layout, task: str) -> None:
    """A task's attempts describe its last run only."""
    Path(layout.attempts(task)).unlink(missing_ok=True)


def save(layout: Layout, task: str, attempts: list[Attempt]) -> None:
    if attempts:
        write_if_changed(Path(layout.attempts(task)), dump_json([a.to_dict() for a in attempts]))
    else:
        clear(layout, task)


def load(layout: Layout, task: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(Path(layout.attempts(task)).read_text("utf-8"))
    except (OSError, ValueError):
        return []
    return data if isinstance(data, list) else []


def escalate(
    layout: Layout, task: str, message: str, kb: KnowledgeBase, match: Match | None, reason: str
) -> dict[str, Any]:
    """Hand a failure over: the escalation file is where a person (or the LLM diagnosis) picks it up."""
    record = {
        "task": task,
        "reason": reason,
        "message": message[:2000],
        "normalized": normalize(message)[:500],
        "class": match.entry.cls if match else "unknown",
        "entry": match.entry.id if match else None,
        "advice": match.entry.advice if match else "not in the knowledge base: read the log",
        "nearest": kb.nearest(message),
        "tokens": 0,
    }
    write_if_changed(Path(layout.escalation(task)), dump_json(record))
    return record


def clear_escalation(layout: Layout, task: str) -> None:
    Path(layout.escalation(task)).unlink(missing_ok=True)
