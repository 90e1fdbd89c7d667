"""program:<schema>: write the bitstream to the board with its programmer (the board file names it)."""

from __future__ import annotations

import subprocess
import sys

from ..config import Section
from ..errors import BoardUnavailable, ToolMissing
from ..layout import Layout
from ..tools import require
from . import boards, programmers
from .synth import bitstream


def preflight(hw: Section) -> None:
    """Before any long step of program:<schema>: the programmer is installed and a board answers.
    BoardUnavailable (or ToolMissing) says which, at once."""
    board = boards.get(hw.board)
    prog = programmers.of(board)
    exe = require(prog.tool)
    try:
        proc = subprocess.run([exe, *prog.detect_args(board)], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        raise BoardUnavailable(f"{prog.tool.command} did not finish in 30 s: is the {board.name} stuck?") from None
    if proc.returncode != 0:
        out = proc.stdout + proc.stderr
        first = next((line.strip() for line in out.splitlines() if line.strip()), f"exit {proc.returncode}")
        raise BoardUnavailable(f"no {board.name} found: check the USB cable and the udev rules ({first})")


def program(layout: Layout, stem: str, hw: Section, flash: bool = False) -> bool:
    """Write the bitstream to SRAM (or flash); without a board, one clear line and a failure."""
    board = boards.get(hw.board)
    prog = programmers.of(board)
    fs = bitstream(layout, stem, hw)
    try:
        exe = require(prog.tool)
    except ToolMissing as exc:
        print(f"program:{stem}: {exc}", file=sys.stderr)
        return False
    if not fs.exists():
        print(f"program:{stem}: no bitstream at {fs}: run `doit synth:{stem}` first", file=sys.stderr)
        return False
    asked = flash or hw.program == "flash"
    to_flash = asked or not board.writes_sram
    if to_flash and not asked:
        print(f"program:{stem}: the {board.name} is programmed through its flash (it boots from it)")
    name = prog.tool.command
    try:
        cmd = [exe, *prog.write_args(board, fs, to_flash)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        print(f"program:{stem}: {name} did not finish in 120 s (board stuck?)", file=sys.stderr)
        return False
    out = proc.stdout + proc.stderr
    if proc.returncode == 0:
        print(f"program:{stem}: {fs.name} written to the {board.name} {'flash' if to_flash else 'SRAM'}")
        return True
    if any(sign in out for sign in prog.no_board):
        first = next((line for line in out.splitlines() if any(s in line for s in prog.no_board)), "").strip()
        print(
            f"program:{stem}: no {board.name} found: check the USB cable and the udev rules ({first})", file=sys.stderr
        )
    else:
        print(f"program:{stem}: {name} exited {proc.returncode}: {out.strip().splitlines()[-1:]}", file=sys.stderr)
    return False
