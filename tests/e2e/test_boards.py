"""Three boards, two FPGA families, one project: only `[hardware] board` changes. Each gets a real bitstream
from its family's open flow, a UART simulation at its own clock and baud rate, and a program:<schema> whose
arguments its programmer accepts (checked against the installed openFPGALoader; the board itself is faked by a
stand-in openFPGALoader that records its arguments). The fit check refuses what cannot fit before any tool runs.

The expected figures are the makers' (data sheets, schematics), not read from the code."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from projects import ROOT, make_project, minimal_schema

from atomik_tasks.hardware import boards

FACTS = {  # LUT4s, block RAMs, clock, bitstream suffix
    "tangnano9k": (8640, 26, 27_000_000, ".fs"),  # GW1NR-9: 8,640 LUT4, 26 BSRAM of 18 Kbit
    "tangnano20k": (20736, 46, 27_000_000, ".fs"),  # GW2AR-18: 20,736 LUT4, 46 BSRAM
    "icebreaker": (5280, 30, 12_000_000, ".bin"),  # iCE40UP5K: 5,280 LCs, 30 EBR of 4 Kbit
}
BOARDS = sorted(FACTS)

RECORDER = """#!/bin/sh
# a stand-in openFPGALoader: records its arguments, one call per line, and answers as a board would
printf '%s\\n' "$*" >> "{log}"
exit 0
"""


def _config(board: str, extra: str = "") -> str:
    return f'[sdk]\nconsume = false\n[hardware]\nboard = "{board}"\nsimulate = false\nsynthesize = "always"\n{extra}'


def _tiny() -> dict:
    """8 bits with a 4-entry history: small enough for every board, and it rolls back."""
    doc = minimal_schema()
    doc["schema"]["delta_fields"] = {"value": {"type": "delta_stream", "width": 8}}
    doc["schema"]["operations"]["rollback"] = {"enabled": True, "history_depth": 4}
    doc["schema"]["constraints"] = {"target_frequency_mhz": 12.0}
    doc["hardware"] = {"target_device": "any", "rtl_params": {"DATA_WIDTH": 8}}
    return doc


@pytest.fixture(scope="module")
def programmed(tmp_path_factory):
    """One project; for each board in turn, only `board` changed and `doit program:tiny` run (synthesis first)
    with the recording openFPGALoader first on PATH. {board: (run, synth report, recorded calls, bitstream)}."""
    root = tmp_path_factory.mktemp("boards")
    proj = make_project(root / "p", schemas=[])
    proj.write_schema("tiny", _tiny())
    shim = root / "bin"
    shim.mkdir()
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"}
    out = {}
    for board in BOARDS:
        log = root / f"{board}.calls"
        (shim / "openFPGALoader").write_text(RECORDER.format(log=log))
        (shim / "openFPGALoader").chmod(0o755)
        (proj.root / "atomik.toml").write_text(_config(board))
        run = proj.doit("program:tiny", env=env)
        report = json.loads((proj.root / "build/reports/synth-tiny.json").read_text())
        bitstream = proj.root / report["bitstream"] if report.get("bitstream") else None
        data = bitstream.read_bytes() if bitstream and bitstream.exists() else b""
        calls = log.read_text().splitlines() if log.exists() else []
        out[board] = (run, report, calls, data, bitstream)
    return proj, out


@pytest.mark.parametrize("board", BOARDS)
def test_one_project_gets_a_bitstream_for_each_board_by_changing_only_the_board(programmed, board):
    _, built = programmed
    run, report, _, data, bitstream = built[board]
    luts, brams, _, suffix = FACTS[board]
    assert run.returncode == 0, run.tasks.get("synth:tiny", {}).get("err", run.stderr)
    assert report["status"] == "passed" and report["board"] == board
    assert report["lut"]["available"] == luts and 0 < report["lut"]["used"] < luts
    assert report["bsram"]["available"] == brams
    assert report["io"]["used"] == 10  # clk, button, rx, tx, six LEDs
    assert bitstream.suffix == suffix
    if suffix == ".bin":  # an iCE40 bitstream: 0xff padding, then the sync word 7EAA997E
        assert b"\x7e\xaa\x99\x7e" in data[:64] and len(data) > 100_000
    else:  # a Gowin .fs: lines of 0s and 1s, the device's ID code near the start
        assert set(data[:2000].decode("ascii")) <= set("01\n\r") and len(data) > 100_000


def test_each_board_keeps_its_own_family_outputs(programmed):
    proj, _ = programmed
    folder = proj.root / "build/board/compute_test_minimal"
    assert (folder / "atomik_board_compute_test_minimal.pcf").exists()  # iCE40 pin constraints
    assert (folder / "atomik_board_compute_test_minimal.cst").exists()  # Gowin pin constraints
    pcf = (folder / "atomik_board_compute_test_minimal.pcf").read_text()
    # the iCEBreaker's schematic: 12 MHz oscillator on pin 35, FTDI RX/TX on 6/9, BTN_N on 10
    assert "set_io clk 35" in pcf and "set_io -pullup yes uart_rx 6" in pcf and "set_io uart_tx 9" in pcf
    assert "set_io -pullup yes btn_rst_n 10" in pcf


def _openfpgaloader(*args: str) -> str:
    real = shutil.which("openFPGALoader")
    assert real, "openFPGALoader is not installed: `atomik-tasks tools --install` (Debian package openfpgaloader)"
    proc = subprocess.run([real, *args], capture_output=True, text=True, timeout=60)
    return proc.stdout + proc.stderr


@pytest.mark.parametrize("board", BOARDS)
def test_program_passes_each_boards_arguments_which_openfpgaloader_accepts(programmed, board):
    _, built = programmed
    run, _, calls, _, bitstream = built[board]
    assert run.returncode == 0, run.stderr
    spec = boards.get(board)
    detect, write = calls  # the board is looked for first, then the bitstream written
    assert detect.split() == [*spec.programmer_args, "--detect"]
    flash = ["--write-flash"] if board == "icebreaker" else []  # an iCE40 boots from its SPI flash
    assert write.split() == [*spec.programmer_args, *flash, str(bitstream)]
    # every option and value is one the installed openFPGALoader knows
    helptext = _openfpgaloader("--help")
    option, value = spec.programmer_args
    listing = {"-b": ("--list-boards", "--board"), "-c": ("--list-cables", "--cable")}[option]
    assert re.search(rf"^{re.escape(value)}\s", _openfpgaloader(listing[0]), re.M), f"{value} not in {listing[0]}"
    assert f"{option}, {listing[1]}" in helptext
    for used in ("--detect", *flash):
        assert used in helptext


@pytest.mark.parametrize("board", BOARDS)
def test_uart_simulation_runs_at_each_boards_clock_and_baud(tmp_path, board):
    proj = make_project(
        tmp_path / "p",
        schemas=[],
        config=_config(board, 'sim_clock = "board"\nuart_records = 3\nbaud = 115200\n').replace(
            'synthesize = "always"', 'synthesize = "never"'
        ),
    )
    proj.write_schema("tiny", _tiny())
    run = proj.doit("sim:uart:tiny")
    assert run.returncode == 0, run.tasks.get("sim:uart:tiny", {}).get("err", run.stderr)
    clock = FACTS[board][2]
    tb = (proj.root / "build/board/compute_test_minimal/tb_uart_compute_test_minimal.v").read_text()
    assert f"localparam integer CLK_HZ = {clock};" in tb and "localparam integer BAUD = 115200;" in tb
    top = (proj.root / "build/board/compute_test_minimal/atomik_board_compute_test_minimal.v").read_text()
    assert f"parameter integer CLK_HZ = {clock}" in top
    report = json.loads((proj.root / "build/reports/sim-uart-tiny.json").read_text())
    assert report["status"] == "passed" and report["passed"] > 1


def test_the_fit_check_refuses_the_video_design_on_the_icebreaker_before_synthesis(tmp_path):
    proj = make_project(tmp_path / "p", schemas=[ROOT / "schemas/video-h264-delta.json"], config=_config("icebreaker"))
    run = proj.doit("synth:video-h264-delta")
    assert run.returncode != 0
    said = run.tasks["synth:video-h264-delta"]["err"]
    # 512 entries of 256 delta bits + 1 field-select bit: 33 EBR as 512 x 8 (34 as 256 x 16); the UP5K has 30
    assert "video-h264-delta does not fit the icebreaker (iCE40UP5K-SG48)" in said, said
    assert "(512 entries x 257 bits) needs 33 block RAMs, the device has 30" in said
    assert "schema.operations.rollback.history_depth to 256 or less" in said  # 256 x 16: 17 EBR
    assert "tangnano9k" in said and "tangnano20k" in said  # boards with room for it
    report = json.loads((proj.root / "build/reports/synth-video-h264-delta.json").read_text())
    assert report["failure"] == "does-not-fit"
    work = proj.root / "build/synth/video-h264-delta"
    assert not (work / "yosys.log").exists()  # no tool ran


def test_plugins_lists_every_board_and_its_tools():
    proc = subprocess.run([sys.executable, "-m", "atomik_tasks", "plugins"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    for name in BOARDS:
        assert re.search(rf"^board\s+{name}\s", proc.stdout, re.M)
    for family, tools in (("gowin", ("yosys", "nextpnr-himbaechel", "gowin_pack")), ("ice40", ("nextpnr-ice40",))):
        assert re.search(rf"^family\s+{family}\s", proc.stdout, re.M)
        for tool in tools:
            assert re.search(rf"ok\s+.*{re.escape(tool)}", proc.stdout, re.I), tool


def test_plugins_names_a_missing_tool_and_how_to_install_it(tmp_path):
    from projects import env_without

    env = env_without(tmp_path / "bin", "icepack")
    proc = subprocess.run(
        [sys.executable, "-m", "atomik_tasks", "plugins"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert proc.returncode == 1
    assert "icepack MISSING (Debian package fpga-icestorm)" in proc.stdout
    assert "atomik-tasks tools --install" in proc.stderr


def test_readme_shows_the_board_table():
    from atomik_tasks.hardware import registry

    table = registry.markdown_table()
    assert table in (ROOT / "README.md").read_text(), "README: paste `atomik-tasks plugins --markdown`"
    for name in BOARDS:
        assert f"| `{name}` |" in table
    assert Path(ROOT / "atomik_tasks/docs/boards.md").read_text().count(table) == 1
