"""FPGA families: every module here that defines FAMILY is one. A family knows its constraint file syntax,
its tools, its synthesis flows and how to read their reports; boards name the family they belong to."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from ...languages.check import CheckContext, Counts
from ...plugins import discover, pick
from ...tools import Tool
from ..boards import Board


class Family:
    name: str = ""
    #: The constraint file's suffix, and the tools its flows run.
    constraint_suffix: str = ""
    tools: tuple[Tool, ...] = ()
    #: Tools without which synthesis cannot run (synthesize = "auto" skips it when one is missing).
    synth_tools: tuple[Tool, ...] = ()
    #: Whether its open flow can be run again with other place-and-route options (timing closure).
    supports_attempts: bool = False

    def constraints(self, board: Board, top: str) -> str:
        """The constraint file of a board design: every top-level port on its pin."""
        raise NotImplementedError

    def synthesize(self, ctx: CheckContext, design: Any, board: Board, flow: str, timing: str) -> Counts:
        """Place and route `design` (hardware.design.Design) for `board`; report keys go in ctx.extra."""
        raise NotImplementedError

    def bitstream(self, work: Path, top: str) -> Path:
        raise NotImplementedError

    def place_and_route(
        self, ctx: CheckContext, design: Any, board: Board, target_mhz: float, options: list[str], again: bool
    ) -> dict[str, Any]:
        """One place-and-route run with extra options (supports_attempts): fmax_mhz, timing_met and the
        report keys; `again` re-runs place and route only."""
        raise NotImplementedError

    def describe_path(self, path: dict[str, Any]) -> str:
        """The limiting path of a place-and-route report (its critical_path key) in words; "" when unknown."""
        return ""

    def module_usage(self, ctx: CheckContext, design: Any, work: Path) -> Any:
        """Start counting the resources of each module of the design (beside the flow); the returned handle's
        result() gives {module: {resource: count}}. None: the family cannot tell."""
        return None

    def pnr_outputs(self, work: Path, top: str) -> list[Path]:
        """The files one place-and-route run writes (kept per attempt, the best one restored)."""
        raise NotImplementedError


@functools.cache
def all_families() -> dict[str, Family]:
    return discover(__name__, __path__, "FAMILY", Family)


def get(name: str) -> Family:
    return pick(all_families(), name, "FPGA family")
