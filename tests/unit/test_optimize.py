"""`doit optimize`: each rule on a history written by hand with a known answer, "not enough evidence" where the
history is short, and --apply writing atomik.toml (the file before kept)."""

from __future__ import annotations

import json
from pathlib import Path

from atomik_tasks.config import Config, load, set_value
from atomik_tasks.feedback import optimize as opt
from atomik_tasks.layout import Layout


def config(tmp_path: Path, text: str = "") -> Config:
    (tmp_path / "atomik.toml").write_text(text)
    return load(Layout(tmp_path))


def run(jobs: int, wall: float, task_seconds: list[float], **extra) -> dict:
    tasks = [
        {"name": f"verify:c:s{i}", "status": "success", "start": "2026-12-04T00:00:00", "seconds": s}
        for i, s in enumerate(task_seconds)
    ]
    return {"started": "2026-12-04T00:00:00", "seconds": wall, "jobs": jobs, "tasks": tasks, "results": {}, **extra}


def history(runs=(), ledger=(), events=()) -> opt.History:
    return opt.History(list(runs), list(ledger), list(events))


def test_every_rule_says_when_it_has_not_enough_evidence(tmp_path):
    found = opt.findings(history(), config(tmp_path))
    assert [f.rule for f in found] == ["jobs", "timing_attempts", "critical_path", "max_rounds", "llm", "cache"]
    for f in found:
        assert f.change is None and not f.enough and any("not enough evidence" in e for e in f.evidence), f


def test_jobs_follow_the_measured_parallel_efficiency(tmp_path):
    # 12 tasks of 1 s: alone they take 12 s; two at once 7 s (speed 1.71): -n 2 wins
    runs = [run(1, 12.0, [1.0] * 12) for _ in range(3)] + [run(2, 7.0, [1.0] * 12) for _ in range(3)]
    f = opt.jobs(history(runs), config(tmp_path, "[build]\njobs = 1\n"))
    assert f.change == ("build", "jobs", 2) and f.confidence == "high"
    assert any("efficiency 86%" in e for e in f.evidence), f.evidence
    # two at once no faster than one (a machine with one free core): diminishing returns keep one
    runs = [run(1, 12.0, [1.0] * 12) for _ in range(2)] + [run(2, 11.8, [1.0] * 12) for _ in range(2)]
    f = opt.jobs(history(runs), config(tmp_path, "[build]\njobs = 2\n"))
    assert f.change == ("build", "jobs", 1) and f.confidence == "medium"


def synth_run(attempts: list[bool]) -> dict:
    r = run(1, 60.0, [1.0] * 10)
    r["tasks"].append({"name": "synth:x", "status": "success", "start": "t", "seconds": 50.0})
    r["results"] = {"synth:x": {"attempts": [{"met": m, "seconds": 20.0} for m in attempts]}}
    return r


def test_timing_attempts_from_how_often_seeds_mended_a_miss(tmp_path):
    never = [synth_run([False, False, False]) for _ in range(3)]
    f = opt.timing_attempts(history(never), config(tmp_path))
    assert f.change == ("feedback", "timing_attempts", 1) and "40 s per missed clock" in f.gain
    often = [synth_run([False, True]) for _ in range(4)]
    f = opt.timing_attempts(history(often), config(tmp_path))
    assert f.change == ("feedback", "timing_attempts", 4)
    met = [synth_run([True]) for _ in range(5)]
    assert not opt.timing_attempts(history(met), config(tmp_path)).enough


def test_uart_records_are_cut_where_the_uart_simulation_limits_the_run(tmp_path):
    path = {"seconds": 10.0, "tasks": [], "bottleneck": {"stage": "sim:uart", "seconds": 8.0}}
    runs = [run(2, 10.0, [1.0] * 10, critical_path=path) for _ in range(3)]
    f = opt.critical_stages(history(runs), config(tmp_path))
    assert f.change == ("hardware", "uart_records", 20) and "80%" in f.gain
    verify = {**path, "bottleneck": {"stage": "verify:rust", "seconds": 8.0}}
    f = opt.critical_stages(history([run(2, 10.0, [1.0] * 10, critical_path=verify)] * 3), config(tmp_path))
    assert f.change is None and f.enough and "verify:rust 3x" in f.evidence[0]


def test_feedback_rounds_from_success_by_round(tmp_path):
    tried = [{"task": "fix:x", "round": 1, "outcome": "fixed"}] * 4 + [
        {"task": "fix:x", "round": 2, "outcome": "reverted"}
    ]
    f = opt.feedback_rounds(history([run(1, 1.0, [], feedback=tried)]), config(tmp_path))
    assert f.change == ("feedback", "max_rounds", 1)


def test_model_tiers_and_a_refused_budget(tmp_path):
    calls = [
        {
            "run": "r1",
            "level": "small",
            "outcome": "verified",
            "cost_usd": 0.001,
            "usage": {"input": 900, "output": 100},
        },
        {
            "run": "r2",
            "level": "small",
            "outcome": "verified",
            "cost_usd": 0.001,
            "usage": {"input": 900, "output": 100},
        },
        {"run": "r3", "level": "mid", "outcome": "rejected", "cost_usd": 0.01, "usage": {"input": 2000, "output": 500}},
    ]
    f = opt.model_routing(history(ledger=calls), config(tmp_path))
    assert f.change == ("llm", "run_budget_tokens", 10000) and any(
        "small: 2 call(s), 100% verified" in e for e in f.evidence
    )
    refused = [*calls, {"run": "r4", "level": "mid", "outcome": "refused: budget"}]
    assert opt.model_routing(history(ledger=refused), config(tmp_path)).change == ("llm", "run_budget_tokens", 120000)


def test_cache_cap_and_a_cluster_that_does_not_pay(tmp_path):
    events = ["miss"] * 12 + ["hit"] * 3 + ["evict 1000"] * 2
    f = opt.cache(history(events=events), config(tmp_path, "[cache]\nmax_mb = 100.0\n"))
    assert f.change == ("cache", "max_mb", 200.0)
    runs = []
    for lane, seconds in (("worker tcp://a:1", 40.0), ("job slot 1", 20.0)):
        r = run(1, 60.0, [])
        r["tasks"] = [{"name": "synth:x", "status": "success", "start": "t", "seconds": seconds, "lane": lane}]
        runs += [r] * 3
    f = opt.cache(history(runs), config(tmp_path, '[cluster]\nscheduler = "tcp://a:8786"\n'))
    assert f.change == ("cluster", "scheduler", "")


def test_apply_writes_atomik_toml_and_keeps_the_file_before(tmp_path, capsys):
    before = "# mine\n[build]\njobs = 1  # my comment\n\n[feedback]\nmax_rounds = 3\n"
    c = config(tmp_path, before)
    layout = Layout(tmp_path)
    runs = [run(1, 12.0, [1.0] * 12) for _ in range(3)] + [run(2, 7.0, [1.0] * 12) for _ in range(3)]
    for i, r in enumerate(runs):
        Path(layout.reports, "runs").mkdir(parents=True, exist_ok=True)
        Path(layout.reports, "runs", f"2026120{i}.json").write_text(json.dumps(r))
    opt.optimize(layout, c, write=True)
    out = capsys.readouterr().out
    assert "+jobs = 2  # my comment" in out and "-jobs = 1  # my comment" in out  # the diff in the report
    after = (tmp_path / "atomik.toml").read_text()
    assert after == before.replace("jobs = 1", "jobs = 2")
    kept = list(Path(layout.feedback, "originals").glob("atomik.*.toml"))
    assert len(kept) == 1 and kept[0].read_text() == before
    assert load(layout).build.jobs == 2 and (Path(layout.reports) / "optimize.md").exists()
    assert "wrote atomik.toml" in out


def test_set_value_keeps_comments_and_adds_tables():
    assert set_value("", "build", "jobs", 2) == "[build]\njobs = 2\n"
    assert (
        set_value("[sdk]\nconsume = true\n\n[hardware]\n", "sdk", "x", "a")
        == '[sdk]\nconsume = true\nx = "a"\n\n[hardware]\n'
    )
