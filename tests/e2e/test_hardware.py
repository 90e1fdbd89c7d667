"""Hardware flow: board files and constraints, UART simulation, synthesis and its report, programming and the
host driver, each on this machine's real tools (a board is faked only at the wire, by a pty)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from projects import ROOT, make_project, minimal_schema

SIM_ONLY = '[sdk]\nconsume = false\n[hardware]\nsimulate = true\nsynthesize = "never"\n'


# ---- constraints -----------------------------------------------------------------------------------------
def top_ports(verilog: str) -> list[str]:
    """Every top-level port of a module header, buses expanded to name[i]."""
    header = verilog[verilog.index("(\n    input") : verilog.index(");")]
    ports = []
    for m in re.finditer(r"(input|output)\s+wire\s+(\[(\d+):0\]\s+)?(\w+)", header):
        ports += [f"{m.group(4)}[{i}]" for i in range(int(m.group(3)) + 1)] if m.group(2) else [m.group(4)]
    return ports


@pytest.mark.parametrize("stem", ["finance-price-tick", "video-h264-delta"])
def test_every_top_level_port_is_constrained(stem, tmp_path):
    proj = make_project(tmp_path / "p")
    assert proj.doit(f"board:{stem}").returncode == 0
    folder = next((proj.root / "build/board").iterdir())
    key = folder.name
    ports = top_ports((folder / f"atomik_board_{key}.v").read_text())
    cst = (folder / f"atomik_board_{key}.cst").read_text()
    located = dict(re.findall(r'IO_LOC "([^"]+)" (\d+);', cst))
    assert sorted(ports) == sorted(located), (ports, located)
    assert located["clk"] == "52" and located["uart_rx"] == "18" and located["uart_tx"] == "17"
    assert [located[f"led[{i}]"] for i in range(6)] == ["10", "11", "13", "14", "15", "16"]
    assert len(set(located.values())) == len(located)  # no pin used twice
    assert 'IO_PORT "btn_rst_n" PULL_MODE=UP;' in cst


# ---- UART simulation --------------------------------------------------------------------------------------
def test_uart_simulation_replays_every_vector_over_the_serial_line(tmp_path):
    proj = make_project(tmp_path / "p", config=SIM_ONLY + "uart_records = 0\n")  # every scenario
    doc = minimal_schema()  # 32-bit field, no rollback: the protocol must refuse B
    doc["schema"]["delta_fields"]["flags"] = {"type": "bitmask_delta", "width": 8, "default_value": 3}
    proj.write_schema("compute-minimal", doc)
    run = proj.doit("-n", "2")
    assert run.returncode == 0, {n: t["err"] for n, t in run.tasks.items() if t["result"] == "fail"}
    for stem in ("edge-sensor-imu", "finance-price-tick", "video-h264-delta", "compute-minimal"):
        data = json.loads((proj.root / f"build/reports/sim-uart-{stem}.json").read_text())
        lines = (proj.root / f"build/vectors/{stem}.txt").read_text().splitlines()
        checks = len([x for x in lines if x and not x.startswith(("#", "scenario"))])
        assert data["status"] == "passed" and data["vectors"] == checks, data
    assert proj.doit().executed == set()


def test_uart_simulation_sends_the_short_scenarios_by_default(tmp_path):
    proj = make_project(tmp_path / "p", schemas=[ROOT / "schemas/finance-price-tick.json"], config=SIM_ONLY)
    run = proj.doit("sim:uart:finance-price-tick")
    assert run.returncode == 0, run.stderr
    data = json.loads((proj.root / "build/reports/sim-uart-finance-price-tick.json").read_text())
    # the first 40 records of every scenario of at most 14 records per field (3 fields: 42), from the vectors' text
    scenarios: dict[str, int] = {}
    for line in (proj.root / "build/vectors/finance-price-tick.txt").read_text().splitlines():
        if line.startswith("scenario "):
            name = line.split()[1]
            scenarios[name] = 0
        elif line and not line.startswith("#"):
            scenarios[name] += 1
    sent = {name: min(n, 39) for name, n in scenarios.items() if n <= 42}  # 40 with the scenario's reset
    assert sorted(set(scenarios) - set(sent)) == ["history_wrap", "random_walk"]
    checks = sum(sent.values())
    assert data["status"] == "passed" and data["vectors"] == checks, data
    assert data["uart_records"] == {"per_scenario": 40, "sent": checks + len(sent), "total": 4689}
    assert "verify:verilog replays all of them" in data["notes"][0]


UART_LOOPBACK_TB = """`timescale 1ns / 1ps
module tb;
    parameter integer CPB = 4;
    reg clk = 1'b0;
    always #1 clk = !clk;
    reg rst_n = 1'b0;
    reg start = 1'b0;
    reg [7:0] data = 8'd0;
    wire ready, line, valid;
    wire [7:0] got;
    atomik_uart_tx #(.CLKS_PER_BIT(CPB)) tx (
        .clk(clk), .rst_n(rst_n), .start(start), .data(data), .ready(ready), .tx(line)
    );
    atomik_uart_rx #(.CLKS_PER_BIT(CPB)) rx (.clk(clk), .rst_n(rst_n), .rx(line), .data(got), .valid(valid));
    reg [7:0] sent [0:4];
    integer i, fell, received = 0;
    always @(posedge clk) if (valid) begin
        if (got !== sent[received]) $fatal(1, "byte %0d: sent %h, received %h", received, sent[received], got);
        received = received + 1;
    end
    initial begin
        sent[0] = 8'h00; sent[1] = 8'hff; sent[2] = 8'ha5; sent[3] = 8'h5a; sent[4] = 8'h01;
        repeat (4) @(posedge clk);
        rst_n = 1'b1;
        for (i = 0; i < 5; i = i + 1) begin
            @(posedge clk);
            data <= sent[i];
            start <= 1'b1;
            @(posedge clk);
            start <= 1'b0;
            @(negedge line);
            fell = $time;
            @(posedge ready);
            // a frame is 10 bits of CPB clocks (2 ns each) from the start bit's edge
            if (($time - fell) / 2 != 10 * CPB) $fatal(1, "frame of %0d clocks, not %0d", ($time - fell) / 2, 10 * CPB);
        end
        repeat (2 * CPB) @(posedge clk);
        if (received != 5) $fatal(1, "received %0d of 5 bytes", received);
        $display("uart loopback ok");
        $finish;
    end
endmodule
"""


@pytest.mark.parametrize("clocks_per_bit", [4, 7, 234])  # the simulations', an odd one, the Tang Nano's 27 MHz / 115200
def test_shared_uart_frames_bytes_at_any_bit_time(clocks_per_bit, tmp_path):
    cores = ROOT / "atomik_tasks/hardware/shared_cores/atomik_uart"
    (tmp_path / "tb.v").write_text(UART_LOOPBACK_TB)
    sources = [str(cores / "atomik_uart_tx.v"), str(cores / "atomik_uart_rx.v"), str(tmp_path / "tb.v")]
    sim = tmp_path / "tb.vvp"
    build = [shutil.which("iverilog") or "iverilog", f"-Ptb.CPB={clocks_per_bit}", "-o", str(sim), *sources]
    subprocess.run(build, check=True, capture_output=True, text=True)
    run = subprocess.run([shutil.which("vvp") or "vvp", "-n", str(sim)], capture_output=True, text=True)
    assert "uart loopback ok" in run.stdout, run.stdout + run.stderr


def test_uart_simulation_catches_a_wrong_reply(tmp_path):
    proj = make_project(tmp_path / "p", schemas=[ROOT / "schemas/edge-sensor-imu.json"], config=SIM_ONLY)
    assert proj.doit("board:edge-sensor-imu", "vectors").returncode == 0
    top = next((proj.root / "build/board").glob("*/atomik_board_*.v"))
    # answer every read of field 0 with one bit flipped in every byte (the last step of its readout tree)
    text = top.read_text()
    line = re.search(r"(always @\(posedge clk\) motion_delta_rd_byte <= )(.*);", text)
    assert line, "the readout of field 0 is not where this test looks"
    top.write_text(text.replace(line[0], f"{line[1]}({line[2]}) ^ {{7'd0, motion_delta_rd_on}};"))
    run = proj.doit("sim:uart:edge-sensor-imu")
    assert run.returncode != 0
    assert re.search(r"record \d+: reconstruct field 0: expected", run.tasks["sim:uart:edge-sensor-imu"]["err"])


# ---- synthesis --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def synthesized(tmp_path_factory):
    """A small schema (8-bit, no rollback) taken through synthesis once."""
    proj = make_project(
        tmp_path_factory.mktemp("synth") / "p",
        schemas=[],
        config='[sdk]\nconsume = false\n[hardware]\nsynthesize = "always"\nsimulate = false\n',
    )
    doc = minimal_schema()
    doc["schema"]["delta_fields"] = {"value": {"type": "delta_stream", "width": 8}}
    doc["schema"]["constraints"] = {"target_frequency_mhz": 27.0}
    doc["hardware"] = {"target_device": "GW1NR-9", "rtl_params": {"DATA_WIDTH": 8}}
    proj.write_schema("tiny", doc)
    run = proj.doit("synth:tiny")
    assert run.returncode == 0, run.tasks.get("synth:tiny", {}).get("err", run.stderr)
    return proj


def test_synthesis_writes_a_bitstream_and_a_report(synthesized):
    data = json.loads((synthesized.root / "build/reports/synth-tiny.json").read_text())
    fs = synthesized.root / data["bitstream"]  # relative to the project: a cached report moves with it
    assert not Path(data["bitstream"]).is_absolute()
    assert fs.exists() and fs.stat().st_size > 100_000
    assert 0 < data["lut"]["used"] < data["lut"]["available"] == 8640
    assert 0 < data["ff"]["used"] < data["ff"]["available"]
    assert data["bsram"] == {"used": 0, "available": 26}
    assert data["io"]["used"] == 10  # clk, button, rx, tx, six LEDs
    assert data["fmax_mhz"] > 27 and data["timing_met"] is True
    assert data["tools"]["yosys"].startswith("Yosys")
    # yosys `stat` of the hierarchy: where the LUTs go, by module
    modules = data["modules"]
    core, board = "atomik_compute_test_minimal", "atomik_board_compute_test_minimal"
    assert set(modules) == {core, board, "atomik_uart_rx", "atomik_uart_tx"}, modules
    assert modules[core]["ff"] >= 16 and modules[core]["lut"] >= 8  # state and accumulator, 8 bits each
    assert all(m["lut"] > 0 and m["ff"] > 0 for m in modules.values()), modules


def test_unchanged_design_is_not_synthesized_again(synthesized):
    run = synthesized.doit("synth:tiny")
    assert run.returncode == 0
    assert run.executed == set()


def test_unmet_timing_warns_by_default_and_fails_on_request(synthesized):
    synthesized.edit_schema("tiny", lambda d: d["schema"]["constraints"].update(target_frequency_mhz=900.0))
    run = synthesized.doit("synth:tiny")
    assert run.returncode == 0
    assert "warning: timing not met" in run.tasks["synth:tiny"]["out"]
    run = synthesized.doit("synth:tiny", env={**os.environ, "ATOMIK_TIMING": "fail"})
    assert run.returncode != 0
    assert "timing not met" in run.tasks["synth:tiny"]["err"]
    # with atomik-tasks' own reporter, the failure block says why, not just where the log is
    synthesized.forget("synth:tiny")
    plain = subprocess.run(
        [sys.executable, "-m", "doit", "synth:tiny"],
        cwd=synthesized.root,
        capture_output=True,
        text=True,
        env={**os.environ, "ATOMIK_TIMING": "fail"},
    )
    block = plain.stdout[plain.stdout.index("FAILED synth:tiny") :]
    assert re.search(r"timing not met: Fmax [\d.]+ MHz < target 900 MHz", block), plain.stdout
    synthesized.edit_schema("tiny", lambda d: d["schema"]["constraints"].update(target_frequency_mhz=27.0))
    plain = subprocess.run(
        [sys.executable, "-m", "doit", "synth:tiny"], cwd=synthesized.root, capture_output=True, text=True
    )
    assert plain.returncode == 0
    assert re.search(r"^synth +tiny +ran +passed +1 ", plain.stdout, re.M), plain.stdout  # the report's test count


def test_missing_synthesis_tool_fails_with_an_install_hint(synthesized, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("make", "sh", "nextpnr-himbaechel", "gowin_pack"):
        found = shutil.which(tool) or shutil.which(tool, path=os.path.dirname(os.sys.executable))
        os.symlink(found, bin_dir / tool)
    synthesized.forget("synth:tiny")
    run = synthesized.doit("synth:tiny", env={**os.environ, "PATH": str(bin_dir)})
    assert run.returncode != 0
    assert "yosys not found on PATH" in run.tasks["synth:tiny"]["err"]
    assert (
        "Debian package yosys" in run.tasks["synth:tiny"]["err"]
        and "atomik-tasks tools --install" in run.tasks["synth:tiny"]["err"]
    )
    synthesized.forget("synth:tiny")


def test_vendor_flow_selected_but_missing_says_so(tmp_path):
    proj = make_project(
        tmp_path / "p",
        schemas=[ROOT / "schemas/edge-sensor-imu.json"],
        config='[sdk]\nconsume = false\n[hardware]\nflow = "gowin"\nsimulate = false\nsynthesize = "never"\n',
    )
    run = proj.doit("synth:edge-sensor-imu")
    assert run.returncode != 0
    assert "gw_sh not found on PATH" in run.tasks["synth:edge-sensor-imu"]["err"]


# ---- programming ------------------------------------------------------------------------------------------
def test_program_without_a_board_fails_fast_with_one_clear_line(synthesized):
    start = time.monotonic()
    run = synthesized.doit("program:tiny")
    assert run.returncode != 0
    assert time.monotonic() - start < 60  # no hang; never asserted tighter than "it returned"
    check = run.tasks["preflight:program:tiny"]  # the board is looked for before anything else
    said = [line for line in (check["err"] + check.get("error", "")).splitlines() if "tangnano9k" in line]
    assert said and "no tangnano9k found: check the USB cable and the udev rules" in said[0], check


def test_a_failed_program_marks_no_other_schemas_synthesis_stale(synthesized):
    """Stale marks come from doit's state only: programming one schema (no board here) leaves every other
    schema's synthesis result as it was."""
    other = synthesized.read_schema("tiny")
    other["catalogue"]["object"] = "Other"
    synthesized.write_schema("other", other)
    try:
        assert synthesized.doit("synth").returncode == 0
        run = subprocess.run(
            [sys.executable, "-m", "doit", "program:tiny"], cwd=synthesized.root, capture_output=True, text=True
        )
        assert run.returncode != 0
        record = json.loads((synthesized.root / "build/reports/run.json").read_text())
        assert record["results"]["synth:other"]["status"] == "passed"
        assert record["results"]["synth:tiny"]["status"] == "passed"
        assert "stale" not in run.stdout
    finally:
        synthesized.schema("other").unlink()


def test_program_is_never_in_the_default_run(synthesized):
    run = synthesized.doit()
    assert not [n for n in run.tasks if n.startswith(("program:", "hwtest:"))]


# ---- host driver against a software board on a pty -------------------------------------------------------


def test_hwtest_task_with_a_missing_port(tmp_path):
    proj = make_project(
        tmp_path / "p",
        schemas=[ROOT / "schemas/edge-sensor-imu.json"],
        config='[hardware]\nserial_port = "/dev/ttyNOPE"\nsimulate = false\nsynthesize = "never"\n',
    )
    run = proj.doit("hwtest:edge-sensor-imu")
    assert run.returncode != 0
    assert "cannot open serial port /dev/ttyNOPE" in run.tasks["hwtest:edge-sensor-imu"]["err"]


# ---- log parsers on logs captured from this toolchain ----------------------------------------------------


def test_small_and_odd_history_depths_roll_back_in_the_module_and_over_the_serial_line(tmp_path):
    # depth 1 (a one-bit pointer over a one-entry ring), 2 (the pointer wraps by itself) and 3 (wraps by compare)
    proj = make_project(tmp_path / "p", schemas=[], config=SIM_ONLY + "uart_records = 0\n")
    for depth in (1, 2, 3):
        doc = minimal_schema()
        doc["catalogue"]["object"] = f"Depth{depth}"
        doc["schema"]["delta_fields"] = {f: {"type": "delta_stream", "width": 16} for f in ("value", "other")}
        doc["schema"]["operations"]["rollback"] = {"enabled": True, "history_depth": depth}
        doc["hardware"] = {"target_device": "GW1NR-9", "rtl_params": {"DATA_WIDTH": 16}}
        proj.write_schema(f"depth{depth}", doc)
    run = proj.doit("verify:verilog", "sim")
    assert run.returncode == 0, {n: t["err"] for n, t in run.tasks.items() if t["result"] == "fail"}
    for depth in (1, 2, 3):
        assert proj.report(f"verify:verilog:depth{depth}")["status"] == "passed"
        sim = json.loads((proj.root / f"build/reports/sim-uart-depth{depth}.json").read_text())
        assert sim["status"] == "passed" and sim["uart_records"]["sent"] == sim["uart_records"]["total"]


def test_per_module_count_says_why_it_has_none(tmp_path):
    from atomik_tasks.hardware.families.gowin import YOSYS, ModuleUsage
    from atomik_tasks.tools import require

    bad = tmp_path / "bad.v"
    bad.write_text("module top(input wire a; endmodule\n")  # a syntax error yosys reports
    modules, why = ModuleUsage(require(YOSYS), [str(bad)], "top", tmp_path).result()
    assert modules == {}
    assert why.startswith("yosys (hierarchy kept) failed: ") and "ERROR" in why, why


def test_per_module_count_is_kept_for_the_same_rtl(tmp_path):
    from atomik_tasks.hardware.families.gowin import YOSYS, ModuleUsage
    from atomik_tasks.tools import require

    rtl = tmp_path / "top.v"
    rtl.write_text(
        "module top(input wire clk, input wire [3:0] a, output reg [3:0] y);\n"
        "always @(posedge clk) y <= a ^ {a[2:0], a[3]};\nendmodule\n"
    )
    first = ModuleUsage(require(YOSYS), [str(rtl)], "top", tmp_path)
    counted, why = first.result()
    assert not why and counted["top"]["ff"] == 4 and counted["top"]["lut"] > 0, counted
    again = ModuleUsage(require(YOSYS), [str(rtl)], "top", tmp_path)
    assert again.proc is None and again.result() == (counted, "")  # the same RTL: no second yosys run
    rtl.write_text(rtl.read_text().replace("a ^", "~a ^"))
    changed = ModuleUsage(require(YOSYS), [str(rtl)], "top", tmp_path)
    assert changed.proc is not None and changed.result()[0]["top"]["ff"] == 4
