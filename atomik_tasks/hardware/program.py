"""program:<schema>: write the bitstream to the board with openFPGALoader."""

from __future__ import annotations

import subprocess
import sys

from ..config import Section
from ..errors import BoardUnavailable, ToolMissing
from ..layout import Layout
from ..tools import Tool, require
from . import boards
from .synth import bitstream

OPENFPGALOADER = Tool("openFPGALoader", "openfpgaloader", "program the board")
NO_CABLE = ("unable to open ftdi device", "JTAG init failed", "no device found", "No cable")


def preflight(hw: Section) -> None:
    """Before any long step of program:<schema>: the loader is installed and a board answers on JTAG.
    BoardUnavailable (or ToolMissing) says which, at once."""
    board = boards.get(hw.board)
    loader = require(OPENFPGALOADER)
    try:
        proc = subprocess.run(
            [loader, "-b", board.loader_board, "--detect"], capture_output=True, text=True, timeout=30
        )
    except subprocess.TimeoutExpired:
        raise BoardUnavailable(f"openFPGALoader --detect did not finish in 30 s: is the {board.name} stuck?") from None
    if proc.returncode != 0:
        out = proc.stdout + proc.stderr
        first = next((line.strip() for line in out.splitlines() if line.strip()), f"exit {proc.returncode}")
        raise BoardUnavailable(f"no {board.name} found: check the USB cable and the udev rules ({first})")


def program(layout: Layout, stem: str, hw: Section, flash: bool = False) -> bool:
    """openFPGALoader the bitstream to SRAM (or flash); without a board, one clear line and a failure."""
    board = boards.get(hw.board)
    fs = bitstream(layout, stem, hw)
    try:
        loader = require(OPENFPGALOADER)
    except ToolMissing as exc:
        print(f"program:{stem}: {exc}", file=sys.stderr)
        return False
    if not fs.exists():
        print(f"program:{stem}: no bitstream at {fs}: run `doit synth:{stem}` first", file=sys.stderr)
        return False
    to_flash = flash or hw.program == "flash"
    cmd = [loader, "-b", board.loader_board, *(["-f"] if to_flash else []), str(fs)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        print(f"program:{stem}: openFPGALoader did not finish in 120 s (board stuck?)", file=sys.stderr)
        return False
    out = proc.stdout + proc.stderr
    if proc.returncode == 0:
        print(f"program:{stem}: {fs.name} written to the {board.name} {'flash' if to_flash else 'SRAM'}")
        return True
    if any(sign in out for sign in NO_CABLE):
        first = next((line for line in out.splitlines() if any(s in line for s in NO_CABLE)), "").strip()
        print(
            f"program:{stem}: no {board.name} found: check the USB cable and the udev rules ({first})", file=sys.stderr
        )
    else:
        print(
            f"program:{stem}: openFPGALoader exited {proc.returncode}: {out.strip().splitlines()[-1:]}", file=sys.stderr
        )
    return False
