"""Fuzz the whole pipeline: N random valid schemas in one project, built and verified in all five languages.

Usage: python bench/fuzz.py [N] [--keep DIR] [--hardware]. Prints per-language pass/fail counts and the failures.
Software only by default (no UART simulation, no synthesis: minutes per random design); --hardware adds the
UART simulation of each design.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis.errors import NonInteractiveExampleWarning  # noqa: E402
from schema_strategies import schemas  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", nargs="?", type=int, default=40)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument("--hardware", action="store_true", help="also simulate each board design over its UART")
    args = parser.parse_args()
    warnings.simplefilter("ignore", NonInteractiveExampleWarning)
    work = args.keep or Path(tempfile.mkdtemp(prefix="atomik-fuzz-"))
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "dodo.py", work / "dodo.py")
    simulate = "true" if args.hardware else "false"
    (work / "atomik.toml").write_text(f'[hardware]\nsimulate = {simulate}\nsynthesize = "never"\n')
    (work / "schemas").mkdir(exist_ok=True)
    for i in range(args.n):
        (work / "schemas" / f"fuzz-{i:03d}.json").write_text(json.dumps(schemas(index=i).example(), indent=1))
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "doit", "--continue", "-n", "2"], cwd=work, capture_output=True, text=True
    )
    seconds = time.monotonic() - start
    invalid = sum(1 for p in (work / "build/model").glob("*.ident.json") if not json.loads(p.read_text())["valid"])
    counts: dict[str, list[int]] = {}
    failures = []
    for report in sorted((work / "build/reports").glob("[vs]*-*.json")):  # verify-*, sim-uart-*
        data = json.loads(report.read_text())
        ok = data["status"] == "passed"
        kind = data["language"] if data["task"].startswith("verify:") else data["task"].split(":")[0]
        counts.setdefault(kind, [0, 0])[0 if ok else 1] += 1
        if not ok:
            failures.append(f"{data['task']}: {data.get('error', '')}")
    print(f"doit exit code {proc.returncode}")
    scope = "software and UART simulation" if args.hardware else "software only, no simulation or synthesis"
    print(f"{args.n} random schemas ({invalid} rejected by validation, e.g. a reserved word), {seconds:.0f} s")
    print(f"checked: {scope}")
    for lang, (ok, bad) in sorted(counts.items()):
        print(f"  {lang:<11} {ok} passed, {bad} failed")
    for line in failures[:20]:
        print("  FAIL", line)
    total_bad = sum(b for _, b in counts.values())
    print(f"fuzz: {sum(o for o, _ in counts.values())} passed, {total_bad} failed")
    if not args.keep and not total_bad:
        shutil.rmtree(work)
    elif total_bad:
        print(f"kept {work} for inspection")
    return 1 if total_bad else 0


if __name__ == "__main__":
    sys.exit(main())
