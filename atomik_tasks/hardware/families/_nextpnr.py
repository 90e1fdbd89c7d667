"""What the nextpnr-based families share: nextpnr's --report JSON and log read back, and one run of an open
Edalize flow (yosys, nextpnr, a packer) with extra place-and-route options. Not a family itself."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ...fsio import write_if_changed
from ...languages.check import CheckContext
from ...tools import Tool
from . import Family


class NextpnrFamily(Family):
    """A family whose place and route is nextpnr: other seeds for timing, its critical path in words."""

    def attempt_options(self, n: int) -> list[str]:
        """nextpnr's placer seed for the n-th run (the first run takes nextpnr's defaults)."""
        return ["--seed", str(n)]

    def describe_path(self, path: dict[str, Any]) -> str:
        return describe_path(path)


def parse_nextpnr_report(data: dict[str, Any], cells: dict[str, str]) -> dict[str, Any]:
    """Utilisation and Fmax from nextpnr's --report JSON; cells: {our resource name: nextpnr's cell type}."""
    util = data.get("utilization", {})

    def cell(name: str) -> dict[str, int]:
        if name in util:
            return {"used": int(util[name]["used"]), "available": int(util[name]["available"])}
        return {"used": 0, "available": 0}

    fmax = {
        clk: {"achieved": float(v["achieved"]), "constraint": float(v["constraint"])}
        for clk, v in data.get("fmax", {}).items()
    }
    return {**{kind: cell(name) for kind, name in cells.items()}, "fmax": fmax}


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


def describe_path(path: dict[str, Any]) -> str:
    if not path:
        return ""
    split = (
        f": {path['logic_ns']} ns logic, {path['routing_ns']} ns routing" if path.get("logic_ns") is not None else ""
    )
    return f"{path['start']} -> {path['end']}, {path['logic_levels']} logic levels, {path['delay_ns']} ns{split}"


def run_open_flow(
    ctx: CheckContext,
    flow: str,
    edam: dict[str, Any],
    work: Path,
    tools: tuple[Tool, ...],
    cells: dict[str, str],
    bitstream: Path,
) -> dict[str, Any]:
    """One run of an open Edalize flow whose place and route is nextpnr: its utilisation, Fmax, whether nextpnr
    judged timing as met, the limiting path and the bitstream (relative: a cached report moves)."""
    for tool in tools:
        ctx.tool(tool)
    ctx.run_flow(flow, edam, work)
    # nextpnr's own log and report: make skips nextpnr when its inputs did not change.
    result = parse_nextpnr_report(json.loads((work / "nextpnr-report.json").read_text()), cells)
    log = (work / "next.log").read_text(encoding="utf-8", errors="replace")
    verdicts = parse_nextpnr_log(log)
    achieved = min((v["achieved"] for v in result["fmax"].values()), default=0.0)
    met = bool(verdicts) and all(v["passed"] for v in verdicts.values())
    path = parse_critical_path(log)
    return {
        **result,
        "fmax_mhz": achieved,
        "timing_met": met,
        "bitstream": ctx.layout.display(bitstream),
        "critical_path": path,
    }


def design_edam(design: Any, work: Path, suffix: str, file_type: str) -> dict[str, Any]:
    """The EDAM of a board design (hardware.design.Design): its RTL, and its constraint file copied into the work
    folder and named relatively (YoWASP tools cannot see absolute paths under /tmp)."""
    work.mkdir(parents=True, exist_ok=True)
    name = f"{design.top}{suffix}"
    write_if_changed(work / name, design.constraint_file(suffix).read_bytes())
    files = [{"name": f, "file_type": "verilogSource"} for f in design.rtl] + [{"name": name, "file_type": file_type}]
    return {"name": design.top, "toplevel": design.top, "files": files}


def forget_run(outputs: list[Path], again: bool) -> None:
    """Before another place-and-route run: its outputs go, so make runs nextpnr again (yosys' netlist stays)."""
    if again:
        for path in outputs:
            path.unlink(missing_ok=True)


def report_options(target_mhz: float, options: list[str]) -> list[str]:
    """nextpnr options of every run: the target, a report, and unmet timing left to the timing setting (warn or
    fail) instead of stopping nextpnr."""
    return ["--freq", f"{target_mhz:g}", "--timing-allow-fail", "--report", "nextpnr-report.json", *options]
