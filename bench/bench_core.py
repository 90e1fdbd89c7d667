"""Benchmark of the core build: full generation, no-op, and one description edit, for N = 3, 30, 300 schemas.

Each time is also printed as a ratio to `doit --version` (interpreter and doit start-up) measured in the same run,
so numbers from different machines compare. Usage: python bench/bench_core.py [N ...]
"""

from __future__ import annotations

import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOIT = [sys.executable, "-m", "doit"]
VERTICALS = ["Video", "Edge", "Network", "Finance", "Science", "Compute", "System", "Storage"]


def synthetic_schema(i: int, rng: random.Random) -> dict:
    width = rng.choice([8, 16, 32, 64, 128, 256])
    fields = {f"field_{k}": {"type": "delta_stream", "width": width} for k in range(rng.randint(1, 4))}
    ops = {"accumulate": {"enabled": True}}
    if rng.random() < 0.7:
        ops["rollback"] = {"enabled": True, "history_depth": rng.choice([4, 64, 512])}
    return {
        "catalogue": {
            "vertical": VERTICALS[i % len(VERTICALS)],
            "field": f"Bench{i // len(VERTICALS)}",
            "object": f"Module{i}",
            "version": "1.0.0",
            "author": "bench",
            "license": "MIT",
            "description": f"Synthetic schema {i}.",
        },
        "schema": {"delta_fields": fields, "operations": ops},
        "hardware": {"rtl_params": {"DATA_WIDTH": width}},
    }


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return elapsed


def interleaved(rounds: int, cmds: dict[str, list[str]], cwd: Path) -> dict[str, float]:
    """Best time of each command over `rounds` rounds, the commands alternating so that machine noise
    (about 20 % here from run to run) hits them alike."""
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(rounds):
        for key, cmd in cmds.items():
            times[key].append(timed(cmd, cwd))
    return {k: min(v) for k, v in times.items()}


def compile_bytecode(*paths: Path) -> None:
    """What `make` does: with PYTHONDONTWRITEBYTECODE=1 every run would otherwise compile the package again."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", *map(str, paths)], check=True, capture_output=True)


def bench(n: int, tmp: Path) -> dict[str, float]:
    proj = tmp / f"n{n}"
    proj.mkdir()
    shutil.copy(ROOT / "dodo.py", proj)
    (proj / "schemas").mkdir()
    rng = random.Random(n)
    for i in range(n):
        (proj / "schemas" / f"s{i:04d}.json").write_text(json.dumps(synthetic_schema(i, rng), indent=2))
    compile_bytecode(ROOT / "atomik_tasks", proj / "dodo.py")
    full = timed([*DOIT, "generate"], proj)
    best = interleaved(
        7,
        {
            "startup": [*DOIT, "--version"],
            "noop": [*DOIT, "generate"],
            "console": [*DOIT, "-r", "console", "generate"],  # doit's own reporter: what ours adds
        },
        proj,
    )
    target = proj / "schemas" / "s0000.json"
    doc = json.loads(target.read_text())
    doc["catalogue"]["description"] = "Edited description."
    target.write_text(json.dumps(doc, indent=2))
    edit = timed([*DOIT, "generate"], proj)
    return {**best, "full": full, "edit": edit}


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [3, 30, 300]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            rows.append((n, bench(n, Path(tmp))))
    print(
        f"{'N':>5} {'start-up':>9} {'full':>8} {'full/N':>8} {'no-op':>8} {'-r console':>10} {'edit':>8}"
        "   ratios to start-up, and our reporter's no-op against doit's console reporter"
    )
    for n, r in rows:
        s = r["startup"]
        print(
            f"{n:>5} {s:8.3f}s {r['full']:7.2f}s {r['full'] / n * 1000:6.1f}ms {r['noop']:7.3f}s "
            f"{r['console']:9.3f}s {r['edit']:7.3f}s"
            f"   full {r['full'] / s:6.1f}x  no-op {r['noop'] / s:4.2f}x  edit {r['edit'] / s:4.2f}x"
            f"  reporter {100 * (r['noop'] / r['console'] - 1):+.0f} %"
        )
    if len(rows) > 1:
        (n0, r0), (n1, r1) = rows[0], rows[-1]
        print(
            f"full-build growth {r1['full'] / r0['full']:.1f}x for {n1 / n0:.0f}x schemas "
            f"(per schema: {r0['full'] / n0 * 1000:.1f} ms -> {r1['full'] / n1 * 1000:.1f} ms); "
            f"median no-op/start-up {statistics.median(r['noop'] / r['startup'] for _, r in rows):.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
