"""The run's trace (Chrome Trace Event Format) and its critical path, on graphs whose answers are known."""

from __future__ import annotations

from pathlib import Path

from atomik_tasks.reports.trace import critical_path, stage_of, trace

# a -> b (5 s) -> d and a -> c (2 s) -> d: the chain through b is the longest
PARALLEL = {"seconds": {"a": 1.0, "b": 5.0, "c": 2.0, "d": 1.0}, "preds": {"b": ["a"], "c": ["a"], "d": ["b", "c"]}}


def test_the_longest_chain_of_parallel_branches_and_what_each_task_on_it_would_save():
    path = critical_path(PARALLEL["seconds"], PARALLEL["preds"])
    assert [t["task"] for t in path["tasks"]] == ["a", "b", "d"] and path["seconds"] == 7.0
    saves = {t["task"]: t["potential_s"] for t in path["tasks"]}
    # b at no cost: the chain through c (1 + 2 + 1 = 4) limits the run; a and d: the whole of their time
    assert saves == {"a": 1.0, "b": 3.0, "d": 1.0}


def test_a_cached_task_stays_in_the_chain_at_its_restore_time():
    seconds = {"gen": 0.5, "synth": 0.2, "report": 0.1, "verify": 0.6}  # synth was restored from the cache
    preds = {"synth": ["gen"], "report": ["synth"], "verify": ["gen"]}
    path = critical_path(seconds, preds)
    assert [t["task"] for t in path["tasks"]] == ["gen", "verify"]
    path = critical_path({**seconds, "report": 0.5}, preds)
    assert [t["task"] for t in path["tasks"]] == ["gen", "synth", "report"]
    assert path["tasks"][1]["seconds"] == 0.2 and path["tasks"][1]["potential_s"] == 0.1  # verify then limits


def test_the_bottleneck_is_the_stage_with_most_time_on_the_path():
    seconds = {"normalize:x": 0.1, "verify:c:x": 3.0, "verify:c:_package": 2.0, "synth:x": 4.0}
    preds = {"verify:c:x": ["normalize:x"], "verify:c:_package": ["verify:c:x"]}
    path = critical_path(seconds, preds)
    assert path["bottleneck"] == {"stage": "verify:c", "seconds": 5.0}
    assert stage_of("sim:uart:x") == "sim:uart" and stage_of("catalogue") == "catalogue"
    assert critical_path({}, {}) == {"tasks": [], "seconds": 0.0, "bottleneck": None}


def test_the_trace_has_the_required_fields_for_every_task_that_ran():
    records = [
        {"name": "verify:c:x", "status": "success", "began": 10.5, "seconds": 1.25, "lane": "job slot 1"},
        {
            "name": "synth:x",
            "status": "success",
            "began": 10.0,
            "seconds": 3.0,
            "lane": "worker tcp://h:1",
            "seeds": 2,
            "split": {"upload": 0.5, "queue": 0.25, "run": 2.0},
        },
        {"name": "vectors:x", "status": "up-to-date", "began": None, "seconds": None},
    ]
    events = trace(records, origin=10.0)["traceEvents"]
    parts = [e for e in events if e.get("cat") == "cluster"]
    assert [(e["name"], e["ts"], e["dur"]) for e in parts] == [
        ("synth:x upload", 0, 500_000),
        ("synth:x queue", 500_000, 250_000),
        ("synth:x run", 750_000, 2_000_000),
    ]
    complete = [e for e in events if e["ph"] == "X" and e["cat"] != "cluster"]
    assert [e["name"] for e in complete] == ["verify:c:x", "synth:x"]
    for e in complete:
        assert {"name", "cat", "ph", "ts", "dur", "pid", "tid", "args"} <= set(e)
        assert isinstance(e["ts"], int) and isinstance(e["dur"], int) and e["dur"] > 0
    assert complete[0]["ts"] == 500_000 and complete[0]["dur"] == 1_250_000 and complete[0]["cat"] == "verify:c"
    assert complete[1]["args"]["seeds"] == 2 and complete[0]["tid"] != complete[1]["tid"]
    lanes = {e["tid"]: e["args"]["name"] for e in events if e["name"] == "thread_name"}
    assert lanes[complete[1]["tid"]] == "worker tcp://h:1"


def test_a_plain_run_starts_the_long_tasks_first_from_earlier_durations(tmp_path):
    import json

    from projects import make_project

    from atomik_tasks.graph import PLAIN_RUN, doit_config
    from atomik_tasks.graph.project import Project
    from atomik_tasks.graph.schedule import longest_first

    proj = make_project(tmp_path / "p", config='[sdk]\nconsume = false\n[hardware]\nsynthesize = "always"\n')
    p = Project(proj.layout)
    assert longest_first(p, ["verify", "synth"]) == []  # no history: the groups' own order
    durations = {
        "verify:c:edge-sensor-imu": 0.6,
        "synth:video-h264-delta": 60.0,
        "synth:gone": 90.0,  # a schema that was removed
        "consume:c": 5.0,  # a group this run leaves out
        "verify:rust:_package": 1.1,
        "sim:uart:finance-price-tick": 3.0,
    }
    Path(proj.layout.durations).parent.mkdir(parents=True)
    Path(proj.layout.durations).write_text(json.dumps(durations))
    order = longest_first(p, ["verify", "synth", "sim"])
    assert order == [
        "synth:video-h264-delta",
        "sim:uart:finance-price-tick",
        "verify:rust:_package",
        "verify:c:edge-sensor-imu",
    ]
    doit_config(proj.layout)
    assert PLAIN_RUN["tasks"][:3] == ["tools", "synth:video-h264-delta", "sim:uart:finance-price-tick"]
