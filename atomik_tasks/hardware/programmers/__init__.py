"""Programmers: every folder here whose __init__.py defines PROGRAMMER is one. A programmer knows its tool (with
how to install it), the command that writes a bitstream and the one that looks for a board, and what its
output says when no board is there; a board names its programmer and the arguments that find it."""

from __future__ import annotations

import abc
import functools
from pathlib import Path
from typing import ClassVar

from ...plugins import discover, pick
from ...tools import Tool
from ..boards import Board


class Programmer(abc.ABC):
    name: ClassVar[str] = ""
    tool: ClassVar[Tool]
    #: Words of its output that mean no board (or no cable) answered.
    no_board: ClassVar[tuple[str, ...]] = ()

    @abc.abstractmethod
    def write_args(self, board: Board, bitstream: Path, flash: bool) -> list[str]:
        """The arguments (after the program) that write `bitstream` to the board's SRAM or flash."""

    @abc.abstractmethod
    def detect_args(self, board: Board) -> list[str]:
        """The arguments that only look for the board (exit 0 when it answers)."""


@functools.cache
def all_programmers() -> dict[str, Programmer]:
    return discover(__name__, __path__, "PROGRAMMER", Programmer)


def get(name: str) -> Programmer:
    return pick(all_programmers(), name, "programmer")


def of(board: Board) -> Programmer:
    return get(board.programmer)
