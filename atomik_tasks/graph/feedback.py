"""Tasks of the feedback loop, none of them in a plain `doit`: fix:<schema>, diagnose:<task> for each escalated
failure, and ledger (the model calls' tokens and cost)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

from ..config import Config, Section
from ..feedback.llm import ledger
from ..layout import Layout
from .doitapi import call
from .project import Project, group


def run_fix(layout: Layout, stem: str, fb: Section, apply: bool = False) -> Any:
    from ..feedback.fix import fix  # the repairs are imported only when asked for

    return call(fix, layout, stem, fb, apply)


def fix_tasks(p: Project) -> Iterator[dict[str, Any]]:
    yield group(
        "fix", None, "the knowledge base's repairs of every schema, as diffs (`doit fix:<schema> --apply` writes one)"
    )
    for stem in p.stems:
        yield {
            "basename": "fix",
            "name": stem,
            "doc": f"repair {stem}.json where the cure is known (a diff; --apply writes it) and its failed checks",
            "actions": [(run_fix, [p.layout, stem, p.config.feedback])],
            "params": [
                {"name": "apply", "long": "apply", "type": bool, "default": False, "help": "write the repaired schema"}
            ],
            "uptodate": [False],
            "verbosity": 2,
        }


def run_diagnose(layout: Layout, task: str, config: Config, apply: bool = False) -> Any:
    from ..feedback.llm.diagnose import diagnose  # the prompt and client code only when asked for

    return call(diagnose, layout, task, config, apply)


def run_optimize(layout: Layout, config: Config, apply: bool = False) -> Any:
    from ..feedback.optimize import optimize  # read only when asked for

    return call(optimize, layout, config, apply)


def print_ledger(layout: Layout) -> None:
    for line in ledger.summary(ledger.read(layout)):
        print(line)


def escalated(layout: Layout) -> list[str]:
    """The tasks with an escalation on file (a listdir: task creation runs on every `doit`)."""
    folder = f"{layout.feedback}/escalations"
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".json"))
    except FileNotFoundError:
        return []
    tasks = []
    for name in names:
        try:
            with open(f"{folder}/{name}", encoding="utf-8") as fh:
                tasks.append(str(json.load(fh)["task"]))
        except (OSError, ValueError, KeyError):
            continue
    return tasks


def diagnose_tasks(p: Project) -> Iterator[dict[str, Any]]:
    yield group("diagnose", None, "a model's diagnosis of each escalated failure (`doit diagnose:<task>`; needs a key)")
    for task in escalated(p.layout):
        yield {
            "basename": "diagnose",
            "name": task,
            "doc": f"a model's diagnosis of {task}, tried in a scratch copy (--apply writes a verified fix)",
            "actions": [(run_diagnose, [p.layout, task, p.config])],
            "params": [
                {"name": "apply", "long": "apply", "type": bool, "default": False, "help": "write a verified fix"}
            ],
            "uptodate": [False],
            "verbosity": 2,
        }
    yield {
        "basename": "optimize",
        "doc": "what the run history says to change in atomik.toml, with its evidence (--apply writes it)",
        "actions": [(run_optimize, [p.layout, p.config])],
        "params": [
            {"name": "apply", "long": "apply", "type": bool, "default": False, "help": "write the recommended changes"}
        ],
        "uptodate": [False],
        "verbosity": 2,
    }
    yield {
        "basename": "ledger",
        "doc": "tokens and cost of every model call, by day, model and task (knowledge/llm-ledger.jsonl)",
        "actions": [(print_ledger, [p.layout])],
        "uptodate": [False],
        "verbosity": 2,
    }
