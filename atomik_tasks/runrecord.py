"""What a run leaves behind for people, CI and coding agents.

- build/reports/run.json (and build/reports/runs/<time>.json): every task with status, start, duration and the
  artifacts it wrote (sha256), with the verify, simulation and synthesis results merged in; valid against
  atomik_tasks/spec/run.schema.json.
- build/reports/junit.xml: one test case per task, for CI.
- build/metrics.jsonl: one record per run, and regression alerts against the last ten successful runs.
- build/context.json: the project's state in under 1,000 tokens; the same state gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from .fsio import dump_json, write_atomic, write_if_changed

BASELINE_RUNS = 10
HISTORY_RUNS = 200  # reports/runs/ keeps this many records
TAIL_BYTES = 1 << 16  # metrics.jsonl is read from its end in chunks of this size
TIME_NOISE_S = 0.5  # build-time notes ignore smaller slow-downs: a no-op run's 2 standard deviations are milliseconds
CONTEXT_LIMIT = 4000  # characters: about 1,000 tokens at 4 characters a token


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_results(build: Path) -> dict[str, dict[str, Any]]:
    """verify-, sim-uart- and synth- reports by task name, for the schemas that exist now.

    Parsed reports are cached by (mtime, size) in reports/.results-cache.json: a run reads only the reports
    its tasks rewrote (reading every report again cost a no-op run at 30 schemas about 10 ms).
    """
    reports = build / "reports"
    stems = {e.name[:-5] for e in _scan(build.parent / "schemas") if e.name.endswith(".json")} | {"_package"}
    cache_path = reports / ".results-cache.json"
    try:
        cache = json.loads(cache_path.read_text("utf-8"))
    except (OSError, ValueError):
        cache = {}
    fresh: dict[str, list[Any]] = {}
    for entry in sorted(_scan(reports), key=lambda e: e.name):
        if not entry.name.endswith(".json") or entry.name in ("run.json", cache_path.name) or not entry.is_file():
            continue
        st = entry.stat()
        stamp = [st.st_mtime_ns, st.st_size]
        hit = cache.get(entry.name)
        if isinstance(hit, list) and len(hit) == 2 and hit[0] == stamp:
            fresh[entry.name] = hit
            continue
        try:
            data = json.loads(Path(entry.path).read_text("utf-8"))
        except (OSError, ValueError):
            continue
        fresh[entry.name] = [stamp, data if isinstance(data, dict) and "task" in data else None]
    if fresh != cache:
        write_atomic(cache_path, json.dumps(fresh, sort_keys=True, separators=(",", ":")))
    out = {}
    for _stamp, data in fresh.values():
        if data is not None and data.get("schema") in stems:
            out[data["task"]] = data
    return out


def _scan(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return list(it)
    except FileNotFoundError:
        return []


def record_run(
    build: Path, records: list[dict[str, Any]], started: datetime, seconds: float, argv: list[str]
) -> dict[str, Any]:
    tasks = []
    for r in records:
        artifacts = []
        if r["status"] == "success":
            for target in r["targets"]:
                path = Path(target)
                if path.is_file():
                    artifacts.append({"path": str(path), "sha256": _sha256(path)})
        tasks.append(
            {k: r.get(k) for k in ("name", "status", "start", "seconds")}
            | {"artifacts": artifacts}
            | ({"cause": r["cause"]} if "cause" in r else {})
        )
    failed = [t for t in tasks if t["status"] == "failure"]
    results = load_results(build)
    run = {
        "schema_version": 1,
        "started": started.isoformat(timespec="milliseconds"),
        "seconds": round(seconds, 3),
        "command": ["doit", *argv],
        "status": "failed" if failed else "passed",
        "counts": {
            "executed": sum(1 for t in tasks if t["status"] in ("success", "failure")),
            "up_to_date": sum(1 for t in tasks if t["status"] == "up-to-date"),
            "failed": len(failed),
        },
        "tasks": tasks,
        "results": results,
    }
    run["alerts"] = append_metrics(build, run)
    reports = build / "reports"
    # compact: json's C encoder is used only without indent, and this file is rewritten on every run
    text = json.dumps(run, sort_keys=True, separators=(",", ":")) + "\n"
    write_atomic(reports / "run.json", text)  # always new: it holds the start time
    _keep_copy(reports / "run.json", reports / "runs" / f"{started.strftime('%Y%m%dT%H%M%S%fZ')}.json")
    _prune(reports / "runs", HISTORY_RUNS)
    write_atomic(reports / "junit.xml", junit(run))
    write_if_changed(build / "context.json", dump_json(context(build, run)))
    return run


def _keep_copy(path: Path, copy: Path) -> None:
    """A hard link is a free copy: the next run renames a new file over `path` and leaves the link alone."""
    copy.parent.mkdir(exist_ok=True)
    try:
        os.link(path, copy)
    except FileExistsError:
        pass  # two runs in the same microsecond: the first one's record stays
    except OSError:
        write_if_changed(copy, path.read_bytes())  # a file system without hard links


def _prune(folder: Path, keep: int) -> None:
    """Drop the oldest run records beyond `keep` (names sort by time)."""
    names = sorted(e.name for e in _scan(folder) if e.name.endswith(".json"))
    for name in names[:-keep]:
        (folder / name).unlink(missing_ok=True)


# XML 1.0 allows no control characters but tab, newline and carriage return (kept as character references),
# no surrogates and neither U+FFFE nor U+FFFF: those are dropped.
_XML_DROPPED = [*(c for c in range(32) if c not in (9, 10, 13)), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF]
_XML_ATTR: dict[int, str | None] = dict.fromkeys(_XML_DROPPED) | {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord('"'): "&quot;",
    9: "&#9;",
    10: "&#10;",
    13: "&#13;",
}


def _attr(value: str) -> str:
    """A double-quoted XML attribute value; a task's failure cause is tool output and may hold anything."""
    return '"' + value.translate(_XML_ATTR) + '"'


def junit(run: dict[str, Any]) -> str:
    """JUnit XML: one test case per task. Written by hand from attribute values only (ElementTree's import
    was a third of what the record costs a no-op run); tests parse it back with ElementTree."""
    out = [
        f'<testsuite name="atomik-tasks" tests="{len(run["tasks"])}" failures="{run["counts"]["failed"]}" '
        f'time="{run["seconds"]:.3f}">'
    ]
    for task in run["tasks"]:
        classname, _, name = task["name"].partition(":")
        seconds = task["seconds"] or 0
        head = f'<testcase classname={_attr(classname)} name={_attr(name or classname)} time="{seconds:.3f}"'
        if task["status"] == "failure":
            out.append(f"{head}><failure message={_attr(task.get('cause', 'failed'))} /></testcase>")
        elif task["status"] == "up-to-date":
            out.append(f"{head}><system-out>up to date</system-out></testcase>")
        else:
            out.append(f"{head} />")
    out.append("</testsuite>")
    return "".join(out) + "\n"


# ---- metrics and regressions --------------------------------------------------------------------------------
def metrics_of(run: dict[str, Any]) -> dict[str, Any]:
    results = run["results"].values()
    return {
        "started": run["started"],
        "status": run["status"],
        "seconds": run["seconds"],
        "executed": run["counts"]["executed"],
        "tests_passed": sum(r.get("passed", 0) for r in results if not r["task"].startswith("synth:")),
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
    tests = _mean([h["tests_passed"] for h in base])
    if current["tests_passed"] < tests:
        alerts.append(
            {"level": "critical", "message": f"tests passing fell to {current['tests_passed']} (baseline {tests:.0f})"}
        )
    for key, level, worse, limit, label in (
        ("fmax_mhz", "warning", lambda now, was: now < was * 0.95, "5 %", "Fmax"),
        ("lut", "warning", lambda now, was: now > was * 1.10, "10 %", "LUT use"),
    ):
        for schema, now in current[key].items():
            past = [h[key][schema] for h in base if schema in h.get(key, {})]
            if past and worse(now, _mean(past)):
                alerts.append(
                    {
                        "level": level,
                        "message": f"{label} of {schema} moved more than {limit}: "
                        f"{now:g} against a baseline of {_mean(past):.1f}",
                    }
                )
    times = [h["seconds"] for h in base if h["executed"] == current["executed"]]
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


def append_metrics(build: Path, run: dict[str, Any]) -> list[dict[str, str]]:
    path = build / "metrics.jsonl"
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


# ---- the state, briefly -------------------------------------------------------------------------------------
def context(build: Path, run: dict[str, Any]) -> dict[str, Any]:
    """The state of the project for a coding agent: small, and the same for the same state."""
    root = build.parent
    schemas = {}
    stale = []
    for path in sorted((root / "schemas").glob("*.json")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        schemas[path.stem] = digest
        result = build / "model" / f"{path.stem}.result.json"
        built = json.loads(result.read_text("utf-8")).get("source_sha256", "")[:16] if result.exists() else ""
        if built != digest:
            stale.append(path.stem)
    by_kind: dict[str, dict[str, list[int]]] = {}
    failing = []
    for task, r in sorted(run["results"].items()):
        kind = task.rsplit(":", 1)[0]
        counts = by_kind.setdefault(kind, {"passed": [0], "failed": [0]})
        counts["passed" if r["status"] == "passed" else "failed"][0] += 1
        if r["status"] != "passed":
            failing.append({"task": task, "cause": (r.get("error") or "failed")[:160]})
    for t in run["tasks"]:
        if t["status"] == "failure" and t["name"] not in run["results"]:
            failing.append({"task": t["name"], "cause": t.get("cause", "failed")[:160]})
    state = {
        "schemas": schemas,
        "checks": {k: f"{v['passed'][0]} passed, {v['failed'][0]} failed" for k, v in by_kind.items()},
        "failing": failing[:10],
        "stale": stale,
        "last_run": run["status"],
    }
    if len(dump_json(state)) > CONTEXT_LIMIT:
        state["checks"] = {
            "total": f"{sum(v['passed'][0] for v in by_kind.values())} passed, "
            f"{sum(v['failed'][0] for v in by_kind.values())} failed"
        }
        state["failing"] = failing[:3]
    return state


def fail_on_critical(root: Path) -> bool:
    """[reports] fail_on_critical in atomik.toml, or ATOMIK_FAIL_ON_CRITICAL=1."""
    import os
    import tomllib

    if os.environ.get("ATOMIK_FAIL_ON_CRITICAL") == "1":
        return True
    path = root / "atomik.toml"
    if not path.exists():
        return False
    with path.open("rb") as fh:
        return bool(tomllib.load(fh).get("reports", {}).get("fail_on_critical", False))


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
