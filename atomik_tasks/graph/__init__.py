"""The build graph: doit task creators and the reporter. The only code that knows doit; dodo.py imports it.

Each creator returns plain task dicts wired to stage functions in the folders below (schema, reference,
languages, checks, hardware, reports); doit decides what is up to date.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

from ..errors import AtomikError
from ..feedback.llm import ledger
from ..layout import Layout
from .caching import cache_task
from .feedback import diagnose_tasks, fix_tasks
from .hardware import default_groups, hardware_tasks
from .model import catalogue_task, fingerprint_tasks, model_tasks
from .preflight import PLAIN_RUN, left_out, tools_task
from .project import Project, cores, group
from .reporter import AtomikReporter
from .schedule import longest_first
from .sdk import check_tasks, consume_tasks, core_tasks, generate_tasks, vectors_tasks, verify_tasks

__all__ = ["doit_config", "pipeline_tasks"]

GROUPS = {
    "fingerprint": "hash the code and templates each stage depends on",
    "normalize": "validate each schema and write its model and language views",
    "validate": "report schema diagnostics; fails on any error",
    "generate": "generate every SDK (generate:<lang> for one language, generate:<lang>:<schema> for one file)",
    "package": "write each SDK's package index files",
    "vectors": "write the shared test vectors of each schema",
    "verify": "verify every SDK with its toolchain (verify:<lang> for one language)",
}


def _or_exit(make: Any) -> Any:
    """A mistake a person can fix (atomik.toml, an unknown board) ends `doit` with its one line, exit 2,
    instead of a traceback from the middle of doit's loader."""
    try:
        return make()
    except AtomikError as exc:
        print(f"atomik-tasks: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


DOIT_COMMANDS = {"list", "info", "forget", "clean", "ignore", "help", "strace", "dumpdb", "reset-dep", "auto"}


def misasked(layout: Layout, argv: list[str]) -> str:
    """One line for a request doit would answer with its own error (exit 3): `doit fix --apply` (the group takes
    no options) and `doit diagnose:<task>` for a task with nothing escalated. "" when the request is fine."""
    words = [a for a in argv if not a.startswith("-")]
    if words and words[0] in DOIT_COMMANDS:
        return ""
    if "fix" in words and "--apply" in argv:
        return "`doit fix` shows the repairs of every schema; write one with `doit fix:<schema> --apply`"
    asked = [w.partition(":")[2] for w in words if w.startswith("diagnose:")]
    if not asked:
        return ""
    from .feedback import escalated

    open_ = escalated(layout)
    for task in asked:
        if task not in open_:
            which = f"; escalated now: {', '.join(open_)}" if open_ else "; none is escalated now"
            return f"nothing to diagnose for {task}: no failure of it is escalated{which}"
    return ""


def doit_config(layout: Layout) -> dict[str, Any]:
    """DOIT_CONFIG: sqlite3 keeps every result when two runs overlap (dbm and json lose some)."""
    os.makedirs(layout.build, exist_ok=True)
    wrong = misasked(layout, sys.argv[1:])
    if wrong:
        print(f"atomik-tasks: {wrong}", file=sys.stderr)
        raise SystemExit(2)
    ledger.run_id()  # one id per `doit` call, inherited by its worker processes: the per-run token budget
    return _or_exit(lambda: _config(layout))


def _config(layout: Layout) -> dict[str, Any]:
    p = Project(layout)
    PLAIN_RUN["left_out"] = left_out(p)
    checks = [*default_groups(p), "verify", *(["consume"] if p.config.sdk.consume else []), "check"]
    PLAIN_RUN["tasks"] = [
        "tools",
        *longest_first(p, [*GROUPS, "core", *checks]),  # from earlier runs' durations: long chains start first
        *(g for g in GROUPS if g != "verify"),
        "catalogue",
        "core",
        *checks,
    ]
    return {
        "backend": "sqlite3",
        "dep_file": layout.doit_db,
        "check_file_uptodate": "md5",
        "reporter": AtomikReporter,
        # every core by default (`doit -n 1` still runs one task at a time); the reporter prints each task's
        # output as one block when it ends, so parallel output stays readable
        "num_process": int(p.config.build.jobs) or cores(),
        # every task's output, stdout and stderr, is captured and printed by the reporter as one block
        # (verbosity 1 would print stderr live as well: every failure twice, and out of order with -n 2)
        "verbosity": 0,
        # `doit clean` removes what every task wrote (group sub-tasks too) and forgets their state.
        "cleandep": True,
        "cleanforget": True,
        # program and hwtest need a board: only when asked for by name.
        # doit hands out ready tasks in this order: the long ones (synthesis, the UART simulations) first, so
        # on a few cores the short ones fill in beside them instead of after; the consumers after verify, which
        # leaves them the warm caches (mypy's) the package checks wrote
        # `tools` first: a missing tool ends the run at once with the one command that installs it
        "default_tasks": PLAIN_RUN["tasks"],
    }


def diff_task(p: Project) -> dict[str, Any]:
    return {
        "basename": "diff",
        "doc": "what changed in each schema since its last good build, and which targets that rebuilds",
        "actions": [(print_diff, [p.layout])],
        "uptodate": [False],
        "verbosity": 2,
    }


def print_diff(layout: Layout) -> None:
    from ..reports.diff import report
    from .doitapi import stored_md5

    tasks = [t for t in pipeline_tasks(layout) if t.get("actions")]
    for line in report(layout, stored_md5(layout.doit_db), lambda files: downstream(tasks, files)):
        print(line)


def downstream(tasks: list[dict[str, Any]], files: list[str]) -> list[str]:
    """Every task that reads one of `files`, or reads what such a task writes (the task graph's file edges):
    what an edit of those files runs again, the hardware included."""
    readers: dict[str, list[dict[str, Any]]] = {}
    for t in tasks:
        for dep in t.get("file_dep", []):
            readers.setdefault(dep, []).append(t)
    seen: dict[str, dict[str, Any]] = {}
    todo = list(files)
    while todo:
        for t in readers.get(todo.pop(), []):
            name = f"{t['basename']}:{t['name']}" if t.get("name") else t["basename"]
            if name not in seen:
                seen[name] = t
                todo += list(t.get("targets", []))
    return sorted(seen)


def pipeline_tasks(layout: Layout) -> Iterator[dict[str, Any]]:
    p = _or_exit(lambda: Project(layout))
    if p.config.cluster.scheduler.startswith("local:"):
        from ..cluster.connect import stop_at_exit

        stop_at_exit(layout)  # the cluster stage ends the LocalCluster its tasks start, when this process ends
    for basename, doc in GROUPS.items():
        yield group(basename, None, doc)
    yield tools_task(p)
    yield from fingerprint_tasks(p)
    yield catalogue_task(p)
    yield from model_tasks(p)
    yield from generate_tasks(p)
    yield from vectors_tasks(p)
    yield from core_tasks(p)
    yield from verify_tasks(p)
    yield from check_tasks(p)
    yield from consume_tasks(p)
    yield from hardware_tasks(p)
    yield from fix_tasks(p)
    yield from diagnose_tasks(p)
    yield cache_task(p)
    yield diff_task(p)
