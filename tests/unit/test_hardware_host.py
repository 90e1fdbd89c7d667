"""Hardware flow: board files and constraints, UART simulation, synthesis and its report, programming and the
host driver, each on this machine's real tools (a board is faked only at the wire, by a pty)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from projects import make_project

from atomik_tasks.errors import PluginError
from atomik_tasks.hardware import boards, hostlink
from atomik_tasks.hardware.boardmodel import BoardModel
from atomik_tasks.hardware.families import _nextpnr, gowin
from atomik_tasks.hardware.identity import design_id
from atomik_tasks.reference import vectors

DATA = Path(__file__).parent / "data"
BOARD = boards.get("tangnano9k")
SIM_ONLY = '[sdk]\nconsume = false\n[hardware]\nsimulate = true\nsynthesize = "never"\n'


# ---- constraints -----------------------------------------------------------------------------------------
def test_board_plugins_are_found_and_described():
    board = boards.get("tangnano9k")
    assert board.device == "GW1NR-LV9QN88PC6/I5" and board.series == "GW1N-9C" and board.family == "gowin"
    with pytest.raises(PluginError, match="unknown board 'nosuchboard'; known: icebreaker, tangnano20k, tangnano9k"):
        boards.get("nosuchboard")


@pytest.fixture(scope="module")
def vector_files(tmp_path_factory):
    proj = make_project(tmp_path_factory.mktemp("vec") / "p")
    assert proj.doit("vectors").returncode == 0
    return proj.root / "build"


@pytest.mark.parametrize("stem", ["edge-sensor-imu", "video-h264-delta"])
def test_host_driver_replays_the_vectors_against_the_pty_board(vector_files, stem):
    vview, ops = _load(vector_files, stem)
    with BoardModel(vview) as model, hostlink.BoardLink.open(model.path, 115200, boards.get("tangnano9k")) as link:
        link.ping()
        result = hostlink.replay(link, ops, vview)
    checks = len([op for op in ops if op[0] != "scenario"])  # every operation, as the other harnesses count
    assert result["failed"] == 0 and result["passed"] == checks, result["failures"][:3]


def test_host_driver_reports_a_wrong_value(vector_files):
    vview, _ = _load(vector_files, "edge-sensor-imu")
    wrong = [("scenario", "x"), ("accumulate", "motion_delta", 5), ("reconstruct", "motion_delta", 4)]
    with BoardModel(vview) as model, hostlink.BoardLink.open(model.path, 115200, boards.get("tangnano9k")) as link:
        result = hostlink.replay(link, wrong, vview)
    assert result["failed"] == 1 and "expected 4, actual 5" in result["failures"][0]


def test_host_driver_timeout_and_garbled_reply_are_clear(vector_files):
    vview, _ = _load(vector_files, "edge-sensor-imu")
    board = boards.get("tangnano9k")
    with BoardModel(vview, mode="silent") as model, hostlink.BoardLink.open(model.path, 115200, board, 0.3) as link:
        with pytest.raises(hostlink.LinkError, match=r"timeout: nothing in 0.3 s after command b'P'"):
            link.ping()
    with BoardModel(vview, mode="garbled") as model, hostlink.BoardLink.open(model.path, 115200, board) as link:
        with pytest.raises(hostlink.LinkError, match=r"garbled reply to b'P': got 0x11, expected b'K'"):
            link.ping()


def test_host_driver_missing_port_is_clear(tmp_path):
    with pytest.raises(hostlink.LinkError, match="cannot open serial port /nonexistent/ttyX"):
        hostlink.BoardLink.open("/nonexistent/ttyX", 115200, boards.get("tangnano9k"))
    with pytest.raises(hostlink.LinkError, match="no tangnano9k answered on a serial port"):
        hostlink.BoardLink.open("auto", 115200, boards.get("tangnano9k"))


def test_report_parser_on_a_real_nextpnr_report():
    data = _nextpnr.parse_nextpnr_report(
        json.loads((DATA / "nextpnr-video-h264-delta.report.json").read_text()), gowin.CELLS
    )
    assert data["lut"] == {"used": 6199, "available": 8640}
    assert data["ff"] == {"used": 1776, "available": 6480}
    assert data["bsram"] == {"used": 8, "available": 26}
    assert data["io"]["used"] == 10
    assert data["fmax"]["core.clk"]["constraint"] == 150.0
    assert round(data["fmax"]["core.clk"]["achieved"], 2) == 75.36


def test_log_parser_keeps_the_final_verdict_per_clock():
    video = _nextpnr.parse_nextpnr_log((DATA / "nextpnr-video-h264-delta.log").read_text())
    assert video == {"core.clk": {"achieved": 75.36, "passed": False, "target": 150.0}}
    # this log holds an estimate that passes, then the routed figure that fails
    imu = _nextpnr.parse_nextpnr_log((DATA / "nextpnr-edge-sensor-imu.log").read_text())
    assert imu == {"core.clk": {"achieved": 85.73, "passed": False, "target": 100.0}}
    assert _nextpnr.parse_nextpnr_log("no timing here") == {}


def test_edalize_flow_options_do_not_leak_from_one_flow_to_the_next(tmp_path):
    # Edalize 0.6.8 merges tool options into the flow class itself; run_flow must undo that per run.
    from edalize.flows.apicula import Apicula

    from atomik_tasks.checks.edaflows import _pristine

    seen = []
    for mhz in ("100", "27"):
        with _pristine(Apicula):
            edam = {
                "name": "x",
                "toplevel": "x",
                "files": [],
                "flow_options": {"board": "tangnano9k", "nextpnr_options": ["--freq", mhz]},
            }
            seen.append(Apicula(edam, str(tmp_path)).edam["tool_options"]["nextpnr"]["nextpnr_options"])
    assert seen == [["--freq", "100"], ["--freq", "27"]]


def _load(build: Path, stem: str):
    vview = json.loads((build / f"views/_vectors/{stem}.json").read_text())
    return vview, vectors.parse_text((build / f"vectors/{stem}.txt").read_text())


def _verilog_view(build: Path, stem: str) -> dict:
    return json.loads((build / f"views/verilog/{stem}.json").read_text())


def test_the_board_says_which_design_it_runs(vector_files):
    vview, _ = _load(vector_files, "edge-sensor-imu")
    mine = design_id(_verilog_view(vector_files, "edge-sensor-imu"))
    other = design_id(_verilog_view(vector_files, "finance-price-tick"))
    assert mine != other and 0 <= mine < 1 << 24
    with BoardModel(vview, design=mine) as model, hostlink.BoardLink.open(model.path, 115200, BOARD) as link:
        assert link.identify() == mine


def _hwtest(proj_root: Path, port: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "doit", "hwtest:edge-sensor-imu", "--port", port],
        cwd=proj_root,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_hwtest_names_the_design_a_board_runs_and_replays_on_the_right_one(vector_files):
    root = vector_files.parent
    vview, _ = _load(vector_files, "edge-sensor-imu")
    finance = _verilog_view(vector_files, "finance-price-tick")
    with BoardModel(vview, design=design_id(finance)) as model:
        wrong = _hwtest(root, model.path)
    assert wrong.returncode != 0
    assert f"board runs Finance/Trading/PriceTick 1.0.0 (id {design_id(finance):06x}), expected Edge/" in wrong.stdout
    assert "program it with `doit program:edge-sensor-imu`" in wrong.stdout
    with BoardModel(vview) as model:  # a board answering an id that no schema of this project has
        unknown = _hwtest(root, model.path)
    assert "board runs an unknown design (id 000000)" in unknown.stdout
    right = design_id(_verilog_view(vector_files, "edge-sensor-imu"))
    with BoardModel(vview, design=right) as model:
        run = _hwtest(root, model.path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"hwtest:edge-sensor-imu: \d+ passed, 0 failed", run.stdout), run.stdout


def test_the_limiting_path_is_read_from_nextpnrs_critical_path_report():
    """Values read off the log by hand: the first Source, the last Sink, the `logic` rows (9), the last total
    and nextpnr's own logic/routing line."""
    path = _nextpnr.parse_critical_path((DATA / "nextpnr-edge-sensor-imu.log").read_text())
    assert path == {
        "clock": "core.clk",
        "start": "rollback_n_DFFRE_Q_5",
        "end": "core.rollback_undone_DFFRE_Q_8",
        "logic_levels": 9,
        "delay_ns": 11.66,
        "logic_ns": 6.17,
        "routing_ns": 5.49,
    }
    text = _nextpnr.describe_path(path)
    assert text.startswith("rollback_n_DFFRE_Q_5 -> core.rollback_undone_DFFRE_Q_8, 9 logic levels, 11.66 ns")
    assert _nextpnr.parse_critical_path("no report here") == {}


def test_module_stat_parser_on_real_yosys_output():
    # yosys `stat` of a 64-bit board design synthesized with its hierarchy kept (-nowidelut -noflatten)
    modules = gowin.parse_module_stat((DATA / "yosys-module-stat.txt").read_text())
    assert set(modules) == {
        "atomik_uart_rx",
        "atomik_uart_tx",
        "atomik_board_compute_bench_sixty_four",
        "atomik_compute_bench_sixty_four",
    }
    # the receiver's section: LUT1 31, LUT2 2, LUT3 12, LUT4 10; DFFR 2, DFFRE 28, DFFS 2; ALU 12
    assert modules["atomik_uart_rx"] == {"lut": 55, "ff": 32, "mux": 0, "alu": 12, "bsram": 0}
    assert gowin.parse_module_stat("no statistics") == {}


def test_uart_run_sends_a_prefix_of_each_short_scenario():
    from atomik_tasks.hardware.sim import uart_records

    for fields in (["a"], ["a", "b"]):
        vview = {
            "fields": [{"name": f, "width": 8, "default": 0} for f in fields],
            "reconstruct": True,
            "history_depth": 32,  # a wrap long enough to be left out (a short one goes over the line)
        }
        text = vectors.to_hex(vectors.generate(vview), vview)
        lines = text.splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith("06")]  # each scenario's reset record
        assert len(starts) == 7 and lines[-1].startswith("ff")  # every scenario of docs/vectors.md is there
        spans = list(zip(starts, [*starts[1:], len(lines) - 1], strict=True))
        records = [end - start - 1 for start, end in spans]
        # the five short ones have at most 14 records per field (rollback_counts: 13 with one field); the
        # history wrap (35 accumulates and more) and the random walk have more
        assert max(records[:5]) <= 14 * len(fields) < min(records[5:]), records
        for cap in (5, 40):
            sent, count, total = uart_records(text, cap)
            kept = sent.splitlines()
            assert kept[:-1] == [line for start, end in spans[:5] for line in lines[start : min(end, start + cap)]]
            assert kept[-1] == lines[-1] and count == len(kept) - 1 and total == len(lines) - 1
        assert uart_records(text, 0) == (text if text.endswith("\n") else text + "\n", total, total)
