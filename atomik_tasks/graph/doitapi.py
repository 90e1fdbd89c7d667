"""The few things atomik-tasks needs from doit beyond its documented task-dict API, in one place.

Pinned by tests/unit/test_doitapi.py against the doit version in use (0.37): if doit changes these
internals, that test fails instead of a build going wrong.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from doit.exceptions import TaskFailed

from ..errors import AtomikError

DOIT_SERIES = "0.37"


def has_actions(task: Any) -> bool:
    """Whether a task does anything (group tasks do not). doit builds action objects on first use of
    `task.actions`: doing that for every up-to-date task cost a no-op run at 30 schemas a few ms, so read
    the declared list when there is one."""
    declared = getattr(task, "_actions", None)
    return bool(declared) if isinstance(declared, list) else bool(task.actions)


def stored_md5(dep_file: str) -> Callable[[str, str], str | None] | None:
    """A lookup of the md5 doit stored for (task, file dependency), or None before the first build."""
    if not os.path.exists(dep_file):
        return None
    from doit.dependency import JSONCodec, SqliteDB

    db = SqliteDB(dep_file, JSONCodec())

    def lookup(task: str, dep: str) -> str | None:
        state = db.get(task, dep)  # (mtime, size, md5) as doit's md5 checker stores it
        return state[2] if state else None

    return lookup


def call(fn: Callable[..., Any], *args: Any) -> Any:
    """A stage function as a doit python-action: a typed failure ends the task with its message (no
    traceback); False fails it too; anything else succeeds."""
    try:
        result = fn(*args)
    except AtomikError as exc:
        return TaskFailed(str(exc))
    return False if result is False else None


def stale_tasks(dep_file: str, tasks: dict[str, Any], names: list[str], known: dict[str, bool]) -> set[str]:
    """Which of `names` are not up to date now: doit's own check of each (file deps, targets, uptodate), and
    not up to date either when something it depends on is not: the task writing one of its file deps, or a
    task_dep that does work (a group task_dep only orders: generate:<lang> waits for every schema, but one
    invalid schema leaves the others' results current). known: {task: up to date} this run already judged."""
    fresh = dict(known)
    unknown = [n for n in names if n not in fresh]
    if not unknown:
        return {n for n in names if not fresh[n]}
    from doit.dependency import Dependency, SqliteDB

    dep = Dependency(SqliteDB, dep_file)
    producers = {target: task.name for task in tasks.values() for target in task.targets}

    def is_fresh(name: str) -> bool:
        if name in fresh:
            return fresh[name]
        fresh[name] = False  # until proven: also ends a cycle
        task = tasks.get(name)
        if task is None:
            return False
        ok = dep.get_status(task, tasks).status == "up-to-date"
        # a task_dep that reads and writes no file (a pre-flight check of a board) only orders: never a reason
        gates = [
            t for t in task.task_dep if t in tasks and has_actions(tasks[t]) and (tasks[t].file_dep or tasks[t].targets)
        ]
        upstream = [*gates, *(producers[f] for f in task.file_dep if f in producers)]
        fresh[name] = ok and all(is_fresh(u) for u in upstream)
        return fresh[name]

    try:
        return {n for n in names if not is_fresh(n)}
    finally:
        dep.close()


def rerun_command(task: Any) -> str:
    """`doit <task>` with the parameters it ran with (hwtest --port ...), so a copy-paste repeats it."""
    words = ["doit", task.name]
    for param in getattr(task, "params", []) or []:
        value = (task.options or {}).get(param["name"], param.get("default"))
        if value != param.get("default"):
            words += [f"--{param['long']}"] if value is True else [f"--{param['long']}", str(value)]
    return " ".join(words)
