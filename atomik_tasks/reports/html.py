"""build/reports/index.html: the last run as pictures. Plots by matplotlib (SVG inline), the task graph by
Graphviz, the page from templates/index.html.j2. Written by the reporter after a run that brought new results.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import subprocess
from pathlib import Path
from typing import Any

from ..fsio import write_atomic, write_if_changed
from ..layout import PACKAGE_CHECK, Layout
from ..tools import Tool, find

TREND_RUNS = 30
TEMPLATES = Path(__file__).resolve().parent / "templates"
DOT = Tool("dot", "graphviz", "draw the task graph of the HTML report")
CHROMIUM = Tool("chromium", "chromium", "check the HTML report in a browser (tests)")


def _subplots(*grid: int, figsize: tuple[float, float], **kw: Any) -> tuple[Any, Any]:
    """pyplot.subplots on a figure of its own: no global state to close, and pyplot's import (half a second,
    on every run that draws) is not needed to write an SVG."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    return fig, fig.subplots(*grid, **kw)


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg") :]


def task_graph(run: dict[str, Any]) -> str:
    """schemas -> views (normalize) -> generate -> verify per language, and vectors -> board -> UART simulation
    and synthesis per schema, drawn by Graphviz dot."""
    dot = find(DOT.command)
    if not dot:
        return "<p>Graphviz is not installed (apt-get install graphviz): no task graph.</p>"
    names = {t["name"] for t in run["tasks"]} | set(run["results"])
    stems = sorted({n.split(":")[1] for n in names if n.startswith("normalize:")})
    langs = sorted({n.split(":")[1] for n in names if n.startswith(("generate:", "verify:")) and n.count(":") == 2})
    lines = ["digraph atomik {", "rankdir=LR; node [shape=box, fontsize=10, fontname=Helvetica];"]
    for stem in stems:
        lines.append(f'"schema {stem}" [shape=note];')
        lines.append(f'"schema {stem}" -> "views {stem}";')
        lines += [f'"views {stem}" -> "{lang}";' for lang in langs]
        hardware = [k for k in ("board", "sim:uart", "synth") if f"{k}:{stem}" in names]
        if hardware:
            lines.append(f'"views {stem}" -> "board {stem}";')
            lines += [f'"board {stem}" -> "{k} {stem}";' for k in hardware if k != "board"]
    for lang in langs:
        lines.append(f'"{lang}" -> "verify {lang}";')
    lines.append("}")
    proc = subprocess.run([dot, "-Tsvg"], input="\n".join(lines), capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        return f"<p>dot failed: {html.escape(proc.stderr[:200])}</p>"
    return proc.stdout[proc.stdout.index("<svg") :]


def timeline_labels(placed: list[tuple[int, float, float, str]]) -> list[tuple[int, float, str]]:
    """(lane, x, text) of the bar labels: only bars long enough to read, shortened to about their length,
    and never over the label before them in the same lane."""
    span = max((start + secs for _, start, secs, _ in placed), default=0.0) or 1.0
    char = span / 150  # about one 7-point character of the 10-inch axis, in seconds
    free: dict[int, float] = {}  # where each lane's next label may start
    out = []
    for lane, start, secs, name in placed:
        if secs <= 0.05 * span or start < free.get(lane, 0.0):
            continue
        fits = max(3, int(secs * 1.5 / char))
        label = name if len(name) <= fits else name[:fits] + "…"
        out.append((lane, start, label))
        free[lane] = start + len(label) * char
    return out


def timeline(run: dict[str, Any]) -> str:
    from datetime import datetime

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
    critical = {t["task"] for t in (run.get("critical_path") or {}).get("tasks", [])}
    fig, ax = _subplots(figsize=(10, 0.6 + 0.5 * len(lanes)))
    for lane, start, secs, name in placed:
        color = "#d62728" if name in critical else "#1f77b4"  # the critical path in red
        ax.broken_barh([(start, max(secs, 0.01))], (lane - 0.4, 0.8), color=color)
    for lane, x, label in timeline_labels(placed):
        ax.text(x, lane, label, fontsize=7, va="center")
    ax.set_yticks(range(len(lanes)), [f"worker {i + 1}" for i in range(len(lanes))])
    ax.set_xlabel("seconds since the run started")
    return _svg(fig)


def resources(synth: list[dict[str, Any]]) -> str:
    if not synth:
        return "<p>No synthesis results yet.</p>"
    kinds = ("lut", "ff", "bsram")
    fig, ax = _subplots(figsize=(10, 0.8 + 0.9 * len(synth)))
    for i, r in enumerate(synth):
        for j, kind in enumerate(kinds):
            cell = r.get(kind) or {}  # a family's report may not count every kind (iCE40: no separate FFs)
            used, avail = cell.get("used", 0), cell.get("available") or 1
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
    if not synth:
        return ""
    fig, ax = _subplots(figsize=(10, 0.8 + 0.6 * len(synth)))
    y = range(len(synth))
    ax.barh([i + 0.2 for i in y], [r["fmax_mhz"] for r in synth], height=0.4, label="achieved")
    ax.barh([i - 0.2 for i in y], [r["target_mhz"] for r in synth], height=0.4, label="target")
    ax.set_yticks(list(y), [r["schema"] for r in synth])
    ax.set_xlabel("MHz")
    ax.legend(loc="lower right")
    return _svg(fig)


def trends(history: list[dict[str, Any]]) -> str:
    runs = [r for r in history if r.get("executed")][-TREND_RUNS:]  # no-op runs would flatten the picture
    if len(runs) < 2:
        return "<p>Trends appear after two runs that built something.</p>"
    fig, axes = _subplots(3, 1, figsize=(10, 7), sharex=True)
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


def columns(results: dict[str, Any]) -> list[tuple[str, str]]:
    """(task kind, column title): one per language that has results, then the hardware checks."""
    langs = sorted({r["language"] for r in results.values() if r["task"].startswith("verify:") and "language" in r})
    return [(f"verify:{lang}", lang) for lang in langs] + [("sim:uart", "UART sim"), ("synth", "synthesis")]


def _cell(result: dict[str, Any]) -> tuple[str, str]:
    """(CSS class, text) of one result: its status, and whether the cache gave it."""
    status = result.get("status", "-")
    return status, f"{status} (cached)" if result.get("cached") else status


def _state(run: dict[str, Any]) -> str:
    """What the page shows that a no-op run does not change: status, results (stale marks too), alerts."""
    shown = {"status": run["status"], "results": run["results"], "alerts": run.get("alerts", []), "llm": run.get("llm")}
    return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()


def update(layout: Layout, run: dict[str, Any]) -> Path | None:
    """Write the page when what it shows changed (status, results, stale marks, alerts) or its own code did
    (fingerprint:reports ran); None when it was left as it was. Pictures cost a second: a no-op leaves it."""
    out = Path(layout.reports) / "index.html"
    stamp = Path(layout.reports) / ".html-state"
    state = _state(run)
    code = any(t["name"] == "fingerprint:reports" and t["status"] == "success" for t in run["tasks"])
    if not out.exists() and not run["results"]:
        return None  # no check has run yet: nothing to draw (a `doit generate` project pays no second for it)
    try:
        same = out.exists() and stamp.read_text("utf-8") == state
    except OSError:
        same = False
    if same and not code:
        return None
    write(layout, run)
    write_atomic(stamp, state)
    return out


def write(layout: Layout, run: dict[str, Any]) -> Path:
    import jinja2

    history = []
    metrics = Path(layout.metrics)
    if metrics.exists():
        history = [json.loads(line) for line in metrics.read_text("utf-8").splitlines() if line.strip()]
    results = run["results"]
    synth = [r for r in results.values() if r["task"].startswith("synth:") and isinstance(r.get("lut"), dict)]
    stems = sorted({r.get("schema", "") for r in results.values()} - {"", PACKAGE_CHECK})
    cols = columns(results)
    rows = [(stem, [_cell(results.get(f"{kind}:{stem}", {})) for kind, _ in cols]) for stem in stems]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True)
    page = env.get_template("index.html.j2").render(
        run=run,
        columns=cols,
        rows=rows,
        graph=task_graph(run),
        timeline=timeline(run),
        resources=resources(synth),
        fmax=fmax(synth),
        trends=trends(history),
    )
    out = Path(layout.reports) / "index.html"
    write_if_changed(out, page)
    return out
