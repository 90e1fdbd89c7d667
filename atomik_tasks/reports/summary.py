"""The table the console shows after a run: per check and schema, this run's status and the last result."""

from __future__ import annotations

from typing import Any


def summary_lines(run: dict[str, Any]) -> list[str]:
    """Per language and per schema: this run (ran, up to date, failed), tests, last result, seconds; alerts."""
    state = {t["name"]: t["status"] for t in run["tasks"]}
    shown = {"success": "ran", "failure": "failed", "up-to-date": "up to date"}
    lines = [f"{'check':<12} {'schema':<26} {'this run':<11} {'result':<7} {'tests':>6} {'seconds':>8}"]
    for task, r in sorted(run["results"].items()):
        kind = task.split(":")[0]
        what = r.get("language", "") if kind == "verify" else kind
        tests = r.get("tests", 0) if kind != "synth" else 0
        lines.append(
            f"{what:<12} {r.get('schema', ''):<26} {shown.get(state.get(task, ''), '-'):<11} "
            f"{r['status']:<7} {tests:>6} {r.get('seconds', 0.0):>8.1f}"
        )
    if len(lines) == 1:
        lines = []
    for alert in run.get("alerts", []):
        lines.append(f"{alert['level'].upper()}: {alert['message']}")
    return lines
