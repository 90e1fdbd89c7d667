"""FPGA families: every folder here whose __init__.py defines FAMILY is one. A family folder holds all that is
known about its parts and tools: the constraint syntax, the tools with how to install them, the flows, the
place-and-route options tried for timing, the report parsers, the bitstream suffix, each device's resources
(the fit check's ceilings) and its knowledge-base entries (knowledge.json). Boards name the family they belong
to; nothing outside a family folder names its tools."""

from __future__ import annotations

import abc
import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ...errors import CheckFailed
from ...languages.check import CheckContext, Counts
from ...plugins import discover, pick
from ...tools import Tool
from ..boards import Board

#: The flows a project can choose with `[hardware] flow` (each family maps them onto its own).
FLOW_KINDS = ("open", "vendor")


@dataclass(frozen=True)
class Device:
    """What one device offers, as the fit check counts it (from the vendor's data sheet)."""

    luts: int  # 4-input LUTs
    ffs: int
    bram_blocks: int
    bram_block_bits: int
    bram_shapes: tuple[tuple[int, int], ...]  # (depth, width) one block can be configured as

    @property
    def bram_bits(self) -> int:
        return self.bram_blocks * self.bram_block_bits

    def blocks_for(self, depth: int, width: int) -> int:
        """Blocks a depth x width memory takes: the cheapest shape tiled over it."""
        return min(math.ceil(depth / d) * math.ceil(width / w) for d, w in self.bram_shapes)


@dataclass(frozen=True)
class LutModel:
    """LUTs a generated board design takes on a family, fitted to measured synthesis reports (docs/boards.md
    lists them and the error): base + per_bit * bits of field state, + rollback when the schema rolls back,
    + per_logic_history_bit * bits of a history too shallow for block RAM (kept in LUT RAM or flip-flops)."""

    base: float
    per_bit: float
    rollback: float
    per_logic_history_bit: float
    min_bram_depth: int  # a history with fewer entries stays out of block RAM (what yosys does on the family)


class Family(abc.ABC):
    """What a family must provide. A subclass missing a method fails when its folder is loaded."""

    name: ClassVar[str] = ""
    constraint_suffix: ClassVar[str] = ""
    bitstream_suffix: ClassVar[str] = ""
    #: Every tool of its flows (installed by `atomik-tasks tools --install`), and those synthesis needs.
    tools: ClassVar[tuple[Tool, ...]] = ()
    synth_tools: ClassVar[tuple[Tool, ...]] = ()
    #: `[hardware] flow` ("open", "vendor") -> the Edalize flow that runs it; a family without one lacks the key.
    flows: ClassVar[dict[str, str]] = {}
    #: board.series -> the device's resources.
    devices: ClassVar[dict[str, Device]] = {}
    lut_model: ClassVar[LutModel]

    @abc.abstractmethod
    def constraints(self, board: Board, top: str) -> str:
        """The constraint file of a board design: every top-level port on its pin."""

    @abc.abstractmethod
    def place_and_route(
        self, ctx: CheckContext, design: Any, board: Board, target_mhz: float, options: list[str], again: bool
    ) -> dict[str, Any]:
        """One run of the open flow with extra place-and-route options: fmax_mhz, timing_met, bitstream and the
        utilisation keys (lut, ff, bsram, io: {used, available}); `again` re-runs place and route only."""

    @abc.abstractmethod
    def pnr_outputs(self, work: Path, top: str) -> list[Path]:
        """The files one place-and-route run writes (kept per attempt, the best one restored)."""

    @abc.abstractmethod
    def attempt_options(self, n: int) -> list[str]:
        """The extra place-and-route options of the n-th run when timing is missed (n from 2)."""

    def vendor_flow(self, ctx: CheckContext, design: Any, board: Board) -> Counts:
        """The vendor's own flow (`flow = "vendor"`), for a family that has one."""
        raise CheckFailed(f'the {self.name} family has no vendor flow: use flow = "open"')

    def bitstream(self, work: Path, top: str) -> Path:
        return work / f"{top}{self.bitstream_suffix}"

    def device(self, board: Board) -> Device:
        try:
            return self.devices[board.series]
        except KeyError:
            raise CheckFailed(f"the {self.name} family knows no device {board.series!r} (board {board.name})") from None

    def describe_path(self, path: dict[str, Any]) -> str:
        """The limiting path of a place-and-route report (its critical_path key) in words; "" when unknown."""
        return ""

    def module_usage(self, ctx: CheckContext, design: Any, work: Path) -> Any:
        """Start counting the resources of each module of the design (beside the flow); the returned handle's
        result() gives {module: {resource: count}}. None: the family cannot tell."""
        return None


@functools.cache
def all_families() -> dict[str, Family]:
    return discover(__name__, __path__, "FAMILY", Family)


def get(name: str) -> Family:
    return pick(all_families(), name, "FPGA family")


def of(board: Board) -> Family:
    return get(board.family)
