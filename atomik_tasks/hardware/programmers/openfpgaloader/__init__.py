"""openFPGALoader: one program for Gowin and iCE40 boards (and many more), over their USB JTAG or SPI bridge."""

from __future__ import annotations

from pathlib import Path

from ....tools import Tool
from ...boards import Board
from .. import Programmer

OPENFPGALOADER = Tool("openFPGALoader", "openfpgaloader", "program the board")


class OpenFPGALoader(Programmer):
    name = "openfpgaloader"
    tool = OPENFPGALOADER
    no_board = ("unable to open ftdi device", "JTAG init failed", "no device found", "No cable")

    def write_args(self, board: Board, bitstream: Path, flash: bool) -> list[str]:
        return [*board.programmer_args, *(["--write-flash"] if flash else []), str(bitstream)]

    def detect_args(self, board: Board) -> list[str]:
        return [*board.programmer_args, "--detect"]


PROGRAMMER = OpenFPGALoader()
