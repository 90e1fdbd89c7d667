"""What a new user tripped over (issue 10): stale pass marks, removed schemas, failures that did not say why,
output that did not scale. Each test runs the real doit with its own reporter, as a user does."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

from projects import make_project

BOARD_ONLY = '[hardware]\nsimulate = false\nsynthesize = "never"\n'


def plain_doit(proj, *args, **kw):
    return subprocess.run(
        [sys.executable, "-m", "doit", *args], cwd=proj.root, capture_output=True, text=True, timeout=1200, **kw
    )


def break_schema(proj, stem="edge-sensor-imu"):
    proj.edit_schema(stem, lambda d: d["schema"]["delta_fields"]["motion_delta"].update(width=48))


def test_results_of_an_invalid_schema_are_stale_in_every_report(tmp_path):
    proj = make_project(tmp_path / "p")
    assert plain_doit(proj).returncode == 0
    break_schema(proj)
    run = plain_doit(proj)
    assert run.returncode == 1
    assert re.search(r"^results: 10 passed, 0 failed, 9 stale", run.stdout, re.M), run.stdout
    record = json.loads((proj.root / "build/reports/run.json").read_text())
    states = {task: r["status"] for task, r in record["results"].items()}
    assert {t for t, s in states.items() if s == "stale"} == {
        *(f"verify:{lang}:edge-sensor-imu" for lang in ("c", "javascript", "python", "rust", "verilog")),
        *(f"verify:{lang}:_package" for lang in ("c", "javascript", "python", "rust")),
    }
    assert record["results"]["verify:c:edge-sensor-imu"]["last_status"] == "passed"
    assert json.loads((proj.root / "build/context.json").read_text())["stale"] == ["edge-sensor-imu"]
    page = (proj.root / "build/reports/index.html").read_text()
    assert "last run failed" in page  # the page follows a failed run too
    assert re.search(r"<tr><th>edge-sensor-imu</th>(<td class=\"stale\">stale</td>){5}", page)


def test_a_removed_schema_leaves_nothing_behind_and_no_alert(tmp_path):
    proj = make_project(tmp_path / "p", config=BOARD_ONLY)
    assert plain_doit(proj).returncode == 0
    build = proj.root / "build"
    key = "video_streaming_h264_delta"
    assert (build / f"cores/{key}").is_dir() and (build / f"board/{key}").is_dir()
    proj.schema("video-h264-delta").unlink()
    run = plain_doit(proj)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "CRITICAL" not in run.stdout
    # cargo-target is cargo's build cache, shared by every schema (and runs/ the history of past runs)
    kept = ("runs", "cargo-target")
    left = [p for p in build.rglob("*") if "video" in str(p.relative_to(build)) and not set(kept) & set(p.parts)]
    assert left == [], left
    assert not (build / "sdk/rust/src/video").exists() and not (build / "sdk/c/include/atomik/video").exists()
    listed = subprocess.run(
        [sys.executable, "-m", "fusesoc.main", "--cores-root", "build/cores", "core", "list"],
        cwd=proj.root,
        capture_output=True,
        text=True,
    )
    assert "video" not in listed.stdout and "finance_trading_price_tick" in listed.stdout


def test_a_failure_is_printed_once_under_its_own_line(tmp_path):
    proj = make_project(tmp_path / "p")
    break_schema(proj)
    for args in ((), ("-n", "2")):
        run = plain_doit(proj, "--continue", *args)
        out = run.stdout + run.stderr
        error = "48 is not one of [8, 16, 32, 64, 128, 256]"
        assert out.count(error) == 1, out
        assert out.index("FAILED validate:edge-sensor-imu") < out.index(error)


def test_a_one_task_run_shows_its_own_rows_and_counts_what_runs(tmp_path):
    proj = make_project(tmp_path / "p")
    assert plain_doit(proj).returncode == 0
    proj.forget("verify:rust:edge-sensor-imu")
    run = plain_doit(proj, "verify:rust:edge-sensor-imu")
    assert run.returncode == 0
    assert "[1/1] verify:rust:edge-sensor-imu" in run.stdout, run.stdout
    rows = [line for line in run.stdout.splitlines() if re.match(r"(rust|c|python|javascript|verilog) ", line)]
    assert rows == [next(line for line in rows if "edge-sensor-imu" in line)] and len(rows) == 1
    assert "results: 19 passed, 0 failed" in run.stdout


def test_a_rerun_hint_repeats_the_parameters(tmp_path):
    proj = make_project(tmp_path / "p", config=BOARD_ONLY)
    run = plain_doit(proj, "hwtest:edge-sensor-imu", "--port", "/nonexistent/ttyX")
    assert run.returncode != 0
    assert "re-run just this: doit hwtest:edge-sensor-imu --port /nonexistent/ttyX" in run.stdout, run.stdout


def test_program_checks_for_the_board_before_any_synthesis(tmp_path):
    proj = make_project(tmp_path / "p", config=BOARD_ONLY)
    start = time.monotonic()
    for args in ((), ("-n", "2")):
        run = plain_doit(proj, *args, "program:edge-sensor-imu")
        assert run.returncode != 0
        assert "no tangnano9k found" in run.stdout or "openFPGALoader not found" in run.stdout, run.stdout
        assert "synth:edge-sensor-imu" not in run.stdout
        assert not (proj.root / "build/synth").exists()
    assert time.monotonic() - start < 120  # generous: it must not have synthesized


def test_clean_removes_what_the_checks_left(tmp_path):
    proj = make_project(tmp_path / "p", config=BOARD_ONLY)
    assert plain_doit(proj).returncode == 0
    build = proj.root / "build"
    for folder in ("verify", "cargo-target", "logs", "board", "cores", "sdk"):
        assert any((build / folder).rglob("*")), folder
    assert plain_doit(proj, "clean").returncode == 0
    for folder in ("verify", "cargo-target", "logs", "board", "cores", "sdk"):
        assert not [p for p in (build / folder).rglob("*") if p.is_file()], folder
    assert not list((build / "reports").glob("verify-*.json"))


def test_warnings_of_an_up_to_date_schema_are_named_and_shown_on_request(tmp_path):
    proj = make_project(tmp_path / "p")
    proj.edit_schema("edge-sensor-imu", lambda d: d["catalogue"].pop("license"))
    assert plain_doit(proj, "validate").returncode == 0
    again = plain_doit(proj, "validate")
    assert "warnings in edge-sensor-imu (1): `doit validate:<schema>` prints them" in again.stdout
    named = plain_doit(proj, "validate:edge-sensor-imu")
    assert "catalogue.license is missing [missing-license]" in named.stdout, named.stdout


def test_continue_past_an_invalid_schema_builds_and_verifies_every_valid_one(tmp_path):
    proj = make_project(tmp_path / "p")
    break_schema(proj)
    run = plain_doit(proj, "--continue")
    assert run.returncode != 0
    record = json.loads((proj.root / "build/reports/run.json").read_text())
    failed = {t["name"] for t in record["tasks"] if t["status"] == "failure"}
    assert failed and all("edge-sensor-imu" in name for name in failed), failed
    assert record["results"]["verify:rust:_package"]["status"] == "passed"
    for lang in ("c", "javascript", "python", "rust", "verilog"):
        for stem in ("finance-price-tick", "video-h264-delta"):
            assert record["results"][f"verify:{lang}:{stem}"]["status"] == "passed", (lang, stem)
    # one failure, said once; the tasks it stopped each one line; the count never passes its total
    assert run.stdout.count("FAILED") == 1 and "FAILED validate:edge-sensor-imu" in run.stdout
    assert "not run: verify:c:edge-sensor-imu (it needs validate:edge-sensor-imu" in run.stdout
    counts = [tuple(map(int, m)) for m in re.findall(r"^\[(\d+)/(\d+)\]", run.stdout, re.M)]
    assert counts and len({n for _, n in counts}) == 1 and all(k <= n for k, n in counts), counts
    assert counts[-1][0] == counts[-1][1]


def test_an_authorship_edit_runs_no_hardware_task_and_diff_lists_every_stage(tmp_path):
    proj = make_project(tmp_path / "p", config='[sdk]\nconsume = false\n[hardware]\nsynthesize = "never"\n')
    assert plain_doit(proj).returncode == 0

    def reword(doc):
        doc["catalogue"]["author"] = "Someone Else"
        doc["catalogue"]["description"] = "Reworded for the docs."
        doc["catalogue"].pop("license", None)

    proj.edit_schema("edge-sensor-imu", reword)
    diff = plain_doit(proj, "diff").stdout
    runs = next(line for line in diff.splitlines() if line.startswith("  runs again:"))
    assert "generate:python" in runs and not re.search(r"board|sim:uart|synth|verilog|core", runs), runs
    run = proj.doit()
    assert run.returncode == 0
    hardware = {
        t
        for t in run.executed
        if t.startswith(("board:", "sim:", "synth:", "core:", "generate:verilog", "verify:verilog"))
    }
    assert not hardware, hardware
    assert "verify:python:edge-sensor-imu" in run.executed

    proj.edit_schema("edge-sensor-imu", lambda d: d["schema"]["operations"]["rollback"].update(history_depth=512))
    diff = plain_doit(proj, "diff").stdout
    runs = next(line for line in diff.splitlines() if line.startswith("  runs again:"))
    for stage in ("board", "core", "generate:verilog", "sim:uart", "synth", "verify:verilog"):
        assert stage in runs.split(": ", 1)[1].split(", "), runs


def test_the_shipped_schemas_build_to_bitstreams_with_no_warning(tmp_path):
    """What `make` builds: every shipped schema, synthesis included; nothing to warn about."""
    proj = make_project(tmp_path / "p", config='[sdk]\nconsume = false\n[hardware]\nsynthesize = "always"\n')
    run = plain_doit(proj)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    said = [line for line in (run.stdout + run.stderr).splitlines() if "warning" in line.lower()]
    assert not said, said
    assert len(list((proj.root / "build/synth").glob("*/*.fs"))) == 3
