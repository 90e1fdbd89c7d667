"""The reporter and the run record, on real runs in temp copies."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from atomik_tasks.layout import Layout
from atomik_tasks.reports import junit, metrics, record, results


def _m(tests=100, fmax=100.0, lut=1000, seconds=10.0, status="passed", by_schema=None):
    return {
        "status": status,
        "tests_passed": tests,
        "tests_by_schema": by_schema or {"s": tests},
        "fmax_mhz": {"s": fmax},
        "lut": {"s": lut},
        "seconds": seconds,
        "executed": 5,
    }


def test_regression_rules():
    history = [_m(seconds=10 + i % 2) for i in range(12)]
    assert metrics.regressions(_m(), history) == []
    assert metrics.regressions(_m(), []) == []  # the first run is the baseline
    levels = {
        a["level"]: a["message"] for a in metrics.regressions(_m(tests=99, fmax=94, lut=1101, seconds=30), history)
    }
    assert levels["critical"] == "tests passing fell: s 99 (baseline 100)"
    assert "build took 30.0 s" in levels["note"]
    warnings = [a["message"] for a in metrics.regressions(_m(fmax=94, lut=1101), history) if a["level"] == "warning"]
    assert any(w.startswith("Fmax of s") for w in warnings) and any(w.startswith("LUT use of s") for w in warnings)
    assert metrics.regressions(_m(fmax=96, lut=1099), history) == []  # inside 5 % and 10 %
    # no-op runs: 2 standard deviations of 0.01-0.02 s is noise, not a slower build
    quick = [_m(seconds=0.01 + (i % 2) / 100) for i in range(5)]
    assert metrics.regressions(_m(seconds=0.2), quick) == []
    assert metrics.regressions(_m(seconds=0.6), quick)[0]["level"] == "note"
    # failed runs are not part of the baseline
    assert metrics.regressions(_m(tests=50), [_m(tests=10, status="failed"), *history[:1]]) == [
        {"level": "critical", "message": "tests passing fell: s 50 (baseline 100)"}
    ]


def test_alerts_compare_like_with_like_and_say_a_change_once():
    history = [_m(fmax=200.0) for _ in range(5)]
    first = metrics.regressions(_m(fmax=180.0), history)
    assert [a["message"] for a in first] == ["Fmax of s moved more than 5 %: 180 against a baseline of 200.0"]
    assert metrics.regressions(_m(fmax=180.0), [*history, _m(fmax=180.0)]) == []  # said once
    # build times: only runs that ran the same tasks (a diagnosis against no-op runs is no slow build)
    noops = [{**_m(seconds=0.2), "ran": "empty"} for _ in range(5)]
    assert metrics.regressions({**_m(seconds=6.0), "ran": "diagnose"}, noops) == []
    assert metrics.regressions({**_m(seconds=6.0), "ran": "empty"}, noops)[0]["level"] == "note"


def test_a_removed_schema_is_no_regression_but_a_schema_passing_fewer_is():
    history = [_m(by_schema={"a": 60, "b": 40}) for _ in range(3)]
    assert metrics.regressions(_m(by_schema={"a": 60}), history) == []
    assert metrics.regressions(_m(by_schema={"a": 60, "c": 5}), history) == []  # a new schema has no baseline
    alerts = metrics.regressions(_m(by_schema={"a": 59}), history)
    assert alerts == [{"level": "critical", "message": "tests passing fell: a 59 (baseline 60)"}]


def test_metrics_tail_reads_the_last_lines_of_a_long_history(tmp_path):
    path = tmp_path / "metrics.jsonl"
    lines = [json.dumps({"run": i, "pad": "x" * (i % 700)}) for i in range(3000)]  # ~1 MB, lines of any length
    path.write_text("\n".join(lines) + "\n")
    assert metrics._tail_lines(path, 50) == lines[-50:]
    assert metrics._tail_lines(path, 5000) == lines  # fewer lines than asked: the whole file
    path.write_text("")
    assert metrics._tail_lines(path, 50) == []


def test_results_cache_follows_rewritten_and_removed_reports(tmp_path):
    build = tmp_path / "build"
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas/a.json").write_text("{}")
    reports = build / "reports"
    reports.mkdir(parents=True)
    report = {"task": "verify:c:a", "schema": "a", "status": "passed", "passed": 3}
    (reports / "verify-c-a.json").write_text(json.dumps(report))
    (reports / "verify-c-gone.json").write_text(json.dumps({**report, "task": "verify:c:gone", "schema": "gone"}))
    assert results.load_results(Layout(tmp_path)) == {"verify:c:a": report}
    stamp = (reports / ".results-cache.json").stat().st_mtime_ns
    assert results.load_results(Layout(tmp_path)) == {"verify:c:a": report}
    assert (reports / ".results-cache.json").stat().st_mtime_ns == stamp  # nothing changed: nothing written
    rewritten = {**report, "status": "failed", "passed": 2, "extra": "longer, so the size changes too"}
    (reports / "verify-c-a.json").write_text(json.dumps(rewritten))
    assert results.load_results(Layout(tmp_path)) == {"verify:c:a": rewritten}
    (reports / "verify-c-a.json").unlink()
    assert results.load_results(Layout(tmp_path)) == {}
    (reports / ".results-cache.json").write_text("not json")  # a broken cache is rebuilt, never trusted
    (reports / "verify-c-a.json").write_text(json.dumps(report))
    assert results.load_results(Layout(tmp_path)) == {"verify:c:a": report}


def test_run_history_is_bounded(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    names = [f"202601{1 + i // 10:02d}T{i:06d}.json" for i in range(12)]  # in time order
    for name in reversed(names):
        (runs / name).write_text("{}")
    record._prune(runs, 5)
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
    text = junit.junit(run)
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


def test_timeline_labels_never_overlap_in_a_lane():
    from atomik_tasks.reports.html import timeline_labels

    placed = [(0, 0.0, 10.0, "verify:python:finance-price-tick")]
    placed += [(0, 10.0 + i, 1.0, f"verify:rust:schema-number-{i}") for i in range(20)]
    placed += [(1, 0.0, 0.1, "tiny")]  # too short to label
    labels = timeline_labels(placed)
    char = 30.0 / 150
    ends = {}
    for lane, x, text in labels:
        assert x >= ends.get(lane, 0.0), (lane, x, text)
        ends[lane] = x + len(text) * char
    assert all(text != "tiny" for _, _, text in labels)
    assert labels[0] == (0, 0.0, "verify:python:finance-price-tick")


def test_trends_leave_out_no_op_runs():
    from atomik_tasks.reports.html import trends

    built = {"seconds": 30.0, "tests_passed": 100, "fmax_mhz": {}, "executed": 50}
    noop = {**built, "seconds": 0.1, "executed": 0}
    assert "after two runs that built something" in trends([built, noop, noop, noop])
    assert trends([built, noop, built]).startswith("<svg")


def test_a_long_step_prints_a_heartbeat_to_the_terminal(capfd):
    import time

    from atomik_tasks.checks.runner import heartbeat

    with heartbeat("synth:x: apicula flow", every=0.05):
        time.sleep(0.6)
    err = capfd.readouterr().err
    assert "    ... synth:x: apicula flow, 0 s" in err
    # beats at 0.05, 0.15, 0.35 s: the gaps double (a fixed 0.05 s would have printed 12 lines)
    assert 3 <= err.count("apicula flow") <= 5, err
