"""FPGA boards, found by looking: every module here that defines BOARD is one. A board names its family
(atomik_tasks/hardware/families/), which knows the constraint syntax, the flows and the report formats."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from ...plugins import discover, pick


@dataclass(frozen=True)
class Board:
    name: str
    family: str  # a module of atomik_tasks/hardware/families/
    device: str  # full part number, as place-and-route wants it
    series: str  # the device series, as the family's packer wants it (Gowin: GW1N-9C)
    clock_hz: int
    pins: dict[str, int | str]  # top-level port -> package pin; buses as "led[0]"
    inputs: tuple[str, ...]  # ports that get a pull-up
    edalize_board: str  # the Edalize flow's `board` option
    loader_board: str  # openFPGALoader -b
    usb_ids: tuple[tuple[int, int], ...] = field(default=())  # (vid, pid) of its USB serial bridge
    # the fastest clock any design reaches on the device with its open flow: a target above it is out of
    # reach whatever the seed (0: unknown)
    fmax_ceiling_mhz: float = 0.0


@functools.cache
def all_boards() -> dict[str, Board]:
    return discover(__name__, __path__, "BOARD", Board)


def get(name: str) -> Board:
    return pick(all_boards(), name, "board")
