"""sim:uart:<schema>: lint the board design, then simulate it with the shared vectors sent over its serial line."""

from __future__ import annotations

from pathlib import Path

from ..checks.runner import Context, run_check
from ..fsio import write_if_changed
from ..languages.check import Counts, vector_counts
from ..languages.verilog import IVERILOG, VERILATOR, VVP, lint_edam, sim_edam
from ..languages.verilog.cores import tb_files
from ..layout import Layout
from .design import design


def sim_uart(layout: Layout, stem: str) -> bool:
    def check(ctx: Context) -> Counts:
        d = design(layout, stem)
        for tool in (IVERILOG, VVP, VERILATOR):
            ctx.tool(tool)
        ctx.run_flow("lint", lint_edam(d.top, d.rtl), ctx.work / "lint")
        tb_clock = tb_files(layout)
        testbench = str(d.folder / f"tb_uart_{d.key}.v")
        work = ctx.work / "sim"
        write_if_changed(work / "vectors.hex", Path(layout.vectors(stem, "hex")).read_bytes())
        out = ctx.run_flow("sim", sim_edam(f"tb_uart_{d.key}", [*tb_clock, *d.rtl, testbench]), work)
        return Counts(1, 1, 0) + vector_counts(out)

    return run_check(layout, f"sim:uart:{stem}", "verilog", stem, check, layout.report("sim-uart", stem), "sim-uart")
