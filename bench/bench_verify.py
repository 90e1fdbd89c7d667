"""Full build and verification of the shipped schemas with `doit -n 1` and `doit -n 2`, plus time per language,
and the no-op `doit` with our reporter against doit's console reporter. Synthesis is left to bench_synth.py.

Each run starts from an empty build/ in a temp copy (the Rust target dir too, so both runs compile the same).
Usage: python bench/bench_verify.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench_core import DOIT, compile_bytecode, interleaved  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]


def full_build(jobs: int, tmp: Path) -> tuple[float, dict[str, float]]:
    proj = tmp / f"n{jobs}"
    proj.mkdir()
    shutil.copy(ROOT / "dodo.py", proj)
    for part in ("schemas",):
        shutil.copytree(ROOT / part, proj / part)
    (proj / "atomik.toml").write_text('[hardware]\nsynthesize = "never"  # bench/bench_synth.py times synthesis\n')
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "doit", "-n", str(jobs)], cwd=proj, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stdout[-3000:] + proc.stderr[-3000:])
    per_lang: dict[str, float] = defaultdict(float)
    for report in (proj / "build/reports").glob("verify-*.json"):
        data = json.loads(report.read_text())
        per_lang[data["language"]] += data["seconds"]
    return elapsed, dict(per_lang)


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
        one, langs = full_build(1, Path(tmp))
        two, _ = full_build(2, Path(tmp))
        noop = noop_reporters(Path(tmp) / "n2")
    print(f"full build + verify of {len(list((ROOT / 'schemas').glob('*.json')))} schemas")
    print(f"  doit -n 1: {one:6.2f} s")
    print(f"  doit -n 2: {two:6.2f} s   speed-up {one / two:.2f}x")
    print("verify time per language (sum of its tasks, -n 1):")
    for lang, seconds in sorted(langs.items()):
        print(f"  {lang:<13} {seconds:6.2f} s")
    print(
        f"no-op doit: {noop['ours']:.3f} s with our reporter, {noop['console']:.3f} s with -r console "
        f"({100 * (noop['ours'] / noop['console'] - 1):+.0f} %), start-up {noop['start-up']:.3f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
