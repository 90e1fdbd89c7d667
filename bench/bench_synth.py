"""Synthesize the shipped schemas and five more shapes for the Tang Nano 9K; print LUT / FF / BSRAM, Fmax against
target and seconds per design, with timing closure's effect (the first place-and-route run's Fmax, the runs made,
the best Fmax), the limiting path, LUTs per field bit and where the LUTs go (yosys `stat` per module), then the
time of a no-op `doit` with every bitstream present (it must not synthesize again).

--before REV also builds the same designs with the atomik_tasks package of git revision REV (one place-and-route
run each on both sides) and prints the two side by side: the RTL's effect, in one run.
Usage: python bench/bench_synth.py [-n JOBS] [--before REV]
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
    # one 64-bit field behind the board top: the single-field goal (130 MHz in at most 966 LUTs)
    "shape-64bit-single": shape("SixtyFour", 64, 1, 0, 130.0),
}
# `doit synth` runs no consumer; [sdk] is left out, so a revision older than it reads the file too
ONE_RUN = '[hardware]\nsynthesize = "always"\nsimulate = false\n[feedback]\ntiming_attempts = 1\n'


def field_bits(doc: dict) -> int:
    return sum(f["width"] for f in doc["schema"]["delta_fields"].values())


def project(root: Path, config: str, package_rev: str | None = None) -> Path:
    """A project with the shipped schemas and the shapes; with package_rev, its own atomik_tasks from git."""
    root.mkdir(parents=True)
    shutil.copy(ROOT / "dodo.py", root)
    shutil.copytree(ROOT / "schemas", root / "schemas")
    (root / "atomik.toml").write_text(config)
    for stem, doc in SHAPES.items():
        (root / "schemas" / f"{stem}.json").write_text(json.dumps(doc, indent=1))
    if package_rev:  # dodo.py imports the package beside it first
        archive = subprocess.run(
            ["git", "archive", package_rev, "atomik_tasks"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    return root


def reports(proj: Path) -> dict[str, dict]:
    return {
        d["schema"]: d
        for d in (json.loads(p.read_text()) for p in sorted((proj / "build/reports").glob("synth-*.json")))
    }


def cells(d: dict | None, bits: int) -> tuple:
    """LUT, LUT per field bit, FF, Fmax and whether timing was met, of one synth report (or dashes)."""
    if d is None:
        return ("-", "-", "-", "-", False)
    lut = d["lut"]["used"]
    return (str(lut), f"{lut / bits:.1f}", str(d["ff"]["used"]), f"{d['fmax_mhz']:.1f}", d["timing_met"])


def compare(before: dict[str, dict], after: dict[str, dict], bits: dict[str, int]) -> None:
    """The RTL before and after, one place-and-route run each."""
    head = ("schema", "LUT", "", "LUT/bit", "", "FF", "", "Fmax MHz", "", "target", "met")
    print("{:<26} {:>6} {:>6} {:>7} {:>6} {:>5} {:>5} {:>8} {:>6} {:>6} {:>8}".format(*head))
    print(
        "{:<26} {:>6} {:>6} {:>7} {:>6} {:>5} {:>5} {:>8} {:>6} {:>6} {:>8}".format(
            "", "before", "after", "before", "after", "before", "after", "before", "after", "", "b / a"
        )
    )
    for stem in sorted(after):
        b, a = before.get(stem), after[stem]

        bl, bb, bf, bm, bmet = cells(b, bits[stem])
        al, ab, af, am, amet = cells(a, bits[stem])
        met = f"{'yes' if bmet else 'no'} / {'yes' if amet else 'no'}"
        print(
            f"{stem:<26} {bl:>6} {al:>6} {bb:>7} {ab:>6} {bf:>5} {af:>5} {bm:>8} {am:>6} {a['target_mhz']:>6g} {met:>8}"
        )
    print("limiting paths (before -> after):")
    for stem in sorted(after):
        for label, d in (("before", before.get(stem)), ("after", after[stem])):
            path = (d or {}).get("critical_path") or {}
            if path:
                print(
                    f"  {stem} {label}: {path['start']} -> {path['end']}, {path['logic_levels']} levels, "
                    f"{path['delay_ns']} ns ({path['logic_ns']} logic, {path['routing_ns']} routing)"
                )
    print("where the LUTs go (after; yosys stat of the hierarchy, LUT / FF per module):")
    for stem in sorted(after):
        mods = after[stem].get("modules") or {}
        parts = ", ".join(
            f"{name} {m['lut']}/{m['ff']}" for name, m in sorted(mods.items(), key=lambda kv: -kv[1]["lut"])
        )
        print(f"  {stem}: {parts}")


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stdout[-3000:] + proc.stderr[-3000:])
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=2, help="doit jobs")
    parser.add_argument("--before", metavar="REV", help="also build with the package of this git revision")
    args = parser.parse_args()
    if args.before:
        bits = {
            stem: field_bits(json.loads(p.read_text()))
            for stem, p in ((p.stem, p) for p in (ROOT / "schemas").glob("*.json"))
        }
        bits.update({stem: field_bits(doc) for stem, doc in SHAPES.items()})
        with tempfile.TemporaryDirectory() as tmp:
            sides = {}
            for label, rev in (("before", args.before), ("after", None)):
                proj = project(Path(tmp) / label, ONE_RUN, rev)
                seconds = timed([sys.executable, "-m", "doit", "-n", str(args.n), "synth"], proj)
                print(f"{label} ({rev or 'this tree'}): all synthesis with -n {args.n} in {seconds:.0f} s")
                sides[label] = reports(proj)
            compare(sides["before"], sides["after"], bits)
        return 0
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
