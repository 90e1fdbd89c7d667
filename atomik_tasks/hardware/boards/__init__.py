"""FPGA boards, found by looking: every module here that defines BOARD is one (a board is one file). A board
names its family (atomik_tasks/hardware/families/), which knows the constraint syntax, the flows, the device's
resources and the report formats, and its programmer (atomik_tasks/hardware/programmers/)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from ...plugins import discover, pick

LEDS = 6  # the board design drives six LEDs (board_top.v.j2 says what each shows)


@dataclass(frozen=True)
class Board:
    name: str
    title: str  # maker and name, for people
    family: str  # a folder of atomik_tasks/hardware/families/
    device: str  # full part number, as place-and-route wants it
    series: str  # the device as the family knows it (its resources; Gowin: GW1N-9C, iCE40: up5k)
    clock_hz: int
    pins: dict[str, int | str]  # top-level port -> package pin; buses as "led[0]"
    pulls: dict[str, str]  # input port -> "up" or "down": its pin's internal resistor
    programmer: str  # a folder of atomik_tasks/hardware/programmers/
    programmer_args: tuple[str, ...]  # how the programmer finds this board (openFPGALoader: ("-b", "tangnano9k"))
    package: str = ""  # the package, when place-and-route takes it apart from the device (iCE40: sg48)
    reset_active_low: bool = True  # the reset button pulls its pin low when pressed
    writes_sram: bool = True  # the programmer can load SRAM; when not, program:<schema> writes the flash
    led_active_low: tuple[bool, ...] = (True,) * LEDS  # per LED, led[0] first
    usb_ids: tuple[tuple[int, int], ...] = field(default=())  # (vid, pid) of its USB serial bridge
    # the fastest clock any design reaches on the device with its open flow: a target above it is out of
    # reach whatever the seed (0: unknown)
    fmax_ceiling_mhz: float = 0.0

    @property
    def led_invert(self) -> int:
        """The mask that turns the design's LED signals (1 = on) into pin levels: a bit per active-low LED."""
        return sum(1 << i for i, low in enumerate(self.led_active_low) if low)


@functools.cache
def all_boards() -> dict[str, Board]:
    return discover(__name__, __path__, "BOARD", Board)


def get(name: str) -> Board:
    return pick(all_boards(), name, "board")
