"""Full build of the shipped schemas without synthesis (validate, generate, vectors, verify, the consumer
projects, the UART simulations) with a plain `doit` (every core) and with `doit -n 1`, plus time per check kind,
and the no-op `doit` with our reporter against doit's console reporter. Synthesis is left to bench_synth.py.

Each run starts from an empty build/ in a temp copy (the Rust target dir too, so both runs compile the same).
Usage: python bench/bench_verify.py
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench_core import DOIT, compile_bytecode, interleaved  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]


def full_build(jobs: int | None, tmp: Path) -> tuple[float, dict[str, float]]:
    """jobs None: a plain `doit` (its default, every core)."""
    proj = tmp / f"n{jobs or 'default'}"
    proj.mkdir()
    shutil.copy(ROOT / "dodo.py", proj)
    for part in ("schemas",):
        shutil.copytree(ROOT / part, proj / part)
    (proj / "atomik.toml").write_text('[hardware]\nsynthesize = "never"  # bench/bench_synth.py times synthesis\n')
    start = time.perf_counter()
    jobs_args = ["-n", str(jobs)] if jobs else []
    env = {**os.environ, "ATOMIK_CACHE": "off"}  # a cold build: nothing restored from an earlier run's results
    proc = subprocess.run([sys.executable, "-m", "doit", *jobs_args], cwd=proj, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stdout[-3000:] + proc.stderr[-3000:])
    per_kind: dict[str, float] = defaultdict(float)
    for report in (proj / "build/reports").glob("*.json"):
        data = json.loads(report.read_text())
        if "task" in data and "seconds" in data:
            kind = data["task"].rsplit(":", 1)[0] if data["task"].startswith(("verify:", "sim:")) else data["task"]
            per_kind[kind] += data["seconds"]
    return elapsed, dict(per_kind)


def noop_reporters(proj: Path, rounds: int = 9) -> dict[str, float]:
    """Best no-op `doit` with our reporter and with doit's console reporter, alternating (noise hits both alike)."""
    compile_bytecode(ROOT / "atomik_tasks", proj / "dodo.py")
    return interleaved(
        rounds,
        {"ours": [*DOIT], "console": [*DOIT, "-r", "console"], "start-up": [*DOIT, "--version"]},
        proj,
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        one, kinds = full_build(1, Path(tmp))
        plain, _ = full_build(None, Path(tmp))
        noop = noop_reporters(Path(tmp) / "ndefault")
    print(f"full build without synthesis of {len(list((ROOT / 'schemas').glob('*.json')))} schemas")
    print(f"  doit -n 1:          {one:6.2f} s")
    print(f"  doit (every core):  {plain:6.2f} s   speed-up {one / plain:.2f}x on {os.cpu_count()} cores")
    print("time per check (sum of its tasks' own seconds, -n 1):")
    for kind, seconds in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"  {kind:<24} {seconds:6.2f} s")
    print(
        f"no-op doit: {noop['ours']:.3f} s with our reporter, {noop['console']:.3f} s with -r console "
        f"({100 * (noop['ours'] / noop['console'] - 1):+.0f} %), start-up {noop['start-up']:.3f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
