"""Synthesize the shipped schemas and four more shapes for the Tang Nano 9K; print LUT / FF / BSRAM, Fmax against
target and seconds per design, with timing closure's effect (the first place-and-route run's Fmax, the runs made,
the best Fmax), then the time of a no-op `doit` with every bitstream present (it must not synthesize again).
Usage: python bench/bench_synth.py [-n JOBS]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shape(name: str, width: int, fields: int, depth: int, mhz: float) -> dict:
    ops: dict = {"accumulate": {"enabled": True}}
    if depth:
        ops["rollback"] = {"enabled": True, "history_depth": depth}
    return {
        "catalogue": {
            "vertical": "Compute",
            "field": "Bench",
            "object": name,
            "version": "1.0.0",
            "author": "bench",
            "license": "MIT",
            "description": f"{name} synthesis shape",
        },
        "schema": {
            "delta_fields": {f"f{i}": {"type": "delta_stream", "width": width} for i in range(fields)},
            "operations": ops,
            "constraints": {"target_frequency_mhz": mhz},
        },
        "hardware": {"target_device": "GW1NR-9", "rtl_params": {"DATA_WIDTH": width}},
    }


SHAPES = {
    "shape-8bit-single": shape("EightBitSingle", 8, 1, 0, 27.0),
    "shape-128bit-rollback": shape("WideRollback", 128, 1, 256, 27.0),
    "shape-256bit-no-rollback": shape("WidestNoRollback", 256, 1, 0, 27.0),
    # a target just above what the first place-and-route run reaches: timing closure's case
    "shape-64bit-near-miss": shape("NearMiss", 64, 1, 0, 108.0),
}


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stdout[-3000:] + proc.stderr[-3000:])
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=2, help="doit jobs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proj = Path(tmp) / "p"
        proj.mkdir()
        shutil.copy(ROOT / "dodo.py", proj)
        for part in ("schemas",):
            shutil.copytree(ROOT / part, proj / part)
        (proj / "atomik.toml").write_text('[hardware]\nsynthesize = "always"\nsimulate = false\n')
        for stem, doc in SHAPES.items():
            (proj / "schemas" / f"{stem}.json").write_text(json.dumps(doc, indent=1))
        total = timed([sys.executable, "-m", "doit", "-n", str(args.n), "synth"], proj)
        head = ("schema", "LUT", "FF", "BSRAM", "first", "runs", "Fmax MHz", "target", "met", "seconds")
        print("{:<26} {:>11} {:>11} {:>6} {:>6} {:>4} {:>9} {:>7} {:>4} {:>8}".format(*head))
        notes = []
        for report in sorted((proj / "build/reports").glob("synth-*.json")):
            d = json.loads(report.read_text())
            runs = d.get("attempts") or [{"fmax_mhz": d["fmax_mhz"]}]
            print(
                f"{d['schema']:<26} {d['lut']['used']:>5}/{d['lut']['available']:<5} {d['ff']['used']:>5}/"
                f"{d['ff']['available']:<5} {d['bsram']['used']:>2}/{d['bsram']['available']:<3} "
                f"{runs[0]['fmax_mhz']:>6.1f} {len(runs):>4} "
                f"{d['fmax_mhz']:>9.1f} {d['target_mhz']:>7g} {'yes' if d['timing_met'] else 'no':>4} "
                f"{d['seconds']:>8.1f}"
            )
            notes += [f"  {d['schema']}: {n}" for n in d.get("notes", []) if n.startswith("timing")]
            path = d.get("critical_path") or {}
            if path:
                notes.append(
                    f"  {d['schema']}: limiting path {path['start']} -> {path['end']}, {path['logic_levels']} logic "
                    f"levels, {path['delay_ns']} ns ({path['logic_ns']} logic, {path['routing_ns']} routing)"
                )
        print("\n".join(notes))
        print(f"all synthesis with -n {args.n}: {total:.0f} s")
        startup = min(timed([sys.executable, "-m", "doit", "--version"], proj) for _ in range(3))
        noop = min(timed([sys.executable, "-m", "doit", "synth"], proj) for _ in range(3))
        print(f"no-op `doit synth` with bitstreams present: {noop:.3f} s ({noop / startup:.2f}x doit start-up)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
