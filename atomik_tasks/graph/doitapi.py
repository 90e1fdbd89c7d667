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
