"""External programs: find them, and say how to install a missing one.

Each folder declares the tools it runs (a language its compiler, a board family its place-and-route, the
reports their renderers) as Tool values; `atomik-tasks tools --install` installs every missing one: Debian
packages with apt-get (as root), npm packages into a per-user prefix, Python packages into this interpreter,
and a shim for a tool that a package installs under another name (YoWASP's nextpnr).
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

INSTALL_ALL = "atomik-tasks tools --install"  # the one command that installs every missing tool


def _data_home() -> str:
    return os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")


def npm_prefix() -> str:
    """Where npm installs the build's own npm tools (tsc): one per-user prefix, shared by every venv."""
    return os.path.join(_data_home(), "atomik-tasks", "npm")


def shim_dir() -> str:
    """Where a shim for a tool installed under another name goes: beside this interpreter when that folder is
    writable (an activated venv then finds it too), else a per-user folder."""
    here = os.path.dirname(sys.executable)
    return here if os.access(here, os.W_OK) else os.path.join(_data_home(), "atomik-tasks", "bin")


# The venv's own scripts (ruff, pytest) even when it is not activated, the cargo that rustup installs (often not
# on a non-login PATH), the npm tools and the shims this module writes.
EXTRA_PATHS = [
    os.path.dirname(sys.executable),
    os.path.expanduser("~/.cargo/bin"),
    os.path.join(npm_prefix(), "bin"),
    os.path.join(_data_home(), "atomik-tasks", "bin"),
]


@dataclass(frozen=True)
class Tool:
    command: str
    debian: str  # Debian package that provides it ("" for a Python package)
    purpose: str
    pip: str = ""  # PyPI package that provides it; "(...)" for advice when no package manager has it
    npm: str = ""  # npm package (with its version range) installed into npm_prefix(): a tool of the build only
    provided_by: str = ""  # the name the package installs it under, when that is not `command` (a shim bridges)

    @property
    def source(self) -> str:
        """Where it comes from, in words: "Debian package yosys", "npm package typescript@5"."""
        if self.pip.startswith("("):
            return self.pip.strip("()")
        if self.npm:
            return f"npm package {self.npm}"
        return f"Python package {self.pip}" if self.pip else f"Debian package {self.debian}"

    @property
    def installable(self) -> bool:
        return not self.pip.startswith("(")

    @property
    def hint(self) -> str:
        if not self.installable:
            return self.pip.strip("()")
        return f"`{INSTALL_ALL}` installs it ({self.source}; every missing tool at once)"


def npm_install_command(tool: Tool) -> list[str]:
    """npm installs the package into the per-user prefix (its bin/ is on the search path), not into a project."""
    return ["npm", "install", "--global", "--no-audit", "--no-fund", "--prefix", npm_prefix(), tool.npm]


def search_path() -> str:
    return os.pathsep.join([os.environ.get("PATH", ""), *EXTRA_PATHS])


def find(command: str) -> str | None:
    return shutil.which(command, path=search_path())


def find_tool(tool: Tool) -> str | None:
    """The tool's path; a tool a package installs under another name gets a shim under its own name, which
    Edalize's makefiles call."""
    path = find(tool.command)
    if path or not tool.provided_by:
        return path
    real = find(tool.provided_by)
    if not real:
        return None
    return write_shim(tool.command, real)


def write_shim(command: str, real: str) -> str | None:
    folder = shim_dir()
    shim = os.path.join(folder, command)
    try:
        os.makedirs(folder, exist_ok=True)
        tmp = f"{shim}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(f'#!/bin/sh\nexec "{real}" "$@"\n')
        os.chmod(tmp, 0o755)
        os.replace(tmp, shim)  # atomic: parallel tasks may both write it
    except OSError:
        return None
    return shim


def require(tool: Tool) -> str:
    """Absolute path of a tool, or ToolMissing with the line that installs it."""
    path = find_tool(tool)
    if path:
        return path
    raise ToolMissing(f"{tool.command} not found on PATH, needed to {tool.purpose}: {tool.hint}", tool.command)


def missing(declared: list[Tool]) -> list[Tool]:
    return [t for t in declared if not find_tool(t)]


def install(absent: list[Tool]) -> list[str]:
    """Install what can be: Python packages with this interpreter's pip, Debian packages with apt-get (root
    only), npm packages into npm_prefix(). Returns what could not be done, one line each."""
    problems = []
    pip = sorted({t.pip for t in absent if t.pip and t.installable})
    if pip and subprocess.run([sys.executable, "-m", "pip", "install", "-q", *pip]).returncode != 0:
        problems.append(f"pip install {' '.join(pip)} failed")
    debian = sorted({t.debian for t in absent if t.debian})
    if debian and (os.geteuid() != 0 or not shutil.which("apt-get")):
        problems.append(f"the Debian packages need root: sudo apt-get install {' '.join(debian)}")
    elif debian:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        apt = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *debian]
        if subprocess.run(["apt-get", "update", "-qq"], env=env).returncode or subprocess.run(apt, env=env).returncode:
            problems.append(f"apt-get install {' '.join(debian)} failed")
    for tool in absent:
        if tool.npm and find("npm") and subprocess.run(npm_install_command(tool)).returncode != 0:
            problems.append(f"npm install {tool.npm} failed")
    return problems


def tool_version(tool: Tool, path: str) -> str:
    """The version of a tool at path. One this venv installed (pip or npm) says it from its package's
    metadata: asking `fusesoc --version` starts an interpreter (0.7 s), and every worker asked every tool."""
    try:
        if os.path.dirname(path) == os.path.dirname(sys.executable) and tool.pip and tool.installable:
            return f"{tool.command} {importlib.metadata.version(tool.pip)}"
        if tool.npm and path.startswith(npm_prefix() + os.sep):
            name = tool.npm[0] + tool.npm[1:].split("@", 1)[0]  # "typescript@5", "@scope/pkg@1"
            meta = json.loads(Path(npm_prefix(), "lib", "node_modules", name, "package.json").read_text("utf-8"))
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
