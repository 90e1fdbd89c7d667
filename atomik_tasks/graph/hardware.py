"""Tasks of the hardware: board:<schema>, sim:uart:<schema>, synth:<schema>, and the two that need a board
and never run in a plain `doit`, program:<schema> and hwtest:<schema>."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from doit.tools import config_changed

from ..feedback.retry import with_retry
from ..feedback.timing import synthesize_closing_timing
from ..fsio import remove_paths
from ..hardware import boards, families, formal, programmers
from ..hardware.design import remove_board, uart_files, write_board
from ..hardware.formal.prove import prove
from ..hardware.hwtest import hwtest
from ..hardware.program import preflight, program
from ..hardware.sim import sim_tools, sim_uart
from ..hardware.synth import missing_synth_tools, synth_tools
from ..languages import hdl
from .caching import cached_action
from .doitapi import call
from .project import Project, group

GROUPS = {
    "board": "board top, UART testbench and constraints per schema",
    "sim": "simulations of the board design (sim:uart:<schema>)",
    "synth": "bitstreams for the board (synth:<schema>)",
    "prove": "proofs that the generated RTL meets the algebra for every input (prove:<schema>)",
    "program": "write a bitstream to the board (never run by default)",
    "preflight": "checks before a task that needs a board (never run by default)",
    "hwtest": "replay the vectors against a board on a serial port (never run by default)",
}


def _param(name: str, kind: type, default: Any, help: str) -> dict[str, Any]:
    return {"name": name, "long": name, "type": kind, "default": default, "help": help}


def _check_outputs(p: Project, kind: str, task: str, stem: str) -> list[str]:
    """What a check leaves: its report, its log and its scratch folder (`doit clean` removes them)."""
    return [p.layout.report(kind, stem), p.layout.log(task), p.layout.work(kind, stem)]


def schema_tasks(p: Project, stem: str) -> Iterator[dict[str, Any]]:
    lay = p.layout
    hw = p.config.hardware
    board_manifest = lay.manifest("board", stem)
    design = [board_manifest, lay.manifest(hdl().name, stem), *uart_files(lay)]
    code = [lay.fingerprint("hardware"), lay.fingerprint("checks")]
    sim_deps = [*design, lay.vectors(stem, "hex"), *code, *hdl().testbench_files(lay)]
    yield {
        "basename": "board",
        "name": stem,
        "doc": f"board top, testbench and constraints of {stem} for the {hw.board}",
        "actions": [(call, [write_board, lay, stem, hw])],
        "file_dep": [lay.view(hdl().name, stem), lay.fingerprint(hdl().name), lay.fingerprint("hardware")],
        "task_dep": [f"validate:{stem}"],
        "uptodate": [config_changed(f"{hw.board}:{hw.baud}:{hw.sim_clock}")],
        "targets": [board_manifest],
        "clean": [(remove_board, [lay, stem])],
    }
    yield {
        "basename": "sim",
        "name": f"uart:{stem}",
        "doc": f"Icarus simulation of the {stem} board design, the vectors sent over the serial line",
        "actions": [
            cached_action(
                p,
                f"sim:uart:{stem}",
                sim_deps,
                [lay.report("sim-uart", stem), lay.log(f"sim:uart:{stem}")],
                with_retry,
                lay,
                f"sim:uart:{stem}",
                lay.report("sim-uart", stem),
                p.retry,
                sim_uart,
                lay,
                stem,
                hw.uart_records,
                tools=sim_tools(),
                settings={
                    "board": hw.board,
                    "baud": hw.baud,
                    "uart_records": hw.uart_records,
                    "sim_clock": hw.sim_clock,
                },
                report=lay.report("sim-uart", stem),
            )
        ],
        "file_dep": sim_deps,
        "uptodate": [config_changed(f"uart_records:{hw.uart_records}")],
        "task_dep": [f"validate:{stem}"],
        "targets": [lay.report("sim-uart", stem)],
        "clean": [
            (remove_paths, [[lay.report("sim-uart", stem), lay.log(f"sim:uart:{stem}"), lay.work("sim-uart", stem)]])
        ],
    }
    yield {
        "basename": "synth",
        "name": stem,
        "doc": f"bitstream of {stem} for the {hw.board} ({hw.flow} flow) and its resource report",
        "actions": [
            cached_action(
                p,
                f"synth:{stem}",
                [*design, *code],
                [lay.report("synth", stem), lay.log(f"synth:{stem}")],
                synthesize_closing_timing,
                lay,
                stem,
                hw,
                p.config.feedback,
                p.retry,
                tools=synth_tools(hw),
                settings={
                    "board": hw.board,
                    "flow": hw.flow,
                    "timing": hw.timing,
                    "timing_attempts": p.config.feedback.timing_attempts,
                    "timing_reach_pct": p.config.feedback.timing_reach_pct,
                },
                report=lay.report("synth", stem),
                globs=[f"{lay.display(lay.synth_dir(stem))}/*{families.of(boards.get(hw.board)).bitstream_suffix}"],
            )
        ],
        "file_dep": [*design, *code],
        # `doit program:x` checks for the board before minutes of synthesis, also with -n 2 (where task_dep
        # order alone would start both at once)
        "task_dep": [f"validate:{stem}", *([f"preflight:program:{stem}"] if p.programs(stem) else [])],
        "uptodate": [config_changed(f"{hw.board}:{hw.flow}:{hw.timing}")],  # what changes a synthesis result
        "targets": [lay.report("synth", stem)],
        "clean": [(remove_paths, [[*_check_outputs(p, "synth", f"synth:{stem}", stem), lay.synth_dir(stem)]])],
    }
    yield prove_task(p, stem)
    yield from board_tasks(p, stem)


def prove_task(p: Project, stem: str) -> dict[str, Any]:
    """prove:<schema>: pure in the module's view, the HDL's templates and the prover's code: cached like synthesis."""
    lay = p.layout
    deps = [lay.view(hdl().name, stem), lay.manifest(hdl().name, stem), lay.fingerprint(hdl().name)]
    deps += [lay.fingerprint("hardware"), lay.fingerprint("checks")]
    report = lay.report("prove", stem)
    return {
        "basename": "prove",
        "name": stem,
        "doc": f"prove that {stem}'s module meets the algebra for every input (a counterexample becomes a vector)",
        "actions": [
            cached_action(
                p,
                f"prove:{stem}",
                deps,
                [report, lay.log(f"prove:{stem}")],
                prove,
                lay,
                stem,
                p.config.verify.prove_timeout_s,
                tools=formal.TOOLS,
                report=report,
            )
        ],
        "file_dep": deps,
        "task_dep": [f"validate:{stem}"],
        "targets": [report],
        "clean": [(remove_paths, [[report, lay.log(f"prove:{stem}"), lay.work("prove", stem)]])],
    }


def board_tasks(p: Project, stem: str) -> Iterator[dict[str, Any]]:
    """The tasks that need a board: its pre-flight check, programming and the board test."""
    lay = p.layout
    hw = p.config.hardware
    loader = programmers.of(boards.get(hw.board)).tool.command
    yield {
        "basename": "preflight",
        "name": f"program:{stem}",
        "doc": f"before program:{stem} builds anything: {loader} is installed and a {hw.board} answers",
        "actions": [(call, [preflight, hw])],
        "uptodate": [False],
    }
    yield {
        "basename": "program",
        "name": stem,
        "doc": f"{loader} writes {stem}'s bitstream to the {hw.board} ({hw.program})",
        "actions": [(program, [lay, stem, hw])],
        "params": [_param("flash", bool, False, "write the flash instead of SRAM")],
        "task_dep": [f"preflight:program:{stem}", f"synth:{stem}"],  # in this order: the board first
        "uptodate": [False],
    }
    yield {
        "basename": "hwtest",
        "name": stem,
        "doc": f"replay {stem}'s vectors against the board on the serial port",
        "actions": [(hwtest, [lay, stem, hw])],
        "params": [_param("port", str, "", "serial port of the board (default: serial_port in atomik.toml)")],
        "task_dep": [f"vectors:{stem}"],
        "uptodate": [False],
    }


def hardware_tasks(p: Project) -> Iterator[dict[str, Any]]:
    for basename, doc in GROUPS.items():
        yield group(basename, None, doc)
    for stem in p.stems:
        yield from schema_tasks(p, stem)
    yield group("sim", "uart", "simulate every board design", [f"sim:uart:{s}" for s in p.stems])


def default_groups(p: Project) -> list[str]:
    """Hardware groups in a plain `doit`: the board files, simulation, and synthesis when its tools exist."""
    hw = p.config.hardware
    synth = hw.synthesize == "always" or (hw.synthesize == "auto" and not missing_synth_tools(hw))
    prove = ["prove"] if p.config.verify.prove else []
    return ["board", *(["sim"] if hw.simulate else []), *(["synth"] if synth else []), *prove]
