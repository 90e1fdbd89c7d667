"""Action keys: a sha256 over what a task's result depends on and nothing else, so two clones at different
paths share hits: the task kind, every input file's digest (by its path inside the project, never the
checkout's), the versions of the tools that matter, the settings that change the result, and the platform."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..fsio import sha256_file, write_atomic
from ..layout import Layout
from ..tools import Tool, find, tool_version

PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def relative(layout: Layout, path: str) -> str:
    """A path as the key sees it: a package file relative to the package (pkg:...), whether the package is a
    checkout inside the project or an installed wheel, so both give the same key; else inside the project,
    relative to it."""
    if path.startswith(PACKAGE + os.sep):
        return "pkg:" + path[len(PACKAGE) + 1 :]
    if path.startswith(layout.root + "/"):
        return path[len(layout.root) + 1 :]
    return path


def tool_versions(layout: Layout, tools: Iterable[Tool]) -> dict[str, str]:
    """Versions of the tools a task runs, remembered per executable (its path, size and mtime): asking
    `yosys --version` on every run would cost more than a cache hit."""
    memo_path = Path(layout.build, "cache", "tool-versions.json")
    try:
        memo = json.loads(memo_path.read_text("utf-8"))
    except (OSError, ValueError):
        memo = {}
    out, changed = {}, False
    for tool in tools:
        path = find(tool.command)
        if not path:
            out[tool.command] = "missing"
            continue
        st = os.stat(path)
        stamp = f"{os.path.realpath(path)}:{st.st_size}:{st.st_mtime_ns}"
        if memo.get(tool.command, {}).get("stamp") != stamp:
            memo[tool.command] = {"stamp": stamp, "version": tool_version(tool, path)}
            changed = True
        out[tool.command] = memo[tool.command]["version"]
    if changed:
        write_atomic(memo_path, json.dumps(memo, sort_keys=True))
    return out


def action_key(
    layout: Layout, kind: str, inputs: list[str], tools: dict[str, str], settings: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """(key, what it was made of): the second goes in the action result, so a person can see why two differ."""
    files = {relative(layout, p): sha256_file(Path(p)) for p in sorted(inputs)}
    made_of = {
        "kind": kind,
        "inputs": files,
        "tools": tools,
        "settings": settings,
        "platform": f"{sys.platform}-{platform.machine()}",
        "python": platform.python_version(),
    }
    key = hashlib.sha256(json.dumps(made_of, sort_keys=True).encode()).hexdigest()
    return key, made_of
