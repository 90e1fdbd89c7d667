"""FPGA board plugins, found by looking: every module here that defines BOARD is one."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Board:
    name: str
    device: str  # full part number, as nextpnr wants it
    family: str  # as gowin_pack and nextpnr's family option want it
    clock_hz: int
    pins: dict[str, int]  # top-level port -> package pin; buses as "led[0]"
    inputs: tuple[str, ...]  # ports that get a pull-up
    edalize_board: str  # Edalize apicula flow option `board`
    loader_board: str  # openFPGALoader -b
    usb_ids: tuple[tuple[int, int], ...] = field(default=())  # (vid, pid) of its USB serial bridge
    leds: int = 6

    def constraint_lines(self) -> list[str]:
        """CST lines constraining every top-level port (nextpnr rejects unconstrained IO)."""
        lines = []
        for port, pin in self.pins.items():
            lines.append(f'IO_LOC "{port}" {pin};')
            if port in self.inputs:
                lines.append(f'IO_PORT "{port}" PULL_MODE=UP;')
        return lines


@functools.cache
def all_boards() -> dict[str, Board]:
    found: dict[str, Board] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        board = getattr(importlib.import_module(f"{__name__}.{info.name}"), "BOARD", None)
        if isinstance(board, Board):
            found[board.name] = board
    return found


def get(name: str) -> Board:
    try:
        return all_boards()[name]
    except KeyError:
        raise KeyError(f"unknown board {name!r}; known: {', '.join(all_boards())}") from None
