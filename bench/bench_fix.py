"""Benchmark of the zero-token feedback loop.

1. The broken-schema corpus (bench/broken/, one mistake per file, expected.json says what each should become):
   each file through `doit fix:<schema> --apply`'s code in its own temp project; the share fixed at 0 tokens and
   the rounds used.
2. Knowledge-base matching: 1,000 messages (the corpus' diagnostics, toolchain messages, near misses with a
   typo, and messages it must not know) against the shipped knowledge base.

Usage: python bench/bench_fix.py
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from atomik_tasks.config import load  # noqa: E402
from atomik_tasks.feedback import learned  # noqa: E402
from atomik_tasks.feedback.fix import fix  # noqa: E402
from atomik_tasks.feedback.kb import shipped  # noqa: E402
from atomik_tasks.feedback.messages import diagnostic_text  # noqa: E402
from atomik_tasks.languages.normalize import check_schema  # noqa: E402
from atomik_tasks.layout import Layout  # noqa: E402
from atomik_tasks.schema.diagnostics import errors  # noqa: E402

CORPUS = ROOT / "bench" / "broken"


def corpus() -> dict[str, dict]:
    return json.loads((CORPUS / "expected.json").read_text("utf-8"))["cases"]


def run_case(stem: str, case: dict, work: Path) -> dict:
    """One broken schema through the fix loop in a fresh project; what it left."""
    project = work / stem
    (project / "schemas").mkdir(parents=True)
    for other in case.get("with", []):  # the siblings were there first: the broken file is the newcomer
        shutil.copy(CORPUS / other, project / "schemas" / Path(other).name)
        os.utime(project / "schemas" / Path(other).name, (1, 1))
    shutil.copy(CORPUS / f"{stem}.json", project / "schemas" / f"{stem}.json")
    layout = Layout(project)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ok = fix(layout, stem, load(layout).feedback, apply=True)
    attempts = (
        json.loads(Path(layout.attempts(f"fix:{stem}")).read_text())
        if Path(layout.attempts(f"fix:{stem}")).exists()
        else []
    )
    diags, _ = check_schema(Path(layout.schema(stem)), stem, [])
    return {
        "ok": ok,
        "valid": not errors(diags),
        "rounds": max((a["round"] for a in attempts), default=0),
        "tokens": sum(a["tokens"] for a in attempts),
        "output": out.getvalue(),
    }


def messages(n: int = 1000) -> list[str]:
    """A mix the build meets: known messages, near misses (one typo), and unknown text."""
    rng = random.Random(7)
    known = [x for e in shipped() for x in e.examples]
    for path in sorted(CORPUS.glob("*.json")):
        if path.name == "expected.json":
            continue
        diags, _ = check_schema(path, path.name, [])
        known += [diagnostic_text(d.rule, d.path, d.message) for d in errors(diags)]
    out = []
    while len(out) < n:
        text = rng.choice(known)
        roll = rng.random()
        if roll < 0.2 and len(text) > 10:
            i = rng.randrange(len(text))
            text = text[:i] + "x" + text[i + 1 :]  # a near miss
        elif roll < 0.3:
            text = f"some tool said something new at {rng.randint(1, 999)}"
        out.append(text)
    return out


def main() -> None:
    cases = corpus()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        results = {stem: run_case(stem, case, Path(tmp)) for stem, case in cases.items()}
        seconds = time.perf_counter() - start
    fixed = [s for s, r in results.items() if r["valid"]]
    clear = [s for s, c in cases.items() if "expect" in c]
    print(f"corpus: {len(cases)} broken schemas, one mistake each ({len(clear)} with a clear intent)")
    print(f"{'schema':<22} {'fixed':<6} {'rounds':>6} {'tokens':>6}")
    for stem, r in results.items():
        print(f"{stem:<22} {'yes' if r['valid'] else 'no':<6} {r['rounds']:>6} {r['tokens']:>6}")
    rounds = [results[s]["rounds"] for s in fixed]
    print(
        f"fixed at 0 tokens: {len(fixed)}/{len(cases)} ({100 * len(fixed) / len(cases):.0f} %); of those with a clear "
        f"intent {len([s for s in clear if s in fixed])}/{len(clear)}; rounds used: mean "
        f"{sum(rounds) / max(1, len(rounds)):.2f}, max {max(rounds, default=0)}; tokens: "
        f"{sum(r['tokens'] for r in results.values())}; {seconds:.2f} s for the corpus"
    )
    kb = learned.merged([])
    batch = messages()
    kb.match(batch[0])  # rapidfuzz's import is not part of matching
    start = time.perf_counter()
    found = [kb.match(m) for m in batch]
    seconds = time.perf_counter() - start
    exact = sum(1 for m in found if m and m.how == "exact")
    fuzzy = sum(1 for m in found if m and m.how == "fuzzy")
    print(
        f"knowledge base: {len(kb)} entries; {len(batch)} messages matched in {seconds * 1000:.0f} ms "
        f"({seconds * 1e6 / len(batch):.0f} us each): {exact} exact, {fuzzy} near misses, "
        f"{len(batch) - exact - fuzzy} unknown"
    )


if __name__ == "__main__":
    main()
