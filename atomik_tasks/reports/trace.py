"""A run studied from its own records: a Chrome Trace Event profile (it opens in Perfetto and chrome://tracing,
as Bazel's --profile does) and the critical path through the tasks that ran, with what each task on it would save
if it took no time (Buck2's `log critical-path`), and the stage that holds most of it (the bottleneck).

Pure functions of the run's task records and the graph's edges; the reporter writes the results.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def stage_of(task: str) -> str:
    """A task's stage: its name without the schema (`verify:rust:x` -> `verify:rust`, `synth:x` -> `synth`)."""
    parts = task.split(":")
    return ":".join(parts[:-1]) if len(parts) > 1 else parts[0]


def trace(records: Iterable[dict[str, Any]], origin: float) -> dict[str, Any]:
    """Chrome Trace Event Format: one complete event ("ph": "X") per executed task, on the lane (tid) of the job
    slot it ran in; a lane's name says which slot (or which cluster worker)."""
    events: list[dict[str, Any]] = []
    lanes: dict[str, int] = {}
    for r in records:
        if r.get("began") is None:
            continue
        lane = str(r.get("lane", "slot 1"))
        tid = lanes.setdefault(lane, len(lanes) + 1)
        events.append(
            {
                "name": r["name"],
                "cat": stage_of(r["name"]),
                "ph": "X",
                "ts": round((r["began"] - origin) * 1e6),
                "dur": max(1, round(float(r["seconds"]) * 1e6)),
                "pid": 1,
                "tid": tid,
                "args": {
                    "outcome": r["status"],
                    "critical": bool(r.get("critical")),
                    "cached": bool(r.get("cached")),
                    "retries": int(r.get("retries", 0)),
                    "seeds": int(r.get("seeds", 0)),
                },
            }
        )
        at = r["began"] - origin
        for part, secs in (r.get("split") or {}).items():  # a cluster task: its upload, queue and run
            events.append(
                {
                    "name": f"{r['name']} {part}",
                    "cat": "cluster",
                    "ph": "X",
                    "ts": round(at * 1e6),
                    "dur": max(1, round(secs * 1e6)),
                    "pid": 1,
                    "tid": tid,
                    "args": {"part": part},
                }
            )
            at += secs
    meta = [
        {"name": "thread_name", "ph": "M", "pid": 1, "tid": tid, "args": {"name": lane}} for lane, tid in lanes.items()
    ]
    meta.append({"name": "process_name", "ph": "M", "pid": 1, "tid": 0, "args": {"name": "doit (atomik-tasks)"}})
    return {"traceEvents": [*meta, *events], "displayTimeUnit": "ms"}


def _longest(seconds: dict[str, float], preds: dict[str, list[str]]) -> tuple[dict[str, float], dict[str, str]]:
    """finish[n]: the longest chain of durations ending with n; via[n]: its predecessor on that chain."""
    finish: dict[str, float] = {}
    via: dict[str, str] = {}
    for start in seconds:
        stack = [(start, False)]
        while stack:
            node, ready = stack.pop()
            if node in finish:
                continue
            ps = [p for p in preds.get(node, []) if p in seconds]
            if not ready:
                stack.append((node, True))
                stack.extend((p, False) for p in ps if p not in finish)
                continue
            best = max(ps, key=lambda p: finish.get(p, 0.0), default=None)
            finish[node] = seconds[node] + (finish.get(best, 0.0) if best else 0.0)
            if best:
                via[node] = best
    return finish, via


def critical_path(seconds: dict[str, float], preds: dict[str, list[str]]) -> dict[str, Any]:
    """The chain of tasks that took longest (seconds: the tasks that ran, cached ones at their restore time;
    preds: each task's predecessors in the graph), and per task on it `potential_s`: how much shorter that chain
    of the whole run would be if the task took no time (the next longest chain may then be the limit)."""
    if not seconds:
        return {"tasks": [], "seconds": 0.0, "bottleneck": None}
    finish, via = _longest(seconds, preds)
    end = max(finish, key=lambda n: finish[n])
    chain = [end]
    while chain[-1] in via:
        chain.append(via[chain[-1]])
    chain.reverse()
    total = finish[end]
    out = []
    for name in chain:
        without, _ = _longest({**seconds, name: 0.0}, preds)
        out.append(
            {
                "task": name,
                "stage": stage_of(name),
                "seconds": round(seconds[name], 3),
                "potential_s": round(total - max(without.values()), 3),
            }
        )
    by_stage: dict[str, float] = {}
    for step in out:
        by_stage[step["stage"]] = by_stage.get(step["stage"], 0.0) + step["seconds"]
    bottleneck = max(by_stage, key=lambda s: by_stage[s])
    return {
        "tasks": out,
        "seconds": round(total, 3),
        "bottleneck": {"stage": bottleneck, "seconds": round(by_stage[bottleneck], 3)},
    }


def critical_line(path: dict[str, Any]) -> str:
    """The console's closing line about the critical path: its length, the bottleneck stage, the task on it that
    would save the most."""
    top = max(path["tasks"], key=lambda t: t["potential_s"])
    bottleneck = path["bottleneck"]
    return (
        f"critical path: {path['seconds']:.1f} s over {len(path['tasks'])} tasks; bottleneck: {bottleneck['stage']} "
        f"({bottleneck['seconds']:.1f} s on it); {top['task']} at no cost would save {top['potential_s']:.1f} s "
        "(build/reports/trace.json)"
    )
