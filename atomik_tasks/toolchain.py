"""External tools: find them, explain how to install a missing one, and install them with apt-get when root.

Run as `python -m atomik_tasks.toolchain [--install]` (make does this before every build).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

# The cargo that rustup installs lives here and is often not on a non-login PATH.
EXTRA_PATHS = [os.path.expanduser("~/.cargo/bin")]


@dataclass(frozen=True)
class Tool:
    command: str
    debian: str  # package that provides it
    purpose: str


TOOLS = {
    t.command: t
    for t in (
        Tool("gcc", "gcc", "compile and test the C SDK"),
        Tool("node", "nodejs", "check and test the JavaScript SDK"),
        Tool("cargo", "cargo", "build and test the Rust SDK"),
        Tool("iverilog", "iverilog", "simulate the Verilog RTL"),
        Tool("vvp", "iverilog", "run Icarus simulations"),
        Tool("verilator", "verilator", "lint the Verilog RTL"),
        Tool("yosys", "yosys", "synthesize for the Tang Nano 9K"),
        Tool("openFPGALoader", "openfpgaloader", "program the Tang Nano 9K"),
    )
}


class ToolMissing(RuntimeError):
    pass


def search_path() -> str:
    return os.pathsep.join([os.environ.get("PATH", ""), *EXTRA_PATHS])


def find(command: str) -> str | None:
    return shutil.which(command, path=search_path())


def require(command: str) -> str:
    """Absolute path of a tool, or ToolMissing with the line that installs it."""
    path = find(command)
    if path:
        return path
    tool = TOOLS.get(command)
    hint = f"apt-get install {tool.debian} (or run `make`, which installs it)" if tool else "install it"
    purpose = f", needed to {tool.purpose}" if tool else ""
    raise ToolMissing(f"{command} not found on PATH{purpose}: {hint}")


def missing() -> list[Tool]:
    return [t for t in TOOLS.values() if not find(t.command)]


def install(tools: list[Tool]) -> int:
    packages = sorted({t.debian for t in tools})
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"missing tools; as root run: apt-get install {' '.join(packages)}", file=sys.stderr)
        return 1
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], check=True, env=env)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--install", action="store_true", help="apt-get install what is missing (root only)")
    args = parser.parse_args(argv)
    absent = missing()
    if absent and args.install:
        if install(absent):
            return 1
        absent = missing()
    for tool in absent:
        print(f"missing: {tool.command} (Debian package {tool.debian}), needed to {tool.purpose}", file=sys.stderr)
    return 1 if absent else 0


if __name__ == "__main__":
    sys.exit(main())
