"""Compile and lint generated SDKs with their real toolchains (a missing tool fails with an install hint)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from atomik_tasks.languages.c import FLAGS as C_BUILD_FLAGS
from atomik_tasks.languages.c import GCC
from atomik_tasks.languages.javascript import NODE
from atomik_tasks.languages.rust import CARGO
from atomik_tasks.languages.verilog import IVERILOG, VERILATOR
from atomik_tasks.tools import require, search_path

BIN = Path(sys.executable).parent


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = env or {**os.environ, "PATH": search_path()}
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed in {cwd}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def python(sdk: Path) -> None:
    run([str(BIN / "ruff"), "check", "--no-cache", "."], sdk / "python")
    run([str(BIN / "ruff"), "format", "--check", "--no-cache", "."], sdk / "python")


def rust(sdk: Path, target_dir: Path) -> None:
    cargo = require(CARGO)
    run(
        [cargo, "clippy", "--offline", "--quiet", "--", "-D", "warnings"],
        sdk / "rust",
        env={**os.environ, "PATH": search_path(), "CARGO_TARGET_DIR": str(target_dir)},
    )


def c(sdk: Path, main: str = "int main(void) { return 0; }\n") -> Path:
    gcc = require(GCC)
    root = sdk / "c"
    (root / "all_headers.c").write_text('#include "atomik/atomik.h"\n' + main)
    exe = root / "all_headers"
    sources = sorted(str(p) for p in (root / "src").glob("*.c"))
    run([gcc, *C_BUILD_FLAGS, "-Iinclude", "all_headers.c", *sources, "-o", str(exe)], root)
    return exe


def javascript(sdk: Path) -> None:
    node = require(NODE)
    for path in sorted((sdk / "javascript").rglob("*.js")):
        run([node, "--check", str(path)], sdk / "javascript")


def verilog(sdk: Path) -> None:
    verilator = require(VERILATOR)
    iverilog = require(IVERILOG)
    for path in sorted((sdk / "verilog" / "rtl").glob("*.v")):
        run([verilator, "--lint-only", "-Wall", str(path)], path.parent)
        run([iverilog, "-o", os.devnull, str(path)], path.parent)
