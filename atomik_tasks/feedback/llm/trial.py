"""A proposed fix is tried in a scratch copy of the project first: the diff must touch only schemas/ or
templates/, apply cleanly (GNU patch), and the failing task and what depends on it must pass there. Only then
is it proposed, and with --apply written to the project."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ... import languages
from ...layout import Layout
from ...tools import Tool, require

PATCH = Tool("patch", "patch", "apply a model's proposed fix in a scratch copy")
_PATHS = re.compile(r"^(?:---|\+\+\+) (?:[ab]/)?(\S+)", re.M)
_SKIP = {"build", "knowledge", ".git", ".venv", "node_modules", "__pycache__"}
VERIFY_TIMEOUT_S = 1800


@dataclass
class Trial:
    ok: bool
    why: str  # what failed, or what passed


def paths(diff: str) -> list[str]:
    return sorted({p for p in _PATHS.findall(diff) if p != "/dev/null"})


def check_paths(diff: str) -> str:
    """Why a diff may not be applied ("" when it may): only schemas/ and templates/, no way out of the project."""
    found = paths(diff)
    if not found:
        return "the diff names no file"
    for p in found:
        parts = Path(p).parts
        if Path(p).is_absolute() or ".." in parts or parts[0] not in ("schemas", "templates"):
            return f"the diff touches {p}: only schemas/ and templates/<language>/ may change"
    return ""


def _seed_templates(root: Path, diff: str) -> None:
    """A diff against templates/<language>/<file> the project does not have yet starts from the shipped one."""
    for p in paths(diff):
        parts = Path(p).parts
        if parts[0] == "templates" and len(parts) == 3 and not (root / p).exists():
            lang = languages.all_languages().get(parts[1])
            shipped = lang.folder / "templates" / parts[2] if lang else None
            if shipped and shipped.exists():
                (root / p).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(shipped, root / p)


def apply(root: Path, diff: str) -> str:
    """Apply a diff to the project at root; "" or why it does not apply (nothing changed then)."""
    bad = check_paths(diff)
    if bad:
        return bad
    _seed_templates(root, diff)
    patch = require(PATCH)
    for dry in (True, False):
        cmd = [patch, "-p1", "--forward", "--batch", "--silent", "-d", str(root)] + (["--dry-run"] if dry else [])
        proc = subprocess.run(cmd, input=diff, capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            return "the diff does not apply: " + (proc.stdout + proc.stderr).strip().splitlines()[0][:200]
    return ""


def scratch_copy(layout: Layout, task: str) -> Path:
    root = Path(layout.scratch(task))
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for entry in os.scandir(layout.root):
        if entry.name in _SKIP:
            continue
        if entry.is_dir():
            shutil.copytree(entry.path, root / entry.name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(entry.path, root / entry.name)
    return root


def tasks_to_verify(task: str) -> list[str]:
    """The failing task and what proves a fix of it: a schema's every SDK when its validation failed."""
    kind, _, stem = task.partition(":")
    if kind == "validate":
        return [task, *(f"verify:{lang}:{stem}" for lang in languages.all_languages())]
    return [task]


def run(layout: Layout, task: str, diff: str) -> Trial:
    """Apply the diff in a fresh scratch copy and run the tasks that prove it there."""
    root = scratch_copy(layout, task)
    why = apply(root, diff)
    if why:
        return Trial(False, why)
    env = {**os.environ, "ATOMIK_LLM_AUTO": "0"}  # no diagnosis of the scratch run's own failures
    cmd = [sys.executable, "-m", "doit", *tasks_to_verify(task)]
    try:
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=VERIFY_TIMEOUT_S, env=env)
    except subprocess.TimeoutExpired:
        return Trial(False, f"the checks did not finish in {VERIFY_TIMEOUT_S} s in the scratch copy")
    if proc.returncode != 0:
        lines = [
            line for line in (proc.stdout + proc.stderr).splitlines() if "FAILED" in line or "error" in line.lower()
        ]
        return Trial(False, "the checks fail in the scratch copy: " + (lines[0].strip() if lines else "see its build/"))
    return Trial(True, f"{' '.join(tasks_to_verify(task))} pass in the scratch copy")
