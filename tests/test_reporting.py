"""The reporter and the run record, on real runs in temp copies."""

from __future__ import annotations

import json
import subprocess
import sys
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from conftest import make_project

from atomik_tasks import runrecord
from atomik_tasks.paths import PACKAGE_DIR

SCHEMA = json.loads((PACKAGE_DIR / "spec/run.schema.json").read_text())


def plain_doit(proj, *args):
    """doit with the project's own reporter (the default in DOIT_CONFIG), as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "doit", *args], cwd=proj.root, capture_output=True, text=True, timeout=1200
    )


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    proj = make_project(tmp_path_factory.mktemp("rep") / "p")
    first = plain_doit(proj, "-n", "2")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    return proj, first


def test_progress_blocks_and_summary(reported):
    _, first = reported
    lines = first.stdout.splitlines()
    progress = [line for line in lines if line.startswith("[")]
    assert progress and all(" s" in line for line in progress)
    total = int(progress[0].split("/")[1].split("]")[0])
    assert len(progress) == total  # every task with actions reported once, counted k of N
    # with -n 2 a task's output follows its own header line, indented, as one block
    header = next(i for i, line in enumerate(lines) if "] verify:python:finance-price-tick " in line)
    assert lines[header + 1].startswith("    verify:python:finance-price-tick: ")
    assert any(line.startswith("python ") and "finance-price-tick" in line for line in lines)  # summary table
    assert lines[-1].endswith(" s") and " up to date, 0 failed in " in lines[-1]


def test_noop_folds_up_to_date_tasks_into_a_count(reported):
    proj, _ = reported
    again = plain_doit(proj)
    assert again.returncode == 0
    assert not [line for line in again.stdout.splitlines() if line.startswith("[")]
    assert "0 executed, " in again.stdout.splitlines()[-1]


def test_run_json_is_valid_and_lists_artifacts(reported):
    proj, _ = reported
    run = json.loads((proj.root / "build/reports/run.json").read_text())
    jsonschema.validate(run, SCHEMA)
    history = sorted((proj.root / "build/reports/runs").glob("*.json"))
    assert history and json.loads(history[0].read_text())["counts"]["executed"] > 0
    first = json.loads(history[0].read_text())
    jsonschema.validate(first, SCHEMA)
    gen = next(t for t in first["tasks"] if t["name"] == "generate:c:finance-price-tick")
    assert gen["status"] == "success" and gen["seconds"] >= 0 and gen["start"]
    # the manifest is the artifact of record: it maps every file the task wrote to its sha256
    manifest = next(a for a in gen["artifacts"] if a["path"].endswith("manifests/c/finance-price-tick.json"))
    assert "src/finance_trading_price_tick.c" in json.loads(open(manifest["path"]).read())
    assert "verify:rust:video-h264-delta" in first["results"]


def test_junit_has_a_case_per_task(reported):
    proj, _ = reported
    suite = ET.parse(proj.root / "build/reports/junit.xml").getroot()
    run = json.loads((proj.root / "build/reports/run.json").read_text())
    assert len(suite.findall("testcase")) == len(run["tasks"]) == int(suite.get("tests"))


def test_context_is_small_and_idempotent(reported):
    proj, _ = reported
    plain_doit(proj)
    first = (proj.root / "build/context.json").read_bytes()
    plain_doit(proj)
    assert (proj.root / "build/context.json").read_bytes() == first
    assert len(first) <= runrecord.CONTEXT_LIMIT
    state = json.loads(first)
    assert set(state["schemas"]) == {"edge-sensor-imu", "finance-price-tick", "video-h264-delta"}
    assert state["stale"] == [] and state["failing"] == [] and state["last_run"] == "passed"
    proj.edit_schema("edge-sensor-imu", lambda d: d["catalogue"].update(description="changed"))
    assert runrecord.context(proj.root / "build", json.loads((proj.root / "build/reports/run.json").read_text()))[
        "stale"
    ] == ["edge-sensor-imu"]


def test_injected_failure_is_reported_with_cause_and_rerun_command(tmp_path):
    proj = make_project(tmp_path / "p")
    assert plain_doit(proj).returncode == 0
    module = proj.sdk / "c/src/edge_sensor_imu_fusion.c"
    module.write_text(module.read_text().replace("obj->acc[field][i] ^= delta[i];", "obj->acc[field][i] |= delta[i];"))
    proj.forget("verify:c:edge-sensor-imu")
    run = plain_doit(proj)
    assert run.returncode != 0
    assert "FAILED verify:c:edge-sensor-imu" in run.stdout
    assert "re-run just this: doit verify:c:edge-sensor-imu" in run.stdout
    record = json.loads((proj.root / "build/reports/run.json").read_text())
    jsonschema.validate(record, SCHEMA)
    assert record["status"] == "failed"
    assert any(a["level"] == "critical" for a in record["alerts"])  # fewer tests passing than the baseline
    suite = ET.parse(proj.root / "build/reports/junit.xml").getroot()
    assert [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None] == ["c:edge-sensor-imu"]
    state = json.loads((proj.root / "build/context.json").read_text())
    assert state["failing"][0]["task"] == "verify:c:edge-sensor-imu" and "expected" in state["failing"][0]["cause"]


def _m(tests=100, fmax=100.0, lut=1000, seconds=10.0, status="passed"):
    return {
        "status": status,
        "tests_passed": tests,
        "fmax_mhz": {"s": fmax},
        "lut": {"s": lut},
        "seconds": seconds,
        "executed": 5,
    }


def test_regression_rules():
    history = [_m(seconds=10 + i % 2) for i in range(12)]
    assert runrecord.regressions(_m(), history) == []
    assert runrecord.regressions(_m(), []) == []  # the first run is the baseline
    levels = {
        a["level"]: a["message"] for a in runrecord.regressions(_m(tests=99, fmax=94, lut=1101, seconds=30), history)
    }
    assert "tests passing fell to 99" in levels["critical"]
    assert "build took 30.0 s" in levels["note"]
    warnings = [a["message"] for a in runrecord.regressions(_m(fmax=94, lut=1101), history) if a["level"] == "warning"]
    assert any(w.startswith("Fmax of s") for w in warnings) and any(w.startswith("LUT use of s") for w in warnings)
    assert runrecord.regressions(_m(fmax=96, lut=1099), history) == []  # inside 5 % and 10 %
    # no-op runs: 2 standard deviations of 0.01-0.02 s is noise, not a slower build
    quick = [_m(seconds=0.01 + (i % 2) / 100) for i in range(5)]
    assert runrecord.regressions(_m(seconds=0.2), quick) == []
    assert runrecord.regressions(_m(seconds=0.6), quick)[0]["level"] == "note"
    # failed runs are not part of the baseline
    assert runrecord.regressions(_m(tests=50), [_m(tests=10, status="failed"), *history[:1]]) == [
        {"level": "critical", "message": "tests passing fell to 50 (baseline 100)"}
    ]


def test_html_report_loads_in_chromium_with_every_schema_and_no_console_error(reported, tmp_path):
    from atomik_tasks import toolchain

    proj, _ = reported
    page = proj.root / "build/reports/index.html"
    assert page.exists()
    chromium = toolchain.require("chromium")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
    ]
    dom = subprocess.run([chromium, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'id="schemas"' in dom.stdout
    for stem in ("edge-sensor-imu", "finance-price-tick", "video-h264-delta"):
        assert f"<th>{stem}</th>" in dom.stdout
    assert dom.stdout.count("<svg") >= 2  # the task graph and the timeline (trends need two runs)
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    shot = tmp_path / "report.png"
    subprocess.run(
        [chromium, *flags, "--window-size=1200,2400", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 10_000


def test_fewer_tests_passing_is_critical_and_can_fail_the_run(tmp_path):
    import os

    proj = make_project(tmp_path / "p")
    assert plain_doit(proj).returncode == 0
    lines_before = len((proj.root / "build/metrics.jsonl").read_text().splitlines())
    proj.schema("video-h264-delta").unlink()
    run = plain_doit(proj)
    assert run.returncode == 0  # an alert, not a failure, by default
    assert "CRITICAL: tests passing fell to" in run.stdout
    assert len((proj.root / "build/metrics.jsonl").read_text().splitlines()) == lines_before + 1
    strict = subprocess.run(
        [sys.executable, "-m", "doit"],
        cwd=proj.root,
        capture_output=True,
        text=True,
        env={**os.environ, "ATOMIK_FAIL_ON_CRITICAL": "1"},
    )
    assert strict.returncode == 1
    assert "failing the run: critical alerts" in strict.stdout


def test_metrics_tail_reads_the_last_lines_of_a_long_history(tmp_path):
    path = tmp_path / "metrics.jsonl"
    lines = [json.dumps({"run": i, "pad": "x" * (i % 700)}) for i in range(3000)]  # ~1 MB, lines of any length
    path.write_text("\n".join(lines) + "\n")
    assert runrecord._tail_lines(path, 50) == lines[-50:]
    assert runrecord._tail_lines(path, 5000) == lines  # fewer lines than asked: the whole file
    path.write_text("")
    assert runrecord._tail_lines(path, 50) == []


def test_results_cache_follows_rewritten_and_removed_reports(tmp_path):
    build = tmp_path / "build"
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas/a.json").write_text("{}")
    reports = build / "reports"
    reports.mkdir(parents=True)
    report = {"task": "verify:c:a", "schema": "a", "status": "passed", "passed": 3}
    (reports / "verify-c-a.json").write_text(json.dumps(report))
    (reports / "verify-c-gone.json").write_text(json.dumps({**report, "task": "verify:c:gone", "schema": "gone"}))
    assert runrecord.load_results(build) == {"verify:c:a": report}
    stamp = (reports / ".results-cache.json").stat().st_mtime_ns
    assert runrecord.load_results(build) == {"verify:c:a": report}
    assert (reports / ".results-cache.json").stat().st_mtime_ns == stamp  # nothing changed: nothing written
    rewritten = {**report, "status": "failed", "passed": 2, "extra": "longer, so the size changes too"}
    (reports / "verify-c-a.json").write_text(json.dumps(rewritten))
    assert runrecord.load_results(build) == {"verify:c:a": rewritten}
    (reports / "verify-c-a.json").unlink()
    assert runrecord.load_results(build) == {}
    (reports / ".results-cache.json").write_text("not json")  # a broken cache is rebuilt, never trusted
    (reports / "verify-c-a.json").write_text(json.dumps(report))
    assert runrecord.load_results(build) == {"verify:c:a": report}


def test_run_history_is_bounded(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    names = [f"202601{1 + i // 10:02d}T{i:06d}.json" for i in range(12)]  # in time order
    for name in reversed(names):
        (runs / name).write_text("{}")
    runrecord._prune(runs, 5)
    assert sorted(p.name for p in runs.iterdir()) == names[-5:]


def test_junit_escapes_any_failure_cause():
    cause = 'expected "1" & got <0>\x00\x1b[31m\ud800 \ufffe\tend\nnext'
    run = {
        "seconds": 1.5,
        "counts": {"failed": 1},
        "tasks": [
            {"name": "verify:c:a", "status": "failure", "seconds": 0.25, "cause": cause},
            {"name": "catalogue", "status": "up-to-date", "seconds": None},
            {"name": "generate:c:a", "status": "success", "seconds": 1.0},
        ],
    }
    text = runrecord.junit(run)
    text.encode("utf-8")  # strict: no lone surrogate left
    suite = ET.fromstring(text)
    assert (suite.get("tests"), suite.get("failures"), suite.get("time")) == ("3", "1", "1.500")
    cases = list(suite.iter("testcase"))
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("verify", "c:a"),
        ("catalogue", "catalogue"),
        ("generate", "c:a"),
    ]
    assert cases[0].find("failure").get("message") == 'expected "1" & got <0>[31m \tend\nnext'
    assert cases[1].find("system-out").text == "up to date"
