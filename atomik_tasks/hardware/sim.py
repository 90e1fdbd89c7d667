"""sim:uart:<schema>: lint the board design, then simulate it with the shared vectors sent over its serial line.

What goes over the serial line: every short scenario of the vectors from its start, up to `uart_records`
records (each begins with a reset, so any prefix of one is a complete test with its expected results). A short
scenario has at most FIELD_RECORDS records per field: every one but the history wrap and the random walk. That is
every command (load, accumulate, read, zero flags, rollback of none, one and more than recorded, select, reset)
on the fields with zero, all-ones and random values in every byte position: what the board adds to the module.
The long scenarios test the module's history and long sequences: every record of the vectors goes through the
same module RTL in verify:verilog, where a record costs a clock cycle instead of a few hundred over the line.
"""

from __future__ import annotations

from pathlib import Path

from ..checks.runner import Context, run_check
from ..fsio import write_if_changed
from ..languages import hdl
from ..languages.check import Counts, vector_counts
from ..layout import Layout
from ..tools import Tool
from .design import design


def sim_tools() -> tuple[Tool, ...]:
    """What sim:uart runs (its cache key and the `tools` check read this): the HDL's simulation tools."""
    return tuple(hdl().sim_tools)


SCENARIO, END = "06", "ff"  # record ops (`atomik-tasks docs vectors`)
FIELD_OPS = ("01", "02", "03", "04")  # load, accumulate, read, zero flag: each names a field
# The short scenarios have at most 12 records per field (max_and_zero; rollback_counts has 13 with one field);
# the history wrap (history_depth + 3 accumulates and more) and the random walk (about 450) are longer.
FIELD_RECORDS = 14


def uart_records(hex_text: str, per_scenario: int) -> tuple[str, int, int]:
    """(the records sent over the serial line, how many, how many the vectors hold): each short scenario's first
    per_scenario records; 0: every record of every scenario. Counts include each scenario's reset record."""
    scenarios: list[list[str]] = []
    end: list[str] = []
    for line in hex_text.splitlines():
        op = line[:2].lower()
        if op == END:
            end = [line]
            break
        if op == SCENARIO or not scenarios:
            scenarios.append([])
        scenarios[-1].append(line)
    fields = {line[2:4] for lines in scenarios for line in lines if line[:2].lower() in FIELD_OPS}
    short = FIELD_RECORDS * max(1, len(fields))
    if per_scenario <= 0:
        kept = [line for lines in scenarios for line in lines]
    else:
        kept = [line for lines in scenarios if len(lines) - 1 <= short for line in lines[:per_scenario]]
    return "\n".join([*kept, *end]) + "\n", len(kept), sum(len(lines) for lines in scenarios)


def sim_uart(layout: Layout, stem: str, per_scenario: int = 0) -> bool:
    def check(ctx: Context) -> Counts:
        d = design(layout, stem)
        for tool in sim_tools():
            ctx.tool(tool)
        ctx.run_flow("lint", hdl().lint_edam(d.top, d.rtl), ctx.work / "lint")
        tb_clock = hdl().testbench_files(layout)
        testbench = str(d.folder / f"tb_uart_{d.key}.v")
        work = ctx.work / "sim"
        text, sent, total = uart_records(Path(layout.vectors(stem, "hex")).read_text("ascii"), per_scenario)
        write_if_changed(work / "vectors.hex", text.encode("ascii"))
        ctx.extra["uart_records"] = {"sent": sent, "total": total, "per_scenario": per_scenario}
        if sent < total:
            ctx.notes.append(f"{sent} of {total} records over the serial line; verify:verilog replays all of them")
        out = ctx.run_flow("sim", hdl().sim_edam(f"tb_uart_{d.key}", [*tb_clock, *d.rtl, testbench]), work)
        return Counts(1, 1, 0) + vector_counts(out)

    return run_check(layout, f"sim:uart:{stem}", hdl().name, stem, check, layout.report("sim-uart", stem), "sim-uart")
