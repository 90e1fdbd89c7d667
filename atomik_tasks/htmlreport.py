"""build/reports/index.html: the last run as pictures. Plots by matplotlib (SVG inline), the task graph by
Graphviz. Written by the reporter after a run that executed something (a no-op run leaves it as it was).
"""

from __future__ import annotations

import html
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .fsio import write_if_changed

TREND_RUNS = 30


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def task_graph(run: dict[str, Any]) -> str:
    """schemas -> views (normalize) -> generate -> verify, per language, drawn by Graphviz dot."""
    dot = shutil.which("dot")
    if not dot:
        return "<p>Graphviz is not installed (apt-get install graphviz): no task graph.</p>"
    names = [t["name"] for t in run["tasks"]]
    stems = sorted({n.split(":")[1] for n in names if n.startswith("normalize:")})
    langs = sorted({n.split(":")[1] for n in names if n.startswith("generate:") and n.count(":") == 2})
    lines = ["digraph atomik {", "rankdir=LR; node [shape=box, fontsize=10, fontname=Helvetica];"]
    for stem in stems:
        lines.append(f'"schema {stem}" [shape=note];')
        lines.append(f'"schema {stem}" -> "views {stem}";')
        for lang in langs:
            lines.append(f'"views {stem}" -> "{lang}";')
    for lang in langs:
        lines.append(f'"{lang}" -> "verify {lang}";')
    lines.append("}")
    proc = subprocess.run([dot, "-Tsvg"], input="\n".join(lines), capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        return f"<p>dot failed: {html.escape(proc.stderr[:200])}</p>"
    return proc.stdout[proc.stdout.index("<svg") :]


def timeline(run: dict[str, Any]) -> str:
    from datetime import datetime

    import matplotlib.pyplot as plt

    ran = [t for t in run["tasks"] if t["start"] and t["seconds"] is not None]
    if not ran:
        return "<p>Nothing ran in the last run.</p>"
    t0 = min(datetime.fromisoformat(t["start"]) for t in ran)
    spans = sorted(((datetime.fromisoformat(t["start"]) - t0).total_seconds(), t["seconds"], t["name"]) for t in ran)
    lanes: list[float] = []  # end time of each lane: tasks that overlap go to different lanes
    placed = []
    for start, secs, name in spans:
        lane = next((i for i, end in enumerate(lanes) if end <= start + 1e-3), None)
        if lane is None:
            lanes.append(0.0)
            lane = len(lanes) - 1
        lanes[lane] = start + secs
        placed.append((lane, start, secs, name))
    fig, ax = plt.subplots(figsize=(10, 0.6 + 0.5 * len(lanes)))
    for lane, start, secs, name in placed:
        ax.broken_barh([(start, max(secs, 0.01))], (lane - 0.4, 0.8))
        if secs > 0.05 * max(s for _, _, s, _ in placed):
            ax.text(start, lane, name, fontsize=7, va="center")
    ax.set_yticks(range(len(lanes)), [f"worker {i + 1}" for i in range(len(lanes))])
    ax.set_xlabel("seconds since the run started")
    return _svg(fig)


def resources(synth: list[dict[str, Any]]) -> str:
    import matplotlib.pyplot as plt

    if not synth:
        return "<p>No synthesis results yet.</p>"
    kinds = ("lut", "ff", "bsram")
    fig, ax = plt.subplots(figsize=(10, 0.8 + 0.9 * len(synth)))
    for i, r in enumerate(synth):
        for j, kind in enumerate(kinds):
            used, avail = r[kind]["used"], r[kind]["available"] or 1
            ax.barh(
                i + (j - 1) * 0.27,
                100 * used / avail,
                height=0.25,
                color=f"C{j}",
                label=kind.upper() if i == 0 else None,
            )
    ax.set_yticks(range(len(synth)), [r["schema"] for r in synth])
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of the device")
    ax.legend(loc="lower right")
    return _svg(fig)


def fmax(synth: list[dict[str, Any]]) -> str:
    import matplotlib.pyplot as plt

    if not synth:
        return ""
    fig, ax = plt.subplots(figsize=(10, 0.8 + 0.6 * len(synth)))
    y = range(len(synth))
    ax.barh([i + 0.2 for i in y], [r["fmax_mhz"] for r in synth], height=0.4, label="achieved")
    ax.barh([i - 0.2 for i in y], [r["target_mhz"] for r in synth], height=0.4, label="target")
    ax.set_yticks(list(y), [r["schema"] for r in synth])
    ax.set_xlabel("MHz")
    ax.legend(loc="lower right")
    return _svg(fig)


def trends(history: list[dict[str, Any]]) -> str:
    import matplotlib.pyplot as plt

    runs = history[-TREND_RUNS:]
    if len(runs) < 2:
        return "<p>Trends appear after two runs.</p>"
    fig, axes = plt.subplots(3, 1, figsize=(10, 7), sharex=True)
    x = range(len(runs))
    axes[0].plot(x, [r["seconds"] for r in runs], marker="o")
    axes[0].set_ylabel("build s")
    axes[1].plot(x, [r["tests_passed"] for r in runs], marker="o")
    axes[1].set_ylabel("tests passed")
    for schema in sorted({s for r in runs for s in r.get("fmax_mhz", {})}):
        axes[2].plot(x, [r.get("fmax_mhz", {}).get(schema) for r in runs], marker="o", label=schema)
    axes[2].set_ylabel("Fmax MHz")
    axes[2].set_xlabel("run")
    if axes[2].lines:
        axes[2].legend(fontsize=7)
    return _svg(fig)


def write(build: Path, run: dict[str, Any]) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    history = []
    metrics = build / "metrics.jsonl"
    if metrics.exists():
        history = [json.loads(line) for line in metrics.read_text("utf-8").splitlines() if line.strip()]
    results = run["results"]
    synth = [r for r in results.values() if r["task"].startswith("synth:") and isinstance(r.get("lut"), dict)]
    stems = sorted({r.get("schema", "") for r in results.values()} - {"", "_package"})
    rows = []
    for stem in stems:
        cells = []
        for kind in (
            "verify:python",
            "verify:rust",
            "verify:c",
            "verify:javascript",
            "verify:verilog",
            "sim:uart",
            "synth",
        ):
            r = results.get(f"{kind}:{stem}")
            status = r["status"] if r else "-"
            cells.append(f'<td class="{html.escape(status)}">{html.escape(status)}</td>')
        rows.append(f"<tr><th>{html.escape(stem)}</th>{''.join(cells)}</tr>")
    alerts = (
        "".join(
            f'<li class="{html.escape(a["level"])}">{html.escape(a["level"])}: {html.escape(a["message"])}</li>'
            for a in run.get("alerts", [])
        )
        or "<li>none</li>"
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>atomik-tasks: last run</title>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 1100px; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: 4px 8px; }}
.passed {{ background: #d9f2d9; }} .failed, .critical {{ background: #f7d4d4; }} .warning {{ background: #fbefc8; }}
svg {{ max-width: 100%; height: auto; }}
</style></head><body>
<h1>atomik-tasks: last run {html.escape(run["status"])}</h1>
<p>{html.escape(run["started"])}: {run["counts"]["executed"]} tasks executed, {run["counts"]["up_to_date"]} up to date,
{run["counts"]["failed"]} failed, {run["seconds"]:.1f} s.</p>
<h2>Schemas</h2>
<table id="schemas"><tr><th>schema</th><th>python</th><th>rust</th><th>c</th><th>javascript</th><th>verilog</th>
<th>UART sim</th><th>synthesis</th></tr>
{"".join(rows)}
</table>
<h2>Alerts</h2><ul id="alerts">{alerts}</ul>
<h2>Task graph</h2>{task_graph(run)}
<h2>Timeline of the last run</h2>{timeline(run)}
<h2>Resources on the device</h2>{resources(synth)}
<h2>Fmax against target</h2>{fmax(synth)}
<h2>Trends</h2>{trends(history)}
</body></html>
"""
    out = build / "reports" / "index.html"
    write_if_changed(out, page)
    return out
