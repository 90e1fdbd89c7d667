"""The reporter and the run record, on real runs in temp copies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from projects import make_project

from atomik_tasks.layout import Layout
from atomik_tasks.reports import context
from atomik_tasks.reports.html import CHROMIUM
from atomik_tasks.tools import require

SCHEMA = json.loads((Path(context.__file__).parent / "spec/run.schema.json").read_text())


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
    assert len(first) <= context.CONTEXT_LIMIT
    state = json.loads(first)
    assert set(state["schemas"]) == {"edge-sensor-imu", "finance-price-tick", "video-h264-delta"}
    assert state["stale"] == [] and state["failing"] == [] and state["last_run"] == "passed"
    proj.edit_schema("edge-sensor-imu", lambda d: d["catalogue"].update(description="changed"))
    assert context.context(Layout(proj.root), json.loads((proj.root / "build/reports/run.json").read_text()))[
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
    assert run.stdout.count("re-run: doit verify:c:edge-sensor-imu") == 1  # said once, under its line
    record = json.loads((proj.root / "build/reports/run.json").read_text())
    jsonschema.validate(record, SCHEMA)
    assert record["status"] == "failed"
    assert any(a["level"] == "critical" for a in record["alerts"])  # fewer tests passing than the baseline
    suite = ET.parse(proj.root / "build/reports/junit.xml").getroot()
    assert [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None] == ["c:edge-sensor-imu"]
    state = json.loads((proj.root / "build/context.json").read_text())
    assert state["failing"][0]["task"] == "verify:c:edge-sensor-imu" and "expected" in state["failing"][0]["cause"]


def test_html_report_loads_in_chromium_with_every_schema_and_no_console_error(reported, tmp_path):

    proj, _ = reported
    page = proj.root / "build/reports/index.html"
    assert page.exists()
    text = page.read_text()
    # the task graph shows the hardware path too (Graphviz writes node labels as SVG text)
    assert ">board finance&#45;price&#45;tick<" in text or ">board finance-price-tick<" in text
    chromium = require(CHROMIUM)
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
    metrics = proj.root / "build/metrics.jsonl"
    # removing a schema is no regression: each schema is compared with its own baseline
    proj.schema("video-h264-delta").unlink()
    run = plain_doit(proj)
    assert run.returncode == 0 and "CRITICAL" not in run.stdout, run.stdout
    # earlier runs in which edge-sensor-imu passed more tests than it does now
    last = json.loads(metrics.read_text().splitlines()[-1])
    better = {**last, "tests_by_schema": {**last["tests_by_schema"], "edge-sensor-imu": 1000}}
    with metrics.open("a") as fh:
        fh.write("".join(json.dumps(better) + "\n" for _ in range(3)))
    lines_before = len(metrics.read_text().splitlines())
    run = plain_doit(proj)
    assert run.returncode == 0  # an alert, not a failure, by default
    assert "CRITICAL: tests passing fell: edge-sensor-imu" in run.stdout
    assert len(metrics.read_text().splitlines()) == lines_before + 1
    strict = subprocess.run(
        [sys.executable, "-m", "doit"],
        cwd=proj.root,
        capture_output=True,
        text=True,
        env={**os.environ, "ATOMIK_FAIL_ON_CRITICAL": "1"},
    )
    assert strict.returncode == 1
    assert "failing the run: critical alerts" in strict.stdout


def test_the_trace_holds_every_task_that_ran_and_no_op_writes_none(tmp_path):
    proj = make_project(tmp_path / "p", schemas=[Path(__file__).parents[2] / "schemas/edge-sensor-imu.json"])
    first = plain_doit(proj, "-n", "2")
    assert first.returncode == 0, first.stdout[-3000:]
    record = json.loads((proj.root / "build/reports/run.json").read_text())
    jsonschema.validate(record, SCHEMA)
    trace = json.loads((proj.root / "build/reports/trace.json").read_text())
    ran = {t["name"] for t in record["tasks"] if t["status"] in ("success", "failure") and t["start"]}
    events = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    assert {e["name"] for e in events} == ran and len(events) == len(ran)
    assert all({"name", "cat", "ts", "dur", "pid", "tid"} <= set(e) for e in events)
    assert len({e["tid"] for e in events}) == 2  # -n 2: two job slots
    path = record["critical_path"]
    assert path["tasks"] and path["seconds"] <= record["seconds"]
    assert "critical path:" in first.stdout and f"bottleneck: {path['bottleneck']['stage']}" in first.stdout
    page = (proj.root / "build/reports/index.html").read_text()
    assert '<a href="trace.json">' in page and f"<b>{path['bottleneck']['stage']}</b>" in page
    before = (proj.root / "build/reports/trace.json").stat().st_mtime_ns
    noop = plain_doit(proj)
    assert "0 executed" in noop.stdout and (proj.root / "build/reports/trace.json").stat().st_mtime_ns == before


SLOW_GCC = """#!/bin/sh
# gcc, five seconds slower per call: a slow step put on purpose
case "$1" in --version|-V) exec "{real}" "$@";; esac
sleep 5
exec "{real}" "$@"
"""


def test_a_task_slowed_on_purpose_is_named_the_bottleneck_with_what_it_would_save(tmp_path):
    import os
    import shutil

    proj = make_project(tmp_path / "p", schemas=[Path(__file__).parents[2] / "schemas/edge-sensor-imu.json"])
    shim = tmp_path / "bin" / "gcc"
    shim.parent.mkdir()
    shim.write_text(SLOW_GCC.format(real=shutil.which("gcc")))
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}"}
    run = subprocess.run(
        [sys.executable, "-m", "doit", "-n", "2"], cwd=proj.root, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout[-3000:]
    record = json.loads((proj.root / "build/reports/run.json").read_text())
    path = record["critical_path"]
    assert path["bottleneck"]["stage"] == "verify:c", path
    seconds = {t["name"]: t["seconds"] for t in record["tasks"] if t["start"]}
    slow = max((t for t in path["tasks"] if t["stage"] == "verify:c"), key=lambda t: t["seconds"])
    assert slow["seconds"] == seconds[slow["task"]] and slow["seconds"] > 5  # at least one slowed compile
    # at no cost, the run would be as long as its next longest chain: the longest other task (the package
    # check, slowed too, one compile) and what little comes before it (normalize, generate: well under 0.5 s)
    other = max(s for name, s in seconds.items() if name != slow["task"])
    assert slow["seconds"] - other - 0.5 <= slow["potential_s"] <= slow["seconds"] - other + 0.3, (slow, other)
    assert slow["potential_s"] > 3


def test_optimize_recommends_the_job_count_that_was_measured_faster(tmp_path):
    import statistics

    proj = make_project(tmp_path / "p", schemas=[Path(__file__).parents[2] / "schemas/edge-sensor-imu.json"])
    for jobs in ("1", "1", "2", "2"):
        subprocess.run([sys.executable, "-m", "doit", "forget"], cwd=proj.root, capture_output=True, check=True)
        ran = plain_doit(proj, "-n", jobs)
        assert ran.returncode == 0, ran.stdout[-2000:]
    runs = [json.loads(p.read_text()) for p in sorted((proj.root / "build/reports/runs").glob("*.json"))]
    speed = {}
    for jobs in (1, 2):
        mine = [r for r in runs if r.get("jobs") == jobs]
        assert len(mine) == 2
        busy = [sum(t["seconds"] for t in r["tasks"] if t["start"]) for r in mine]
        speed[jobs] = statistics.median(b / r["seconds"] for b, r in zip(busy, mine, strict=True))
    faster = 2 if speed[2] > 1.05 * speed[1] else 1
    out = plain_doit(proj, "optimize")
    assert out.returncode == 0, out.stdout
    assert "## tasks run at once ([build] jobs)" in out.stdout
    report = (proj.root / "build/reports/optimize.md").read_text()
    section = report.split("## tasks run at once ([build] jobs)")[1].split("## ")[0]
    import os

    from atomik_tasks.config import load

    cores = len(os.sched_getaffinity(0))  # atomik.toml sets no jobs: one per core is the current setting
    if faster == cores:
        assert "no change" in out.stdout.split("([build] jobs):")[1].splitlines()[0], section
    else:
        assert f"+jobs = {faster}" in section, section
    applied = plain_doit(proj, "optimize", "--apply")
    assert applied.returncode == 0
    assert (int(load(proj.layout).build.jobs) or cores) == faster


def test_every_n_executing_runs_write_the_optimize_report_and_say_a_new_recommendation_once(tmp_path):
    proj = make_project(
        tmp_path / "p",
        schemas=[Path(__file__).parents[2] / "schemas/edge-sensor-imu.json"],
        config="[sdk]\nconsume = false\n[hardware]\nsimulate = false\nsynthesize = 'never'\n[optimize]\nevery = 5\n",
    )
    runs = proj.root / "build/reports/runs"
    runs.mkdir(parents=True)
    # four earlier runs: two at -n 2 no faster than two at -n 1 (a busy machine): one job is the advice
    for i, (jobs, wall) in enumerate(((1, 12.0), (1, 12.0), (2, 11.9), (2, 11.9))):
        tasks = [{"name": f"verify:c:s{k}", "status": "success", "start": "t", "seconds": 1.0} for k in range(12)]
        record = {"started": "t", "seconds": wall, "jobs": jobs, "tasks": tasks, "results": {}}
        (runs / f"2026010{i}T000000000000Z.json").write_text(json.dumps(record))
    first = plain_doit(proj)  # the fifth run
    assert first.returncode == 0, first.stdout[-2000:]
    assert (proj.root / "build/reports/optimize.md").exists()
    assert first.stdout.count("optimize: [build] jobs = 1 (build/reports/optimize.md") == 1, first.stdout[-1500:]
    for _ in range(5):  # five more runs that execute something: the report again, the same advice not said again
        subprocess.run([sys.executable, "-m", "doit", "forget", "verify:c:edge-sensor-imu"], cwd=proj.root, check=True)
        again = plain_doit(proj)
        assert "optimize:" not in again.stdout
