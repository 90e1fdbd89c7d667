"""build/metrics.jsonl: one record per run, and regression alerts against the last successful runs."""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any

from ..layout import PACKAGE_CHECK, Layout

BASELINE_RUNS = 10
TAIL_BYTES = 1 << 16  # metrics.jsonl is read from its end in chunks of this size
TIME_NOISE_S = 0.5  # build-time notes ignore smaller slow-downs: a no-op run's 2 standard deviations are milliseconds


def metrics_of(run: dict[str, Any]) -> dict[str, Any]:
    # like with like: a schema with a stale result (its checks must run again) is left out of this run's
    # count rather than counted short, and so are the package checks (whose counts follow the number of
    # schemas); synthesis "tests" are runs of the flow, not tests
    results = run["results"].values()
    partial = {r["schema"] for r in results if r["status"] == "stale"} | {PACKAGE_CHECK}
    by_schema: dict[str, int] = {}
    for r in results:
        if not r["task"].startswith("synth:") and r["schema"] not in partial:
            by_schema[r["schema"]] = by_schema.get(r["schema"], 0) + r.get("passed", 0)
    ran = sorted(t["name"] for t in run["tasks"] if t["status"] in ("success", "failure") and t.get("start"))
    return {
        "started": run["started"],
        "status": run["status"],
        "seconds": run["seconds"],
        "executed": run["counts"]["executed"],
        # which tasks ran: build times are compared only between runs that ran the same ones
        "ran": hashlib.sha256("\n".join(ran).encode()).hexdigest()[:16],
        "tests_passed": sum(r.get("passed", 0) for r in results if not r["task"].startswith("synth:")),
        "tests_by_schema": by_schema,
        "fmax_mhz": {r["schema"]: r["fmax_mhz"] for r in results if r.get("fmax_mhz")},
        "lut": {r["schema"]: r["lut"]["used"] for r in results if isinstance(r.get("lut"), dict)},
    }


def _mean(values: list[float]) -> float:
    return math.fsum(values) / len(values)


def _stdev(values: list[float]) -> float:
    """Sample standard deviation (statistics.stdev; that module's import alone cost 7 ms a run)."""
    m = _mean(values)
    return math.sqrt(math.fsum((v - m) ** 2 for v in values) / (len(values) - 1))


def regressions(current: dict[str, Any], history: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Compare a run with the mean of the last successful runs (the first run is its own baseline)."""
    base = [h for h in history if h["status"] == "passed"][-BASELINE_RUNS:]
    if not base:
        return []
    alerts = []
    fell = []  # like with like: each schema against its own baseline, so a removed schema is no regression
    for schema, now in sorted(current.get("tests_by_schema", {}).items()):
        past = [h["tests_by_schema"][schema] for h in base if schema in h.get("tests_by_schema", {})]
        if past and now < _mean(past):
            fell.append(f"{schema} {now} (baseline {_mean(past):.0f})")
    if fell:
        alerts.append({"level": "critical", "message": f"tests passing fell: {', '.join(fell)}"})
    for key, level, worse, limit, label in (
        ("fmax_mhz", "warning", lambda now, was: now < was * 0.95, "5 %", "Fmax"),
        ("lut", "warning", lambda now, was: now > was * 1.10, "10 %", "LUT use"),
    ):
        for schema, now in current[key].items():
            past = [h[key][schema] for h in base if schema in h.get(key, {})]
            last = next((h[key][schema] for h in reversed(history) if schema in h.get(key, {})), None)
            if last == now:
                continue  # said once, when it changed: the same figure again is no news
            if past and worse(now, _mean(past)):
                alerts.append(
                    {
                        "level": level,
                        "message": f"{label} of {schema} moved more than {limit}: "
                        f"{now:g} against a baseline of {_mean(past):.1f}",
                    }
                )
    # like with like: the same tasks ran (a diagnosis is not a slow no-op, a one-language run not a slow full one)
    times = [h["seconds"] for h in base if h.get("ran", h["executed"]) == current.get("ran", current["executed"])]
    if len(times) >= 3 and current["seconds"] > _mean(times) + max(2 * _stdev(times), TIME_NOISE_S):
        alerts.append(
            {
                "level": "note",
                "message": f"build took {current['seconds']:.1f} s, more than 2 standard "
                f"deviations above {_mean(times):.1f} s",
            }
        )
    return alerts


def _tail_lines(path: Path, count: int) -> list[str]:
    """The last `count` lines, reading from the end: the file grows by one line a run."""
    with path.open("rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        chunk = TAIL_BYTES
        while True:
            fh.seek(max(0, size - chunk))
            lines = fh.read().splitlines()
            if chunk >= size:
                break
            if len(lines) > count:
                lines = lines[1:]  # the first line is cut
                break
            chunk *= 4
    return [line.decode("utf-8", "replace") for line in lines[-count:] if line.strip()]


def append_metrics(layout: Layout, run: dict[str, Any]) -> list[dict[str, str]]:
    path = Path(layout.metrics)
    history: list[dict[str, Any]] = []
    if path.exists():  # the baseline needs the last successful runs only
        for line in _tail_lines(path, 5 * BASELINE_RUNS):
            try:
                history.append(json.loads(line))
            except ValueError:
                continue  # a line cut by a crash loses one record, not the history
    current = metrics_of(run)
    alerts = regressions(current, history)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({**current, "alerts": alerts}, sort_keys=True) + "\n")
    return alerts
