"""Benchmark of the Dask cluster: six small designs synthesized serially (`doit -n 1`, cache off) against a
2-worker LocalCluster (`doit -n 6`, an empty cache), on this machine; then what bounds 16 workers.

Usage: python bench/bench_cluster.py
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_synth import shape  # noqa: E402

DESIGNS = {
    f"d{i}": shape(f"Design{i}", width, 1, depth, 27.0)
    for i, (width, depth) in enumerate([(8, 0), (16, 0), (32, 0), (8, 16), (16, 16), (32, 16)])
}


def project(where: Path, config: str) -> Path:
    where.mkdir(parents=True)
    shutil.copy(ROOT / "dodo.py", where)
    (where / "schemas").mkdir()
    for stem, doc in DESIGNS.items():
        (where / "schemas" / f"{stem}.json").write_text(json.dumps(doc, indent=1))
    (where / "atomik.toml").write_text('[hardware]\nsynthesize = "always"\nsimulate = false\n' + config)
    # everything before synthesis first: the bench times synthesis
    subprocess.run(
        [sys.executable, "-m", "doit", "-n", "2", "board", "generate:verilog"],
        cwd=where,
        check=True,
        capture_output=True,
    )
    return where


def timed(root: Path, jobs: int, cache: str) -> tuple[float, list[float]]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "doit", "-n", str(jobs), "synth"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "ATOMIK_CACHE": cache},
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stdout[-3000:])
    seconds = [json.loads((root / "build/reports" / f"synth-{s}.json").read_text())["seconds"] for s in DESIGNS]
    return time.perf_counter() - start, seconds


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        serial, each = timed(project(Path(tmp) / "serial", ""), 1, "off")
        cluster, _ = timed(
            project(Path(tmp) / "cluster", '[cluster]\nscheduler = "local:2"\n'), 6, str(Path(tmp) / "store")
        )
    longest, total = max(each), sum(each)
    print(f"six designs, serial `doit -n 1`: {serial:6.1f} s (synthesis {total:.1f} s, longest {longest:.1f} s)")
    print(f"six designs, LocalCluster of 2, `doit -n 6`: {cluster:.1f} s ({serial / cluster:.2f}x)")
    print(
        f"16 workers, on paper: max(longest design {longest:.1f} s, {total:.1f} s / 16 = {total / 16:.1f} s) plus the "
        f"cluster's start and the uploads: {max(longest, total / 16):.1f} s; with six designs the longest one "
        "bounds it, and on one 2-core machine the cores do"
    )


if __name__ == "__main__":
    main()
