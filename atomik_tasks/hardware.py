"""Hardware: a UART board top per schema, its simulation, synthesis to a bitstream, programming, board tests.

Configuration comes from atomik.toml at the project root (all keys optional):

    [hardware]
    board = "tangnano9k"     # a module of atomik_tasks/boards/
    baud = 115200
    flow = "apicula"         # or "gowin" (the vendor flow, used only when gw_sh is installed)
    timing = "warn"          # or "fail": unmet timing fails synth:<schema>
    program = "sram"         # or "flash"
    serial_port = "auto"     # or a device such as /dev/ttyUSB1
    simulate = true          # sim:uart:<schema> in a plain `doit`
    synthesize = "auto"      # synth:<schema> in a plain `doit`: "auto" (when the tools are installed),
                             # "always" or "never"
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import boards, targets, toolchain
from .fsio import read_json, sha256_text, write_if_changed, write_json
from .paths import Layout
from .verify import Counts, VerifyContext, VerifyFailure, run_check, vector_counts

CONFIG_FILE = "atomik.toml"
FLOWS = ("apicula", "gowin")


@dataclass(frozen=True)
class HwConfig:
    board: str = "tangnano9k"
    baud: int = 115200
    flow: str = "apicula"
    timing: str = "warn"
    program: str = "sram"
    serial_port: str = "auto"
    simulate: bool = True
    synthesize: str = "auto"


def load_config(root: Path) -> HwConfig:
    """[hardware] of atomik.toml, over the defaults; ATOMIK_TIMING=fail overrides timing (for CI)."""
    path = root / CONFIG_FILE
    data = dict(_hardware_table(str(path), path.stat().st_mtime_ns if path.exists() else 0))
    unknown = set(data) - set(HwConfig.__dataclass_fields__)
    if unknown:
        raise ValueError(f"{path}: unknown [hardware] keys: {', '.join(sorted(unknown))}")
    config = HwConfig(**data)
    if os.environ.get("ATOMIK_TIMING"):
        config = HwConfig(**{**asdict(config), "timing": os.environ["ATOMIK_TIMING"]})
    if config.flow not in FLOWS:
        raise ValueError(f"{path}: flow must be one of {', '.join(FLOWS)}, not {config.flow!r}")
    if config.timing not in ("warn", "fail") or config.program not in ("sram", "flash"):
        raise ValueError(f"{path}: timing is warn or fail, program is sram or flash")
    if config.synthesize not in ("auto", "always", "never"):
        raise ValueError(f"{path}: synthesize is auto, always or never")
    boards.get(config.board)
    return config


@functools.cache
def _hardware_table(path: str, mtime_ns: int) -> tuple[tuple[str, Any], ...]:
    """The [hardware] table, parsed once per process (dodo.py asks twice)."""
    if not mtime_ns:
        return ()
    import tomllib

    with open(path, "rb") as fh:
        return tuple(tomllib.load(fh).get("hardware", {}).items())


# ---- the board design -------------------------------------------------------------------------------
def board_dir(layout: Layout, key: str) -> Path:
    return layout.build / "board" / key


def board_context(view: dict[str, Any], config: HwConfig) -> dict[str, Any]:
    ctx = targets.get("verilog").context(view)
    board = boards.get(config.board)
    zero_bytes = (len(ctx["fields"]) + 7) // 8
    ctx.update(
        board=board,
        baud=config.baud,
        zero_bytes=zero_bytes,
        resp_w=8 + max(ctx["data_width"], 24, 8 * zero_bytes),
        value_w=max(ctx["data_width"], 24, 8 * zero_bytes),
        lines=board.constraint_lines(),
    )
    return ctx


def render_board(view: dict[str, Any], config: HwConfig, templates: Path) -> dict[str, str]:
    """Pure: {file name: content} of the board top, its UART testbench and its constraints."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates / "board"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    ctx = board_context(view, config)
    key = ctx["key"]
    return {
        f"atomik_board_{key}.v": env.get_template("board_top.v.j2").render(ctx),
        f"tb_uart_{key}.v": env.get_template("tb_uart.v.j2").render(ctx),
        f"atomik_board_{key}.cst": env.get_template("pins.cst.j2").render(ctx),
    }


def write_board(layout: Layout, stem: str, config: HwConfig) -> None:
    view = read_json(layout.view("verilog", stem))
    files = render_board(view, config, layout.templates)
    out = board_dir(layout, targets.names(view["identity"])["key"])
    for name, content in files.items():
        write_if_changed(out / name, content)
    write_json(layout.manifest("board", stem), {n: sha256_text(c) for n, c in sorted(files.items())})


def _design(layout: Layout, stem: str) -> tuple[str, Path, list[str]]:
    """(key, board folder, RTL files of the board design: shared UART, the schema's module, the board top)."""
    key = targets.names(read_json(layout.ident(stem)))["key"]
    uart = [str(layout.root / "cores" / "atomik_uart" / f) for f in ("atomik_uart_rx.v", "atomik_uart_tx.v")]
    module = str(layout.sdk("verilog") / "rtl" / f"atomik_{key}.v")
    folder = board_dir(layout, key)
    return key, folder, [*uart, module, str(folder / f"atomik_board_{key}.v")]


# ---- sim:uart:<schema> --------------------------------------------------------------------------------
def sim_uart(layout: Layout, stem: str) -> bool:
    from .edaflows import run_flow  # actions import their tools: task creation stays light

    def check(ctx: VerifyContext) -> Counts:
        key, folder, rtl = _design(layout, stem)
        for tool in ("iverilog", "vvp", "make", "verilator"):
            ctx.tool(tool)
        top = f"atomik_board_{key}"
        lint = {
            "name": top,
            "toplevel": top,
            "files": [{"name": f, "file_type": "verilogSource"} for f in rtl],
            "flow_options": {"tool": "verilator", "verilator_options": ["-Wall"]},
        }
        run_flow(ctx, "lint", lint, ctx.work / "lint")
        tb_clock = str(layout.root / "cores" / "atomik_tb" / "atomik_tb_clock.v")
        sim = {
            "name": f"tb_uart_{key}",
            "toplevel": f"tb_uart_{key}",
            "files": [
                {"name": f, "file_type": "verilogSource"} for f in (tb_clock, *rtl, str(folder / f"tb_uart_{key}.v"))
            ],
            "parameters": {"VECTORS": {"datatype": "str", "paramtype": "plusarg", "default": "vectors.hex"}},
            "flow_options": {"tool": "icarus"},
        }
        work = ctx.work / "sim"
        write_if_changed(work / "vectors.hex", ctx.vectors("hex").read_bytes())
        return Counts(1, 1, 0) + vector_counts(run_flow(ctx, "sim", sim, work))

    return run_check(layout, f"sim:uart:{stem}", "verilog", stem, check, report(layout, "sim-uart", stem))


def report(layout: Layout, kind: str, stem: str) -> Path:
    return layout.build / "reports" / f"{kind}-{stem}.json"


# ---- synth:<schema> -----------------------------------------------------------------------------------
def bitstream(layout: Layout, stem: str) -> Path:
    key = targets.names(read_json(layout.ident(stem)))["key"]
    return layout.build / "synth" / stem / f"atomik_board_{key}.fs"


def parse_nextpnr_report(data: dict[str, Any]) -> dict[str, Any]:
    """Utilisation and Fmax from nextpnr's --report JSON."""
    util = data.get("utilization", {})

    def cell(*names: str) -> dict[str, int]:
        for name in names:
            if name in util:
                return {"used": int(util[name]["used"]), "available": int(util[name]["available"])}
        return {"used": 0, "available": 0}

    fmax = {
        clk: {"achieved": float(v["achieved"]), "constraint": float(v["constraint"])}
        for clk, v in data.get("fmax", {}).items()
    }
    return {
        "lut": cell("LUT4"),
        "ff": cell("DFF"),
        "bsram": cell("BSRAM"),
        "io": cell("IOB"),
        "fmax": fmax,
    }


def parse_nextpnr_log(text: str) -> dict[str, Any]:
    """What the report JSON lacks: whether nextpnr judged timing as met. The last verdict per clock counts
    (nextpnr prints an estimate before routing and the real figure after)."""
    import re

    found = re.findall(r"Max frequency for clock\s+'([^']+)':\s*([\d.]+) MHz \((PASS|FAIL) at ([\d.]+) MHz\)", text)
    return {
        clk: {"achieved": float(a), "passed": verdict == "PASS", "target": float(t)} for clk, a, verdict, t in found
    }


def synthesize(layout: Layout, stem: str, config: HwConfig) -> bool:
    from .edaflows import run_flow

    board = boards.get(config.board)

    def check(ctx: VerifyContext) -> Counts:
        key, folder, rtl = _design(layout, stem)
        view = read_json(layout.view("verilog", stem))
        target_mhz = float(view["target_frequency_mhz"])
        ctx.extra.update(board=board.name, device=board.device, flow=config.flow, target_mhz=target_mhz)
        work, edam = _synth_edam(layout, stem, key, folder, rtl)
        if config.flow == "gowin":
            return _vendor_flow(ctx, layout, stem, work, edam, board)
        for tool in ("yosys", "nextpnr-himbaechel", "gowin_pack", "make"):
            ctx.tool(tool)
        edam = {
            **edam,
            "flow_options": {
                "board": board.edalize_board,
                # nextpnr would stop on unmet timing; the timing setting decides instead (warn or fail).
                "nextpnr_options": [
                    "--freq",
                    f"{target_mhz:g}",
                    "--timing-allow-fail",
                    "--report",
                    "nextpnr-report.json",
                ],
            },
        }
        run_flow(ctx, "apicula", edam, work)
        # nextpnr's own log and report: make skips nextpnr when its inputs did not change.
        result = parse_nextpnr_report(json.loads((work / "nextpnr-report.json").read_text()))
        verdicts = parse_nextpnr_log((work / "next.log").read_text(encoding="utf-8", errors="replace"))
        achieved = min((v["achieved"] for v in result["fmax"].values()), default=0.0)
        met = bool(verdicts) and all(v["passed"] for v in verdicts.values())
        ctx.extra.update(result, fmax_mhz=achieved, timing_met=met, bitstream=str(bitstream(layout, stem)))
        if not met:
            message = f"timing not met: Fmax {achieved:.1f} MHz < target {target_mhz:g} MHz"
            if config.timing == "fail":
                raise VerifyFailure(message + ' (timing = "fail")')
            ctx.notes.append("warning: " + message)
        return Counts(1, 1, 0)

    return run_check(layout, f"synth:{stem}", "verilog", stem, check, report(layout, "synth", stem))


def _synth_edam(layout: Layout, stem: str, key: str, folder: Path, rtl: list[str]) -> tuple[Path, dict[str, Any]]:
    """The synthesis work folder and the EDAM of the board design, without flow options."""
    work = layout.build / "synth" / stem
    # YoWASP tools cannot see absolute paths under /tmp: the constraints go in the work folder, by a relative name.
    cst = f"atomik_board_{key}.cst"
    write_if_changed(work / cst, (folder / cst).read_bytes())
    files = [{"name": f, "file_type": "verilogSource"} for f in rtl] + [{"name": cst, "file_type": "CST"}]
    return work, {"name": f"atomik_board_{key}", "toplevel": f"atomik_board_{key}", "files": files}


def _vendor_flow(
    ctx: VerifyContext, layout: Layout, stem: str, work: Path, edam: dict[str, Any], board: boards.Board
) -> Counts:
    """The vendor Gowin flow through Edalize, when gw_sh is installed (it is not on this project's machines,
    so its resource reports are not parsed: the report says so)."""
    from .edaflows import run_flow

    ctx.tool("gw_sh")
    ctx.tool("make")
    edam = {**edam, "flow_options": {"part": board.device, "part_version": board.family[-1]}}
    run_flow(ctx, "gowin", edam, work)
    found = sorted(p for p in work.rglob("*.fs") if p != bitstream(layout, stem))  # not our copy of a last run
    if not found:
        raise VerifyFailure(f"the Gowin flow wrote no .fs under {work}")
    write_if_changed(bitstream(layout, stem), found[0].read_bytes())
    ctx.notes.append("vendor flow: utilisation and Fmax are parsed for the apicula flow only")
    ctx.extra.update(bitstream=str(bitstream(layout, stem)), timing_met=None)
    return Counts(1, 1, 0)


# ---- program:<schema> ----------------------------------------------------------------------------------
NO_CABLE = ("unable to open ftdi device", "JTAG init failed", "no device found", "No cable")


def program(layout: Layout, stem: str, config: HwConfig, flash: bool = False) -> bool:
    """openFPGALoader the bitstream to SRAM (or flash); without a board, one clear line and a failure."""
    board = boards.get(config.board)
    fs = bitstream(layout, stem)
    try:
        loader = toolchain.require("openFPGALoader")
    except toolchain.ToolMissing as exc:
        print(f"program:{stem}: {exc}", file=sys.stderr)
        return False
    if not fs.exists():
        print(f"program:{stem}: no bitstream at {fs}: run `doit synth:{stem}` first", file=sys.stderr)
        return False
    to_flash = flash or config.program == "flash"
    cmd = [loader, "-b", board.loader_board, *(["-f"] if to_flash else []), str(fs)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        print(f"program:{stem}: openFPGALoader did not finish in 120 s (board stuck?)", file=sys.stderr)
        return False
    out = proc.stdout + proc.stderr
    if proc.returncode == 0:
        print(f"program:{stem}: {fs.name} written to the {board.name} {'flash' if to_flash else 'SRAM'}")
        return True
    if any(sign in out for sign in NO_CABLE):
        first = next((line for line in out.splitlines() if any(s in line for s in NO_CABLE)), "").strip()
        print(
            f"program:{stem}: no {board.name} found: check the USB cable and the udev rules ({first})", file=sys.stderr
        )
    else:
        print(
            f"program:{stem}: openFPGALoader exited {proc.returncode}: {out.strip().splitlines()[-1:]}", file=sys.stderr
        )
    return False


# ---- hwtest:<schema> -------------------------------------------------------------------------------------
def hwtest(layout: Layout, stem: str, config: HwConfig, port: str = "") -> bool:
    """Replay the shared vectors against a board on a serial port (the host driver in hostlink)."""
    from . import hostlink, vectors

    vview = read_json(layout.view("_vectors", stem))
    ops = vectors.parse_text((layout.build / "vectors" / f"{stem}.txt").read_text("utf-8"))
    try:
        with hostlink.BoardLink.open(port or config.serial_port, config.baud, boards.get(config.board)) as link:
            result = hostlink.replay(link, ops, vview)
    except hostlink.LinkError as exc:
        print(f"hwtest:{stem}: {exc}", file=sys.stderr)
        return False
    write_json(report(layout, "hwtest", stem), {"task": f"hwtest:{stem}", **result})
    print(f"hwtest:{stem}: {result['passed']} passed, {result['failed']} failed")
    for line in result["failures"][:5]:
        print(f"  {line}", file=sys.stderr)
    return result["failed"] == 0


# ---- tasks ---------------------------------------------------------------------------------------------------
def synth_tools_present() -> bool:
    return all(toolchain.find(t) for t in ("yosys", "nextpnr-himbaechel", "gowin_pack"))


def hardware_tasks(p: Any) -> Any:
    """board, sim:uart, synth, program and hwtest tasks; p is tasks._Paths."""
    from .tasks import group

    layout = p.layout
    config = load_config(layout.root)
    synth_cfg = f"{config.board}:{config.flow}:{config.timing}"  # what changes a synthesis result
    pkg = os.path.dirname(__file__)
    board_code = [f"{layout.templates}/board/{n}" for n in ("board_top.v.j2", "tb_uart.v.j2", "pins.cst.j2")]
    uart = [f"{layout.root}/cores/atomik_uart/{n}" for n in ("atomik_uart_rx.v", "atomik_uart_tx.v")]
    from doit.tools import config_changed

    for basename, doc in (
        ("board", "board top, UART testbench and constraints per schema"),
        ("sim", "simulations of the board design (sim:uart:<schema>)"),
        ("synth", "bitstreams for the board (synth:<schema>)"),
        ("program", "write a bitstream to the board (never run by default)"),
        ("hwtest", "replay the vectors against a board on a serial port (never run by default)"),
    ):
        yield group(basename, None, doc)
    sims = []
    for stem in p.stems:
        board_manifest = str(layout.manifest("board", stem))
        yield {
            "basename": "board",
            "name": stem,
            "doc": f"board top, testbench and .cst of {stem} for the {config.board}",
            "actions": [(write_board, [layout, stem, config])],
            "file_dep": [
                p.view("verilog", stem),
                p.fingerprint("verilog"),
                *board_code,
                f"{pkg}/hardware.py",
                f"{pkg}/boards/{config.board}.py",
            ],
            "task_dep": [f"validate:{stem}"],
            "uptodate": [config_changed(f"{config.board}:{config.baud}")],
            "targets": [board_manifest],
            "clean": True,
        }
        design = [board_manifest, p.manifest("verilog", stem), *uart]
        sims.append(f"sim:uart:{stem}")
        yield {
            "basename": "sim",
            "name": f"uart:{stem}",
            "doc": f"Icarus simulation of the {stem} board design, the vectors sent over the serial line",
            "actions": [(sim_uart, [layout, stem])],
            "file_dep": [
                *design,
                f"{p.build}/vectors/{stem}.hex",
                p.fingerprint("verify"),
                f"{layout.root}/cores/atomik_tb/atomik_tb_clock.v",
            ],
            "task_dep": [f"validate:{stem}"],
            "targets": [str(report(layout, "sim-uart", stem))],
            "verbosity": 1,  # captured: the reporter prints it as one block
            "clean": True,
        }
        yield {
            "basename": "synth",
            "name": stem,
            "doc": f"bitstream of {stem} for the {config.board} ({config.flow} flow) and its resource report",
            "actions": [(synthesize, [layout, stem, config])],
            "file_dep": design,
            "task_dep": [f"validate:{stem}"],
            "uptodate": [config_changed(synth_cfg)],
            "targets": [str(report(layout, "synth", stem))],
            "verbosity": 1,  # captured: the reporter prints it as one block
            "clean": True,
        }
        yield {
            "basename": "program",
            "name": stem,
            "doc": f"openFPGALoader {stem}'s bitstream to the {config.board} ({config.program})",
            "actions": [(program, [layout, stem, config])],
            "params": [
                {
                    "name": "flash",
                    "long": "flash",
                    "type": bool,
                    "default": False,
                    "help": "write the flash instead of SRAM",
                }
            ],
            "task_dep": [f"synth:{stem}"],
            "uptodate": [False],
            "verbosity": 1,  # captured: the reporter prints it as one block
        }
        yield {
            "basename": "hwtest",
            "name": stem,
            "doc": f"replay {stem}'s vectors against the board on the serial port",
            "actions": [(hwtest, [layout, stem, config])],
            "params": [
                {
                    "name": "port",
                    "long": "port",
                    "type": str,
                    "default": "",
                    "help": "serial port of the board (default: serial_port in atomik.toml)",
                }
            ],
            "task_dep": [f"vectors:{stem}"],
            "uptodate": [False],
            "verbosity": 1,  # captured: the reporter prints it as one block
        }
    yield group("sim", "uart", "simulate every board design", sims)


def default_task_names(root: Path) -> list[str]:
    """Hardware groups in a plain `doit`: the board files, simulation, and synthesis when its tools exist."""
    config = load_config(root)
    synth = config.synthesize == "always" or (config.synthesize == "auto" and synth_tools_present())
    return ["board", *(["sim"] if config.simulate else []), *(["synth"] if synth else [])]
