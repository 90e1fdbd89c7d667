"""sim:uart:<schema>: lint the board design, then simulate it with the shared vectors sent over its serial line.

What goes over the serial line: each scenario of the vectors from its start, up to `uart_records` records
(every scenario begins with a reset, so any prefix of one is a complete test with its expected results). That
is every command (load, accumulate, read, zero flags, rollback, select, reset) on every field with zero, all-ones
and random values in every byte position: what the board adds to the module. Every record of the vectors also
goes through the same module RTL in verify:verilog, where a record costs a clock cycle instead of a few hundred
(the long ones, a history wrap of history_depth + 3 accumulates, would dominate a UART run and add nothing the
board could get wrong).
"""

from __future__ import annotations

from pathlib import Path

from ..checks.runner import Context, run_check
from ..fsio import write_if_changed
from ..languages.check import Counts, vector_counts
from ..languages.verilog import IVERILOG, VERILATOR, VVP, lint_edam, sim_edam
from ..languages.verilog.cores import tb_files
from ..layout import Layout
from .design import design

SCENARIO, END = "06", "ff"  # record ops (docs/vectors.md)


def uart_records(hex_text: str, per_scenario: int) -> tuple[str, int, int]:
    """(the records sent over the serial line, how many, how many the vectors hold); 0: all of them."""
    kept, total, run = [], 0, 0
    for line in hex_text.splitlines():
        op = line[:2].lower()
        if op == END:
            kept.append(line)
            break
        total += 1
        run = 0 if op == SCENARIO else run + 1
        if per_scenario <= 0 or run < per_scenario:
            kept.append(line)
    return "\n".join(kept) + "\n", len(kept) - 1, total


def sim_uart(layout: Layout, stem: str, per_scenario: int = 0) -> bool:
    def check(ctx: Context) -> Counts:
        d = design(layout, stem)
        for tool in (IVERILOG, VVP, VERILATOR):
            ctx.tool(tool)
        ctx.run_flow("lint", lint_edam(d.top, d.rtl), ctx.work / "lint")
        tb_clock = tb_files(layout)
        testbench = str(d.folder / f"tb_uart_{d.key}.v")
        work = ctx.work / "sim"
        text, sent, total = uart_records(Path(layout.vectors(stem, "hex")).read_text("ascii"), per_scenario)
        write_if_changed(work / "vectors.hex", text.encode("ascii"))
        ctx.extra["uart_records"] = {"sent": sent, "total": total, "per_scenario": per_scenario}
        if sent < total:
            ctx.notes.append(f"{sent} of {total} records over the serial line; verify:verilog replays all of them")
        out = ctx.run_flow("sim", sim_edam(f"tb_uart_{d.key}", [*tb_clock, *d.rtl, testbench]), work)
        return Counts(1, 1, 0) + vector_counts(out)

    return run_check(layout, f"sim:uart:{stem}", "verilog", stem, check, layout.report("sim-uart", stem), "sim-uart")
