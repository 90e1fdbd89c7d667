"""The table the console shows after a run: per check and schema, this run's status and the last result."""

from __future__ import annotations

from typing import Any


def summary_lines(run: dict[str, Any]) -> list[str]:
    """The results this run produced or judged again (one row each), one line with the totals, the alerts."""
    state = {t["name"]: t["status"] for t in run["tasks"]}
    shown = {"success": "ran", "failure": "failed"}
    rows = []
    for task, r in sorted(run["results"].items()):
        if state.get(task) not in shown:
            continue
        kind = task.split(":")[0]
        what = r.get("language", "") if kind == "verify" else f"{kind} {r['language']}" if kind == "consume" else kind
        this_run = "cached" if r.get("cached") and state[task] == "success" else shown[state[task]]
        rows.append(
            f"{what:<18} {r.get('schema', ''):<26} {this_run:<11} "
            f"{r['status']:<7} {r.get('tests', 0):>6} {r.get('seconds', 0.0):>8.1f}"
        )
    lines = []
    if rows:
        lines = [f"{'check':<18} {'schema':<26} {'this run':<11} {'result':<7} {'tests':>6} {'seconds':>8}", *rows]
    totals = {k: sum(1 for r in run["results"].values() if r["status"] == k) for k in ("passed", "failed", "stale")}
    if run["results"]:
        stale = f", {totals['stale']} stale (not up to date: `doit` runs them again)" if totals["stale"] else ""
        lines.append(f"results: {totals['passed']} passed, {totals['failed']} failed{stale}")
    lines += feedback_lines(run.get("feedback", []))
    llm = run.get("llm") or {}
    if llm.get("calls"):
        lines.append(
            f"model: {llm['calls']} call(s), {llm['tokens']} tokens, ${llm.get('cost_usd', 0):.4f} (doit ledger)"
        )
    for alert in run.get("alerts", []):
        lines.append(f"{alert['level'].upper()}: {alert['message']}")
    return lines


def feedback_lines(feedback: list[dict[str, Any]]) -> list[str]:
    """One line per failure the feedback loop fixed, left open (with the command that fixes it) or escalated."""
    lines = []
    for f in feedback:
        what = f"{f['task']} [{f['class']}]"
        if f["outcome"] == "fixed" and f.get("fix") == "retry":
            lines.append(f"fixed: {what} passed when run again (transient, {f['entry']})")
        elif f["outcome"] == "fixed" and f["task"].startswith("synth:"):
            lines.append(f"fixed: {what} timing met with {f.get('fix')} (run {f['round']})")
        elif f["outcome"] == "fixed":
            lines.append(f"fixed: {what} {f.get('fix')} (round {f['round']})")
        elif f["outcome"] == "open":
            lines.append(f"fix: {what} {f.get('fix') or f.get('advice', '')}")
        elif f["outcome"] == "escalated":
            lines.append(f"needs a person: {what} {f.get('advice', '')}")
    return lines
