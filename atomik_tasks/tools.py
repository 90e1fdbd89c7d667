"""External programs: find them, and say how to install a missing one.

Each folder declares the tools it runs (a language its compiler, a board family its place-and-route, the
reports their renderers) as Tool values; `python -m atomik_tasks tools --install` installs them all.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import ToolMissing

# The venv's own scripts (ruff, pytest) even when it is not activated, and the cargo that rustup
# installs, which is often not on a non-login PATH.
EXTRA_PATHS = [os.path.dirname(sys.executable), os.path.expanduser("~/.cargo/bin")]


@dataclass(frozen=True)
class Tool:
    command: str
    debian: str  # Debian package that provides it ("" for a Python package)
    purpose: str
    pip: str = ""  # PyPI package that provides it; "(...)" for advice when no package manager has it
    npm: str = ""  # npm package (with its version range) installed into the venv: a tool of the build only

    @property
    def hint(self) -> str:
        if self.pip.startswith("("):
            return self.pip.strip("()")
        if self.npm:
            how = " ".join(npm_install_command(self))
        else:
            how = f"pip install {self.pip}" if self.pip else f"apt-get install {self.debian}"
        return f"{how} (or run `make`, which installs it)"


def npm_install_command(tool: Tool) -> list[str]:
    """npm installs the package into the venv (its bin/ is on the search path), not into a user's project."""
    return ["npm", "install", "--global", "--no-audit", "--no-fund", "--prefix", sys.prefix, tool.npm]


def search_path() -> str:
    return os.pathsep.join([os.environ.get("PATH", ""), *EXTRA_PATHS])


def find(command: str) -> str | None:
    return shutil.which(command, path=search_path())


def require(tool: Tool) -> str:
    """Absolute path of a tool, or ToolMissing with the line that installs it."""
    path = find(tool.command)
    if path:
        return path
    raise ToolMissing(f"{tool.command} not found on PATH, needed to {tool.purpose}: {tool.hint}")


def tool_version(tool: Tool, path: str) -> str:
    """The version of a tool at path. One this venv installed (pip or npm) says it from its package's
    metadata: asking `fusesoc --version` starts an interpreter (0.7 s), and every worker asked every tool."""
    if os.path.dirname(path) == os.path.dirname(sys.executable):
        try:
            if tool.pip and not tool.pip.startswith("("):
                return f"{tool.command} {importlib.metadata.version(tool.pip)}"
            if tool.npm:
                name = tool.npm[0] + tool.npm[1:].split("@", 1)[0]  # "typescript@5", "@scope/pkg@1"
                meta = json.loads(Path(sys.prefix, "lib", "node_modules", name, "package.json").read_text("utf-8"))
                return f"{tool.command} {meta['version']}"
        except (importlib.metadata.PackageNotFoundError, OSError, ValueError, KeyError):
            pass  # not where this venv puts it: ask the program
    return version(path)


@functools.cache
def version(path: str) -> str:
    """The first line a tool prints for --version (or -V); "unknown" when it prints none."""
    for flag in ("--version", "-V"):
        try:
            proc = subprocess.run([path, flag], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        text = (proc.stdout or proc.stderr).strip()
        if proc.returncode == 0 and text:
            return text.splitlines()[0]
    return "unknown"
