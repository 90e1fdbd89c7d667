"""Benchmark of the result cache, on copies of the shipped schemas (synthesis included unless --no-synth):

1. a cold build with the cache off, then a cold build filling an empty cache: the cache's overhead (goal < 5 %);
2. a second clone at another path with that warm cache: its full build against the cold one (goal < 10 %, no
   synthesis run), and a no-op after it (0 tasks);
3. one schema edited so that its design changes: which slow tasks miss (only that design's).

Usage: python bench/bench_cache.py [--no-synth]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSED = r"\d+ passed"


def project(where: Path, synth: bool) -> Path:
    where.mkdir(parents=True)
    shutil.copy(ROOT / "dodo.py", where)
    shutil.copytree(ROOT / "schemas", where / "schemas")
    (where / "atomik.toml").write_text(f'[hardware]\nsynthesize = "{"always" if synth else "never"}"\n')
    return where


def build(root: Path, cache: str) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "doit", "-n", "2"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "ATOMIK_CACHE": cache},
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stdout[-3000:] + proc.stderr[-2000:])
    return time.perf_counter() - start, proc.stdout


def slow(out: str, word: str) -> list[str]:
    return sorted(set(re.findall(rf"^\s*((?:synth|sim:uart):[\w.-]+): {word}", out, re.M)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-synth", action="store_true")
    synth = not parser.parse_args().no_synth
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "store")
        off, _ = build(project(Path(tmp) / "off", synth), "off")
        cold, _ = build(project(Path(tmp) / "a", synth), store)
        b = project(Path(tmp) / "elsewhere" / "b", synth)
        warm, out = build(b, store)
        noop, noop_out = build(b, store)
        ran = slow(out, PASSED)  # a slow task that ran (a hit prints "cached")
        print(f"cold build, cache off:      {off:7.1f} s")
        print(f"cold build, filling cache:  {cold:7.1f} s  (overhead {100 * (cold - off) / off:+.1f} %)")
        share = f"{100 * warm / cold:.1f} % of cold"
        print(f"second clone, warm cache:   {warm:7.1f} s  ({share}); slow tasks run: {ran or 'none'}")
        print(f"no-op after it:             {noop:7.1f} s  ({noop_out.strip().splitlines()[-1]})")
        edge = b / "schemas" / "edge-sensor-imu.json"
        doc = json.loads(edge.read_text())
        doc["schema"]["operations"]["rollback"]["history_depth"] = 512
        edge.write_text(json.dumps(doc, indent=2))
        edit, out = build(b, store)
        missed, hits = slow(out, PASSED), slow(out, "cached")
        print(f"edge-sensor-imu edited:     {edit:7.1f} s; slow tasks that missed: {missed}; hits: {hits}")


if __name__ == "__main__":
    main()
