"""What a proof costs: `doit prove:<schema>` on the shipped schemas and the formal fixtures (widths 8 to 256,
rollback off and on, history depths 1, 2, 3, 64, 4096), one at a time, the result cache off. Prints, per schema,
the instance proved, the verdict, the method, the depth PDR's invariant closed at and the seconds.

    python bench/bench_prove.py [SCHEMA.json ...]   # default: schemas/*.json and tests/fixtures/formal/*.json
    python bench/bench_prove.py --mutants           # the mutants of tests/e2e/test_prove.py: vectors vs proof
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = '[sdk]\nconsume = false\n\n[hardware]\nsimulate = false\nsynthesize = "never"\n\n[verify]\nprove = true\n'


def mutants() -> int:
    """Each mutant of the Verilog template (tests/e2e/test_prove.py) as a project override on the depth-3
    fixture: whether the shared vectors catch it, whether the proof does, where, and in how many seconds."""
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests/e2e")]
    from test_prove import MUTANTS  # the one list of mutants

    env = {**os.environ, "ATOMIK_CACHE": "off"}
    template = (ROOT / "atomik_tasks/languages/verilog/templates/module.v.j2").read_text()
    print(f"{'mutant':<34} {'vectors':<8} {'proof':<8} {'property at cycle':<26} {'s':>6}")
    missed = 0
    for name, (original, mutated, *_expected) in MUTANTS.items():
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp)
            (project / "atomik.toml").write_text(CONFIG)
            shutil.copy(ROOT / "dodo.py", project / "dodo.py")
            (project / "schemas").mkdir()
            shutil.copy(ROOT / "tests/fixtures/formal/w64-depth3.json", project / "schemas")
            (project / "templates/verilog").mkdir(parents=True)
            (project / "templates/verilog/module.v.j2").write_text(template.replace(original, mutated))
            doit = [sys.executable, "-m", "doit"]
            vectors = subprocess.run([*doit, "verify:verilog:w64-depth3"], cwd=project, env=env, capture_output=True)
            subprocess.run([*doit, "prove:w64-depth3"], cwd=project, env=env, capture_output=True)
            data = json.loads((project / "build/reports/prove-w64-depth3.json").read_text())
            caught = data.get("proof") == "counterexample"
            missed += not caught
            where = f"{data.get('property')} at {data.get('cycle')}" if caught else "-"
            print(
                f"{name:<34} {'caught' if vectors.returncode else 'missed':<8} {'caught' if caught else 'MISSED':<8} "
                f"{where:<26} {data['seconds']:>6.1f}"
            )
    return 1 if missed else 0


def main(paths: list[str]) -> int:
    if paths == ["--mutants"]:
        return mutants()
    schemas = [Path(p) for p in paths] or sorted((ROOT / "schemas").glob("*.json"))
    if not paths:
        schemas += sorted((ROOT / "tests/fixtures/formal").glob("*.json"))
    env = {**os.environ, "ATOMIK_CACHE": "off"}
    head = f"{'schema':<22} {'fields':>6} {'width':>5} {'depth':>5} {'proved at':>9} {'verdict':<15} {'F[k]':>4}"
    print(f"{head} {'s':>7}")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "atomik.toml").write_text(CONFIG)
        shutil.copy(ROOT / "dodo.py", project / "dodo.py")
        (project / "schemas").mkdir()
        for schema in schemas:
            shutil.copy(schema, project / "schemas" / schema.name)
        for schema in schemas:
            stem = schema.stem
            run = subprocess.run(
                [sys.executable, "-m", "doit", f"prove:{stem}"], cwd=project, env=env, capture_output=True, text=True
            )
            report = project / "build/reports" / f"prove-{stem}.json"
            if not report.exists():
                print(f"{stem:<22} no report:\n{run.stdout[-1500:]}{run.stderr[-1500:]}")
                failed += 1
                continue
            data = json.loads(report.read_text())
            doc = json.loads(schema.read_text())
            fields = doc["schema"]["delta_fields"]
            width = max(f["width"] for f in fields.values())
            inst = data.get("instance", {})
            depth = f"{inst.get('schema_history_depth', '?')}"
            proved_at = f"{inst.get('history_depth', '?')}"
            verdict = data.get("proof", data.get("status"))
            failed += data.get("status") != "passed"
            print(
                f"{stem:<22} {len(fields):>6} {width:>5} {depth:>5} {proved_at:>9} {verdict:<15} "
                f"{data.get('depth') or '-':>4} {data['seconds']:>7.1f}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
