"""synth:<schema>: the board design through its family's flow to a bitstream and a resource report."""

from __future__ import annotations

from pathlib import Path

from ..checks.runner import Context, run_check
from ..config import Section
from ..fsio import read_json
from ..languages.check import Counts
from ..layout import Layout
from ..tools import find
from . import boards, families
from .design import design


def synthesize(layout: Layout, stem: str, hw: Section) -> bool:
    board = boards.get(hw.board)
    family = families.get(board.family)

    def check(ctx: Context) -> Counts:
        view = read_json(Path(layout.view("verilog", stem)))
        target_mhz = float(view["target_frequency_mhz"])
        ctx.extra.update(board=board.name, device=board.device, flow=hw.flow, target_mhz=target_mhz)
        return family.synthesize(ctx, design(layout, stem), board, hw.flow, hw.timing)

    return run_check(layout, f"synth:{stem}", "verilog", stem, check, layout.report("synth", stem), "synth")


def tools_present(hw: Section) -> bool:
    """Whether the board's synthesis tools are installed (synthesize = "auto" builds only then)."""
    family = families.get(boards.get(hw.board).family)
    return all(find(t.command) for t in family.synth_tools)


def bitstream(layout: Layout, stem: str, hw: Section) -> Path:
    board = boards.get(hw.board)
    return families.get(board.family).bitstream(Path(layout.synth_dir(stem)), design(layout, stem).top)
