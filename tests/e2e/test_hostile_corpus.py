"""Every hostile string in every free-text field: all five languages still build and verify, nothing runs."""

from __future__ import annotations

import json
import subprocess
import sys

from hostile import CORPUS
from projects import make_project, minimal_schema

from atomik_tasks.languages import all_languages
from atomik_tasks.languages.javascript import NODE
from atomik_tasks.tools import require

LANGS = tuple(all_languages())


def hostile(i: int, text: str) -> dict:
    doc = minimal_schema()
    doc["catalogue"].update(object=f"Hostile{i}", description=text[:1024], author=text[:256], license=text * 3)
    doc["schema"]["delta_fields"] = {"value": {"type": "delta_stream", "width": 16}}
    doc["schema"]["operations"]["rollback"] = {"enabled": True, "history_depth": 2}
    doc["hardware"] = {
        "target_device": text,
        "rtl_params": {"DATA_WIDTH": 16},
        "synthesis_options": {"timing_constraints": {text: text, "nested": [text, {"k": text}]}},
    }
    return doc


def test_hostile_corpus_builds_verifies_and_runs_nothing(tmp_path):
    proj = make_project(tmp_path / "proj", schemas=[])
    for i, text in enumerate(CORPUS):
        proj.write_schema(f"hostile-{i:02d}", hostile(i, text))
    run = proj.doit("-n", "2")
    failed = {n: t["err"][-1500:] for n, t in run.tasks.items() if t["result"] == "fail"}
    assert run.returncode == 0 and not failed, failed
    for i in range(len(CORPUS)):
        for lang in LANGS:
            assert proj.report(f"verify:{lang}:hostile-{i:02d}")["status"] == "passed"

    # The text is kept as data, exactly: Python docstrings and JavaScript DESCRIPTION read back unchanged.
    code = (
        "import json, sys\n"
        "from atomik.Compute import Test\n"
        f"objs = [getattr(Test, f'Hostile{{i}}') for i in range({len(CORPUS)})]\n"
        "print(json.dumps([[o.DESCRIPTION, o.__doc__] for o in objs]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=proj.sdk / "python", capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [[t[:1024], t[:1024].strip(" ")] for t in CORPUS]
    script = (
        "import { Compute } from './index.js';\n"
        f"const d = []; for (let i = 0; i < {len(CORPUS)}; i++) d.push(Compute.Test['Hostile' + i].DESCRIPTION);\n"
        "console.log(JSON.stringify(d));\n"
    )
    (proj.sdk / "javascript/probe.mjs").write_text(script)
    out = subprocess.run([require(NODE), "probe.mjs"], cwd=proj.sdk / "javascript", capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [t[:1024] for t in CORPUS]

    assert not list(tmp_path.rglob("PWNED")), "hostile text ran as code"
