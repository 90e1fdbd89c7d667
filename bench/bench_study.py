"""What the pipeline learns about its own runs, on the shipped schemas (issue 22's numbers):

- the critical path of a cold build, with and without synthesis, and its bottleneck;
- the cold build's time without a history of durations (fixed group order) and with one (long tasks first);
- the cost of studying a run (trace + critical path) against a no-op run.

Usage: python bench/bench_study.py [--synth] [--repeat N]. The result cache is off; each build is cold (build/
removed, but for the durations file in the "with history" builds).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from atomik_tasks.reports.trace import critical_path, trace  # noqa: E402


def project(where: Path, synth: bool) -> Path:
    where.mkdir(parents=True)
    shutil.copy(ROOT / "dodo.py", where)
    shutil.copytree(ROOT / "schemas", where / "schemas")
    how = '"always"' if synth else '"never"'
    (where / "atomik.toml").write_text(f"[hardware]\nsynthesize = {how}\n")
    return where


def doit(root: Path, *args: str) -> float:
    env = {**os.environ, "ATOMIK_CACHE": "off"}
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "doit", *args], cwd=root, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"doit failed:\n{run.stdout[-3000:]}{run.stderr[-2000:]}")
    return took


def cold(root: Path, keep_history: bool) -> float:
    durations = root / "build/reports/durations.json"
    saved = durations.read_bytes() if keep_history and durations.exists() else None
    shutil.rmtree(root / "build", ignore_errors=True)
    if saved is not None:
        durations.parent.mkdir(parents=True)
        durations.write_bytes(saved)
    return doit(root)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--synth", action="store_true", help="with synthesis (minutes)")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="atomik-study-"))
    try:
        root = project(work / "p", args.synth)
        cold(root, False)  # warm the tools' own caches; records the durations
        record = json.loads((root / "build/reports/run.json").read_text())
        path = record["critical_path"]
        print(f"cold build ({'with' if args.synth else 'without'} synthesis): {record['seconds']:.1f} s")
        print(
            f"critical path {path['seconds']:.1f} s, bottleneck {path['bottleneck']['stage']} "
            f"({path['bottleneck']['seconds']:.1f} s on it):"
        )
        for step in path["tasks"]:
            print(f"  {step['task']:<40} {step['seconds']:7.2f} s   saves {step['potential_s']:6.2f} s at no cost")
        before, after = [], []
        for _ in range(args.repeat):  # alternate, so load on the machine falls on both alike
            before.append(cold(root, False))
            after.append(cold(root, True))
        b, a = statistics.median(before), statistics.median(after)
        print(
            f"cold build, fixed order: {b:.1f} s; long tasks first (durations known): {a:.1f} s; "
            f"ratio {a / b:.3f} ({args.repeat} each: {[round(x, 1) for x in before]} / {[round(x, 1) for x in after]})"
        )
        # the study's own cost, on this run's records, against a no-op run
        records = [
            {**t, "began": 0.0, "lane": "job slot 1"}
            for t in record["tasks"]
            if t["start"] and t["seconds"] is not None
        ]
        start = time.perf_counter()
        for _ in range(20):
            seconds = {t["name"]: t["seconds"] for t in records}
            critical_path(seconds, {})
            json.dumps(trace(records, 0.0))
        study = (time.perf_counter() - start) / 20
        noop = statistics.median(doit(root) for _ in range(10))
        print(
            f"no-op run {noop * 1000:.0f} ms; studying a run of {len(records)} tasks {study * 1000:.2f} ms "
            f"({100 * study / noop:.1f} % of a no-op; a no-op writes no trace)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
