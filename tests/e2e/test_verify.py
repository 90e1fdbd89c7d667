"""Verification: every SDK replays the shared vectors with its own toolchain, and every check can fail."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from projects import ROOT, make_project, minimal_schema

from atomik_tasks.languages import all_languages
from atomik_tasks.languages.c import GCC
from atomik_tasks.languages.javascript import NODE
from atomik_tasks.languages.rust import CARGO
from atomik_tasks.reference import vectors
from atomik_tasks.reference.semantics import ReferenceObject
from atomik_tasks.tools import require, search_path

LANGS = tuple(all_languages())
STEMS = ("edge-sensor-imu", "finance-price-tick", "video-h264-delta")


def test_every_language_verifies_every_shipped_schema(built_project):
    for lang in LANGS:
        for stem in STEMS:
            report = built_project.report(f"verify:{lang}:{stem}")
            assert report["status"] == "passed", report
            assert report["tests"] > 0 and report["failed"] == 0
            assert report["tools"], report
        if lang != "verilog":
            assert built_project.report(f"verify:{lang}:_package")["status"] == "passed"
    # the replayed vector counts come from the harnesses' own output and match the vector files
    for stem in STEMS:
        lines = (built_project.root / "build/vectors" / f"{stem}.txt").read_text().splitlines()
        checks = len([x for x in lines if x and not x.startswith(("#", "scenario"))])
        assert built_project.report(f"verify:verilog:{stem}")["vectors"] == checks
        assert built_project.report(f"verify:c:{stem}")["vectors"] == 2 * checks  # plain and sanitized builds


def test_vectors_cover_what_the_issue_asks(built_project):
    text = (built_project.root / "build/vectors/video-h264-delta.txt").read_text()
    ops = vectors.parse_text(text)
    top = 2**256 - 1
    assert ("load", "frame_delta", top) in ops and ("load", "motion_vector", top) in ops
    assert ("reconstruct", "frame_delta", 0) in ops
    rollbacks = [op for op in ops if op[0] == "rollback"]
    assert ("rollback", 0, 0) in rollbacks
    assert any(n == 1 and done == 1 for _, n, done in rollbacks)
    assert any(n > done for _, n, done in rollbacks)  # more than recorded
    assert ("rollback", 512 + 10, 512) in rollbacks  # history wrapped past history_depth
    names = [op[1] for op in ops if op[0] == "scenario"]
    assert "load_after_accumulate" in names and "history_wrap" in names


def test_vectors_agree_with_an_independent_replay_of_the_reference_model(built_project):
    model = json.loads((built_project.root / "build/model/finance-price-tick.model.json").read_text())
    ops = vectors.parse_text((built_project.root / "build/vectors/finance-price-tick.txt").read_text())
    obj = None
    for op in ops:
        if op[0] == "scenario":
            obj = ReferenceObject(model)
        elif op[0] in ("load", "accumulate"):
            getattr(obj, op[0])(op[1], op[2])
        elif op[0] == "reconstruct":
            assert obj.reconstruct(op[1]) == op[2]
        elif op[0] == "zero":
            assert int(obj.is_accumulator_zero(op[1])) == op[2]
        else:
            assert obj.rollback(op[1]) == op[2]


def test_vectors_are_deterministic(built_project):
    vview = json.loads((built_project.root / "build/views/_vectors/edge-sensor-imu.json").read_text())
    assert (
        vectors.to_text(vectors.generate(vview))
        == (built_project.root / "build/vectors/edge-sensor-imu.txt").read_text()
    )


def test_one_language_runs_alone(project):
    run = project.doit("verify:rust")
    assert run.returncode == 0, run.stderr
    ran = {n for n in run.executed if n.startswith("verify:")}
    assert ran == {f"verify:rust:{s}" for s in STEMS} | {"verify:rust:_package"}
    assert not (project.root / "build/sdk/python").exists()


def test_interface_check_passes_and_names_file_and_line_when_something_is_missing(built_project):
    run = built_project.doit("check:interfaces")
    assert run.returncode == 0
    header = built_project.sdk / "c/include/atomik/finance/trading/price_tick.h"
    original = header.read_text()
    try:
        header.write_text(original.replace("atomik_finance_trading_price_tick_rollback(", "rolled_back("))
        built_project.forget("check:interfaces:finance-price-tick")
        run = built_project.doit("check:interfaces:finance-price-tick")
        assert run.returncode != 0
        err = run.tasks["check:interfaces:finance-price-tick"]["err"]
        assert re.search(
            r"build/sdk/c/include/atomik/finance/trading/price_tick\.h:\d+: c: finance-price-tick: "
            r"rollback missing",
            err,
        ), err
    finally:
        header.write_text(original)
        built_project.forget("check:interfaces:finance-price-tick")


# ---- the checks can fail --------------------------------------------------------------------------------
def _flip_first(path, kind: str) -> None:
    """Flip the lowest bit of the first expected value of this kind in a text vector file."""
    lines = path.read_text().splitlines()
    for i, line in enumerate(lines):
        parts = line.split()
        if parts and parts[0] == kind:
            parts[-1] = f"{int(parts[-1], 16) ^ 1:x}"
            lines[i] = " ".join(parts)
            path.write_text("\n".join(lines) + "\n")
            return
    raise AssertionError(f"no {kind} line in {path}")


@pytest.fixture
def restore(built_project):
    """Put back files a test tampers with, and make doit re-check them."""
    saved: dict = {}

    def keep(path):
        saved.setdefault(path, path.read_bytes())
        return path

    yield keep
    for path, data in saved.items():
        path.write_bytes(data)
    built_project.forget(*[f"core:{s}" for s in STEMS], *[f"verify:{lang}:{s}" for lang in LANGS for s in STEMS])
    assert built_project.doit().returncode == 0


def test_flipped_expected_value_in_the_vectors_fails_every_language(built_project, restore):
    stem = "edge-sensor-imu"
    _flip_first(restore(built_project.root / f"build/vectors/{stem}.txt"), "reconstruct")
    hexfile = restore(built_project.root / f"build/vectors/{stem}.hex")
    records = hexfile.read_text().splitlines()
    index = next(i for i, r in enumerate(records) if r.startswith("03"))
    records[index] = f"{int(records[index], 16) ^ 1:0{len(records[index])}x}"
    hexfile.write_text("\n".join(records) + "\n")
    run = built_project.doit("--continue", *[f"verify:{lang}:{stem}" for lang in LANGS])
    assert run.returncode != 0
    for lang in LANGS:
        task = f"verify:{lang}:{stem}"
        assert run.result(task) == "fail", task
        err = run.tasks[task]["err"]
        assert "expected" in err and "actual" in err, (task, err)
        assert f"re-run: doit {task}" in err
    assert re.search(rf"{stem}\.txt:\d+", run.tasks[f"verify:python:{stem}"]["err"])
    assert f"record {index + 1}: reconstruct" in run.tasks[f"verify:verilog:{stem}"]["err"]


# (generated file, the XOR of accumulate, the same with OR): each must be caught by its own language.
BROKEN_XOR = {
    "python": ("python/atomik/Finance/Trading/price_tick.py", "self._acc[field] ^= delta", "self._acc[field] |= delta"),
    "rust": (
        "rust/src/finance/trading/price_tick.rs",
        "*a ^= d;\n        }\n        if self",
        "*a |= d;\n        }\n        if self",
    ),
    "c": ("c/src/finance_trading_price_tick.c", "obj->acc[field][i] ^= delta[i];", "obj->acc[field][i] |= delta[i];"),
    "javascript": (
        "javascript/src/finance/trading/price_tick.js",
        "this.#acc[field] ^= delta;",
        "this.#acc[field] |= delta;",
    ),
    "verilog": ("verilog/rtl/atomik_finance_trading_price_tick.v", " ^ operand[", " | operand["),
}


@pytest.mark.parametrize("lang", LANGS)
def test_broken_xor_is_caught_by_that_language(built_project, restore, lang):
    rel, old, new = BROKEN_XOR[lang]
    path = restore(built_project.sdk / rel)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    if lang == "verilog":
        restore(built_project.root / "build/cores/finance_trading_price_tick/rtl/atomik_finance_trading_price_tick.v")
        built_project.forget("core:finance-price-tick")
    task = f"verify:{lang}:finance-price-tick"
    built_project.forget(task)
    run = built_project.doit(task)
    assert run.returncode != 0
    assert run.result(task) == "fail"
    assert built_project.report(task)["status"] == "failed"
    err = run.tasks[task]["err"]
    assert "expected" in err or "Mismatch" in err or "assert" in err, err


def test_unused_signal_fails_the_verilog_lint(built_project, restore):
    rel = "verilog/rtl/atomik_edge_sensor_imu_fusion.v"
    path = restore(built_project.sdk / rel)
    restore(built_project.root / "build/cores/edge_sensor_imu_fusion/rtl/atomik_edge_sensor_imu_fusion.v")
    path.write_text(path.read_text().replace("    wire idle", "    wire spare_signal;\n    wire idle", 1))
    built_project.forget("core:edge-sensor-imu", "verify:verilog:edge-sensor-imu")
    run = built_project.doit("verify:verilog:edge-sensor-imu")
    assert run.returncode != 0
    err = run.tasks["verify:verilog:edge-sensor-imu"]["err"]
    assert "lint flow failed" in err and "spare_signal" in err, err


def test_missing_tool_fails_with_an_install_hint(built_project, tmp_path):
    # A PATH with everything the Verilog check needs except verilator.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("iverilog", "vvp", "make", "sh"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    env = {**os.environ, "PATH": str(bin_dir)}
    built_project.forget("verify:verilog:edge-sensor-imu")
    try:
        run = built_project.doit("verify:verilog:edge-sensor-imu", env=env)
        assert run.returncode != 0
        err = run.tasks["verify:verilog:edge-sensor-imu"]["err"]
        assert "verilator not found on PATH" in err and "(Debian package verilator" in err, err
        assert built_project.report("verify:verilog:edge-sensor-imu")["status"] == "failed"
    finally:
        built_project.forget("verify:verilog:edge-sensor-imu")
        assert built_project.doit("verify:verilog:edge-sensor-imu").returncode == 0


# ---- FuseSoC ---------------------------------------------------------------------------------------------
def test_fusesoc_lists_and_simulates_the_generated_cores(built_project, tmp_path):
    fusesoc = [sys.executable, "-m", "fusesoc.main"]
    roots = ["--cores-root", "build/cores"]  # the shared cores are copied there too
    listed = subprocess.run([*fusesoc, *roots, "core", "list"], cwd=built_project.root, capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    for key in ("edge_sensor_imu_fusion", "finance_trading_price_tick", "video_streaming_h264_delta"):
        assert f"atomik:gen:{key}:0" in listed.stdout
    assert "atomik:tb:common" in listed.stdout
    sim = subprocess.run(
        [
            *fusesoc,
            *roots,
            "run",
            "--build-root",
            str(tmp_path / "fs"),
            "--target",
            "sim",
            "atomik:gen:edge_sensor_imu_fusion",
        ],
        cwd=built_project.root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert sim.returncode == 0, sim.stdout + sim.stderr
    assert re.search(r"vectors: \d+ passed, 0 failed", sim.stdout)


def test_reconstruct_disabled_and_no_rollback_schema_verifies(tmp_path):
    proj = make_project(tmp_path / "p", schemas=[])
    doc = minimal_schema()
    doc["schema"]["operations"]["reconstruct"] = {"enabled": False}
    doc["schema"]["delta_fields"]["flags"] = {"type": "bitmask_delta", "width": 8, "default_value": 255}
    proj.write_schema("no-reconstruct", doc)
    run = proj.doit()
    assert run.returncode == 0, run.stderr
    assert "def reconstruct" not in (proj.sdk / "python/atomik/Compute/Test/minimal.py").read_text()
    assert "_state" not in (proj.sdk / "verilog/rtl/atomik_compute_test_minimal.v").read_text()


def _readme_example(lang: str) -> str:
    text = (ROOT / "README.md").read_text()
    match = re.search(rf"<!-- example:{lang} -->\n```\w+\n(.*?)```", text, re.S)
    assert match, f"README has no {lang} example"
    return match.group(1)


@pytest.mark.parametrize("lang", ["python", "rust", "c", "javascript"])
def test_readme_examples_run_as_written(built_project, tmp_path, lang):
    sdk = built_project.sdk
    code = _readme_example(lang)
    env = {**os.environ, "PATH": search_path()}
    if lang == "python":
        (tmp_path / "app.py").write_text(code)
        cmd = [sys.executable, "app.py"]
        env["PYTHONPATH"] = str(sdk / "python")
    elif lang == "rust":
        (tmp_path / "src").mkdir()
        (tmp_path / "src/main.rs").write_text(code)
        (tmp_path / "Cargo.toml").write_text(
            '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n'
            f'[dependencies]\natomik = {{ path = "{sdk / "rust"}" }}\n'
        )
        cmd = [require(CARGO), "run", "--quiet", "--offline"]
        env["CARGO_TARGET_DIR"] = str(tmp_path / "target")
    elif lang == "c":
        (tmp_path / "app.c").write_text(code)
        source = sdk / "c/src/finance_trading_price_tick.c"
        flags = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"]
        subprocess.run(
            [require(GCC), *flags, f"-I{sdk / 'c/include'}", "app.c", str(source), "-o", "app"],
            cwd=tmp_path,
            check=True,
        )
        cmd = ["./app"]
    else:  # what `npm install <folder>` does: a link under node_modules
        (tmp_path / "node_modules/@atomik").mkdir(parents=True)
        (tmp_path / "node_modules/@atomik/sdk").symlink_to(sdk / "javascript")
        (tmp_path / "app.mjs").write_text(code)
        cmd = [require(NODE), "app.mjs"]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["99", "100"]
