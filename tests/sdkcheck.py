"""Compile and lint generated SDKs with their real toolchains (a missing tool fails with an install hint)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from atomik_tasks import toolchain

BIN = Path(sys.executable).parent


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = env or {**os.environ, "PATH": toolchain.search_path()}
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed in {cwd}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def python(sdk: Path) -> None:
    run([str(BIN / "ruff"), "check", "--no-cache", "."], sdk / "python")
    run([str(BIN / "ruff"), "format", "--check", "--no-cache", "."], sdk / "python")


def rust(sdk: Path, target_dir: Path) -> None:
    cargo = toolchain.require("cargo")
    run(
        [cargo, "clippy", "--offline", "--quiet", "--", "-D", "warnings"],
        sdk / "rust",
        env={**os.environ, "PATH": toolchain.search_path(), "CARGO_TARGET_DIR": str(target_dir)},
    )


C_FLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"]


def c(sdk: Path, main: str = "int main(void) { return 0; }\n") -> Path:
    gcc = toolchain.require("gcc")
    root = sdk / "c"
    (root / "all_headers.c").write_text('#include "atomik/atomik.h"\n' + main)
    exe = root / "all_headers"
    sources = sorted(str(p) for p in (root / "src").glob("*.c"))
    run([gcc, *C_FLAGS, "-Iinclude", "all_headers.c", *sources, "-o", str(exe)], root)
    return exe


def javascript(sdk: Path) -> None:
    node = toolchain.require("node")
    for path in sorted((sdk / "javascript").rglob("*.js")):
        run([node, "--check", str(path)], sdk / "javascript")


def verilog(sdk: Path) -> None:
    verilator = toolchain.require("verilator")
    iverilog = toolchain.require("iverilog")
    for path in sorted((sdk / "verilog" / "rtl").glob("*.v")):
        run([verilator, "--lint-only", "-Wall", str(path)], path.parent)
        run([iverilog, "-o", os.devnull, str(path)], path.parent)
