"""`doit optimize`: the pipeline studies its own history and recommends settings, each with its evidence.

What it reads: the run records (build/reports/runs/: tasks, their times and lanes, the critical path, the synth
reports with their place-and-route attempts, the feedback loop's attempts), the token ledger and the result
cache's own log. Each rule is one function that returns a Finding: a change of atomik.toml with the numbers and
runs it comes from, its expected gain and a confidence, or why there is not enough evidence to say.
`--apply` writes the changes (the file before is kept under build/feedback/originals/).
"""

from __future__ import annotations

import difflib
import json
import os
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..config import Config, set_value
from ..fsio import write_atomic
from ..layout import Layout

MIN_RUNS = 2  # runs per job count before a job count is judged
MIN_SAMPLES = 3  # misses, repairs, calls or lookups before a rule speaks


@dataclass
class Finding:
    rule: str
    title: str
    evidence: list[str] = field(default_factory=list)
    change: tuple[str, str, Any] | None = None  # (section, key, new value)
    gain: str = ""
    confidence: str = ""  # high, medium, low; "" when the rule does not have enough evidence

    @property
    def enough(self) -> bool:
        return bool(self.confidence)


@dataclass
class History:
    runs: list[dict[str, Any]]  # oldest first
    ledger: list[dict[str, Any]]
    cache_events: list[str]


def load_history(layout: Layout, cache_root: str | None = None) -> History:
    runs = []
    for path in sorted(Path(layout.runs).glob("*.json")):
        try:
            runs.append(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError):
            continue
    ledger = []
    try:
        for line in Path(layout.ledger).read_text("utf-8").splitlines():
            try:
                ledger.append(json.loads(line))
            except ValueError:
                continue
    except OSError:
        pass
    events: list[str] = []
    if cache_root:
        try:
            events = Path(cache_root, "events.log").read_text("utf-8").split("\n")[-5000:]
        except OSError:
            pass
    return History(runs, ledger, [e.split(" ", 1)[1] for e in events if " " in e])


def _ran(run: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in run.get("tasks", []) if t.get("start") and t["status"] in ("success", "failure")]


# ---- the rules -------------------------------------------------------------------------------------------------
def jobs(h: History, c: Config) -> Finding:
    """Parallel efficiency per job count, measured: busy time / (wall time x jobs). The job count whose runs
    reach the most parallel work per wall second wins; one within 5 % of a larger one is preferred (it leaves
    the machine free for the rest)."""
    f = Finding("jobs", "tasks run at once ([build] jobs)")
    by: dict[int, list[tuple[float, float, str]]] = {}
    for run in h.runs:
        ran = _ran(run)
        if len(ran) < 10 or not run.get("jobs") or run["seconds"] <= 0:
            continue
        busy = sum(float(t["seconds"]) for t in ran)
        by.setdefault(int(run["jobs"]), []).append((busy, float(run["seconds"]), run["started"]))
    judged = {j: rs for j, rs in by.items() if len(rs) >= MIN_RUNS}
    for j, rs in sorted(by.items()):
        speed = statistics.median(b / w for b, w, _ in rs)
        eff = speed / j
        f.evidence.append(f"-n {j}: {len(rs)} run(s), {speed:.2f} tasks' seconds per wall second, efficiency {eff:.0%}")
    if len(judged) < 2:
        f.evidence.append(f"not enough evidence: runs at {MIN_RUNS} or more job counts, {MIN_RUNS} runs each, needed")
        return f
    speed = {j: statistics.median(b / w for b, w, _ in rs) for j, rs in judged.items()}
    best = max(speed, key=lambda j: speed[j])
    best = min((j for j in speed if speed[j] >= 0.95 * speed[best]), default=best)  # diminishing returns
    now = int(c.build.jobs) or len(os.sched_getaffinity(0))  # 0: one per core
    busy = statistics.median(b for rs in judged.values() for b, _, _ in rs)
    if best == now:
        f.evidence.append(f"the current {now} job(s) is the best measured")
        f.confidence = "high" if min(len(rs) for rs in judged.values()) >= 3 else "medium"
        return f
    f.change = ("build", "jobs", best)
    saved = busy / speed.get(now, speed[best]) - busy / speed[best]
    f.gain = f"about {saved:.1f} s of wall time on a run of {busy:.0f} task-seconds"
    f.confidence = "high" if min(len(rs) for rs in judged.values()) >= 3 else "medium"
    return f


def timing_attempts(h: History, c: Config) -> Finding:
    """How often the extra place-and-route runs mended a missed clock, and what they cost."""
    f = Finding("timing_attempts", "place-and-route runs when timing is missed ([feedback] timing_attempts)")
    misses = mended = 0
    extra_s = 0.0
    for run in h.runs:
        executed = {t["name"] for t in _ran(run) if not t.get("cached")}
        for name, r in run.get("results", {}).items():
            attempts = r.get("attempts") or []
            if not name.startswith("synth:") or name not in executed or not attempts or attempts[0].get("met"):
                continue
            misses += 1
            mended += any(a.get("met") for a in attempts[1:])
            extra_s += sum(float(a.get("seconds", 0)) for a in attempts[1:])
    f.evidence.append(
        f"{misses} missed clock(s) on the first run, {mended} mended by another seed, {extra_s:.0f} s spent"
    )
    if misses < MIN_SAMPLES:
        f.evidence.append(f"not enough evidence: {MIN_SAMPLES} missed clocks needed")
        return f
    now = int(c.feedback.timing_attempts)
    if mended == 0 and now > 1:
        f.change = ("feedback", "timing_attempts", 1)
        f.gain = f"{extra_s / misses:.0f} s per missed clock, for nothing mended so far"
    elif mended / misses >= 0.5 and now < 5:
        f.change = ("feedback", "timing_attempts", now + 1)
        f.gain = f"{mended} of {misses} misses mended by seeds: one more run closes more of them"
    f.confidence = "high" if misses >= 10 else "medium"
    return f


def critical_stages(h: History, c: Config) -> Finding:
    """Which stage the critical path spends most in; UART records are cut where the UART simulation leads."""
    f = Finding("critical_path", "the stage that limits a run (UART records per scenario, [hardware] uart_records)")
    paths = [r["critical_path"] for r in h.runs if r.get("critical_path", {}).get("bottleneck")]
    if len(paths) < MIN_SAMPLES:
        f.evidence.append(f"not enough evidence: {len(paths)} run(s) with a critical path, {MIN_SAMPLES} needed")
        return f
    count: dict[str, int] = {}
    share: dict[str, list[float]] = {}
    for p in paths:
        stage = p["bottleneck"]["stage"]
        count[stage] = count.get(stage, 0) + 1
        share.setdefault(stage, []).append(p["bottleneck"]["seconds"] / max(p["seconds"], 1e-9))
    top = max(count, key=lambda s: count[s])
    f.evidence.append(
        f"bottleneck in {len(paths)} runs: "
        + ", ".join(f"{s} {n}x ({statistics.mean(share[s]):.0%} of the path)" for s, n in sorted(count.items()))
    )
    records = int(c.hardware.uart_records)
    if top == "sim:uart" and count[top] * 2 >= len(paths) and (records == 0 or records > 10):
        new = 20 if records == 0 else max(10, records // 2)
        f.change = ("hardware", "uart_records", new)
        f.gain = f"the UART simulation is {statistics.mean(share[top]):.0%} of the critical path: fewer records sent"
    f.confidence = "high" if len(paths) >= 10 else "medium"
    return f


def feedback_rounds(h: History, c: Config) -> Finding:
    """Success by round of the schema repairs: rounds past the last one that ever fixed something cost time."""
    f = Finding("max_rounds", "repair rounds before escalating ([feedback] max_rounds)")
    fixed_by_round: dict[int, int] = {}
    tried = 0
    for run in h.runs:
        for a in run.get("feedback", []):
            if a.get("task", "").startswith("fix:") and a.get("round"):
                tried += 1
                if a.get("outcome") == "fixed":
                    fixed_by_round[int(a["round"])] = fixed_by_round.get(int(a["round"]), 0) + 1
    f.evidence.append(f"{tried} repair attempt(s); fixed by round: {dict(sorted(fixed_by_round.items())) or 'none'}")
    if sum(fixed_by_round.values()) < MIN_SAMPLES:
        f.evidence.append(f"not enough evidence: {MIN_SAMPLES} successful repairs needed")
        return f
    last = max(fixed_by_round)
    now = int(c.feedback.max_rounds)
    if last < now:
        f.change = ("feedback", "max_rounds", last)
        f.gain = f"no repair ever succeeded past round {last}: the extra rounds only delay an escalation"
    elif fixed_by_round.get(now, 0) and now < 6:
        f.change = ("feedback", "max_rounds", now + 1)
        f.gain = f"{fixed_by_round[now]} repair(s) succeeded in the last allowed round: one more may mend more"
    f.confidence = "high" if sum(fixed_by_round.values()) >= 10 else "medium"
    return f


LEVELS = ("small", "mid", "strong")


def model_routing(h: History, c: Config) -> Finding:
    """Success and cost per model tier from the ledger, and the budget's use."""
    f = Finding("llm", "model tiers and the run budget ([llm])")
    calls = [e for e in h.ledger if e.get("level") in LEVELS]
    if len(calls) < MIN_SAMPLES:
        f.evidence.append(f"not enough evidence: {len(calls)} model call(s) in the ledger, {MIN_SAMPLES} needed")
        return f
    for level in LEVELS:
        mine = [e for e in calls if e["level"] == level]
        if mine:
            ok = sum(1 for e in mine if e.get("outcome") == "verified")
            cost = sum(float(e.get("cost_usd", 0)) for e in mine) / len(mine)
            f.evidence.append(f"{level}: {len(mine)} call(s), {ok / len(mine):.0%} verified, ${cost:.4f} a call")
    per_run: dict[str, int] = {}
    for e in calls:
        usage = e.get("usage") or {}
        per_run[e.get("run", "")] = per_run.get(e.get("run", ""), 0) + sum(int(v) for v in usage.values())
    budget = int(c.llm.run_budget_tokens)
    peak = max(per_run.values(), default=0)
    refused = sum(1 for e in h.ledger if str(e.get("outcome", "")).startswith("refused"))
    f.evidence.append(f"the most one run spent: {peak} tokens of {budget}; {refused} call(s) refused by the budget")
    small = [e for e in calls if e["level"] == "small"]
    stronger = [e for e in calls if e["level"] != "small"]
    if len(small) >= MIN_SAMPLES and stronger:
        rate = sum(1 for e in small if e.get("outcome") == "verified") / len(small)
        if rate >= 0.8:
            f.evidence.append(f"the small tier verifies {rate:.0%} of its cases: routing more to it would cost less")
    if refused:
        f.change = ("llm", "run_budget_tokens", budget * 2)
        f.gain = f"{refused} diagnosis(es) refused for the budget"
    elif len(per_run) >= MIN_SAMPLES and peak * 4 < budget:
        f.change = ("llm", "run_budget_tokens", max(10000, peak * 2))
        f.gain = f"a tighter cap (twice the most any run spent) bounds a runaway run's cost; no run came near {budget}"
    f.confidence = "medium" if len(calls) < 10 else "high"
    return f


def cache(h: History, c: Config) -> Finding:
    """The cache's hit rate and evictions against its cap; and whether the cluster pays for itself."""
    f = Finding("cache", "result cache size ([cache] max_mb) and the cluster ([cluster] scheduler)")
    lookups = [e for e in h.cache_events if e in ("hit", "miss")]
    evictions = [e for e in h.cache_events if e.startswith("evict")]
    remote, local = [], []
    for run in h.runs:
        for t in _ran(run):
            if t["name"].startswith("synth:") and not t.get("cached"):
                (remote if str(t.get("lane", "")).startswith("worker") else local).append(float(t["seconds"]))
    if remote:
        f.evidence.append(f"synthesis on the cluster: {len(remote)} run(s), median {statistics.median(remote):.1f} s")
    if local:
        f.evidence.append(f"synthesis here: {len(local)} run(s), median {statistics.median(local):.1f} s")
    if len(lookups) < MIN_SAMPLES * 5:
        f.evidence.append(f"not enough evidence: {len(lookups)} cache lookup(s), {MIN_SAMPLES * 5} needed")
    else:
        rate = lookups.count("hit") / len(lookups)
        f.evidence.append(f"hit rate {rate:.0%} over {len(lookups)} lookups; {len(evictions)} eviction(s)")
        cap = float(c.cache.max_mb)
        if evictions and rate < 0.5 and cap:
            f.change = ("cache", "max_mb", cap * 2)
            f.gain = "entries are evicted before they are used again: a larger cap keeps them"
        f.confidence = "medium"
    if len(remote) >= MIN_SAMPLES and len(local) >= MIN_SAMPLES and f.change is None:
        if statistics.median(remote) > 1.2 * statistics.median(local) and c.cluster.scheduler:
            f.change = ("cluster", "scheduler", "")
            f.gain = "upload and queueing cost more than the cluster saves: synthesis runs faster here"
            f.confidence = "medium"
    return f


RULES: tuple[Callable[[History, Config], Finding], ...] = (
    jobs,
    timing_attempts,
    critical_stages,
    feedback_rounds,
    model_routing,
    cache,
)


def findings(h: History, c: Config) -> list[Finding]:
    return [rule(h, c) for rule in RULES]


def report(found: list[Finding], h: History, config_text: str, config_name: str) -> str:
    """The report: one section per rule, its evidence, the change as a diff of atomik.toml."""
    lines = [
        "# What the pipeline learned from its own runs",
        "",
        f"{len(h.runs)} run record(s) read, {len(h.ledger)} model call(s) in the ledger.",
        "",
    ]
    for f in found:
        state = "recommendation" if f.change else ("no change" if f.enough else "not enough evidence")
        lines += [f"## {f.title}: {state}", ""]
        lines += [f"- {e}" for e in f.evidence]
        if f.change:
            section, key, value = f.change
            after = set_value(config_text, section, key, value)
            diff = difflib.unified_diff(
                config_text.splitlines(keepends=True), after.splitlines(keepends=True), config_name, config_name
            )
            lines += [
                "",
                f"Expected gain: {f.gain}. Confidence: {f.confidence}.",
                "",
                "```diff",
                *[d.rstrip("\n") for d in diff],
                "```",
            ]
        lines.append("")
    return "\n".join(lines)


def apply(layout: Layout, found: list[Finding]) -> list[str]:
    """Write every recommended change into atomik.toml (the file before is kept); what changed, in words."""
    path = Path(layout.config)
    before = path.read_text("utf-8") if path.exists() else ""
    text = before
    said = []
    for f in found:
        if f.change:
            section, key, value = f.change
            text = set_value(text, section, key, value)
            said.append(f"[{section}] {key} = {value!r}: {f.gain}")
    if text != before:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        keep = Path(layout.feedback, "originals", f"atomik.{stamp}.toml")
        write_atomic(keep, before.encode("utf-8"))
        write_atomic(path, text.encode("utf-8"))
        said.append(f"wrote {layout.display(path)} (the file before is kept in {layout.display(keep)})")
    return said


def optimize(layout: Layout, config: Config, write: bool = False, quiet: bool = False) -> list[Finding]:
    """Study the history; write build/reports/optimize.md; print it (unless quiet); with write, apply it."""
    from ..cache.cached import open_store

    store = open_store(config.cache)
    root = store.root if store is not None and store.local else None
    h = load_history(layout, root)
    found = findings(h, config)
    path = Path(layout.config)
    text = report(found, h, path.read_text("utf-8") if path.exists() else "", layout.display(path))
    write_atomic(Path(layout.optimize_report), text.encode("utf-8"))
    if not quiet:
        print(text)
    if write:
        for line in apply(layout, found) or ["nothing to change"]:
            print(line)
    return found


def digest(found: list[Finding]) -> str:
    """What the recommendations are (not their numbers): a new one is said in the console once."""
    return ";".join(f"{f.rule}={f.change}" for f in found if f.change)
