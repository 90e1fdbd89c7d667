"""The fit check's estimate against measured synthesis: for every synth report of the given projects, the LUTs
and block RAMs it used, what atomik_tasks.hardware.fit estimated from the schema, and the error.

    python bench/bench_fit.py PROJECT [PROJECT ...]   # projects built with `doit synth` (any boards)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from atomik_tasks.hardware import boards, families, fit


def rows(project: Path) -> list[tuple[str, str, int, int, int, int]]:
    out = []
    for report in sorted((project / "build/reports").glob("synth-*.json")):
        data = json.loads(report.read_text())
        if data.get("status") != "passed":
            continue
        board = boards.get(data["board"])
        family = families.of(board)
        view = json.loads((project / "build/views/verilog" / f"{data['schema']}.json").read_text())
        est = fit.estimate(view, family, family.device(board))
        out.append((board.name, data["schema"], data["lut"]["used"], est.luts, data["bsram"]["used"], est.bram_blocks))
    return out


def main(projects: list[str]) -> None:
    print(f"{'board':<12} {'schema':<20} {'LUTs':>6} {'est.':>6} {'error':>7}   {'BRAM':>4} {'est.':>4}")
    errors = []
    for project in projects:
        for board, schema, luts, est, bram, est_bram in rows(Path(project)):
            err = 100 * (est - luts) / luts
            errors.append(abs(err))
            print(f"{board:<12} {schema:<20} {luts:>6} {est:>6} {err:>+6.1f}%   {bram:>4} {est_bram:>4}")
    if errors:
        print(f"LUT estimate: mean absolute error {sum(errors) / len(errors):.1f} %, worst {max(errors):.1f} %")


if __name__ == "__main__":
    main(sys.argv[1:])
