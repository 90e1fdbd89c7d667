"""No file of the package sits outside every fingerprint: touching any one makes a task re-run, and a file
of one language's folder re-runs only that language's tasks."""

from __future__ import annotations

import subprocess
import sys

from projects import make_project

# Runs inside the project (its own copy of the package comes first on sys.path): touch each file in turn,
# ask doit which fingerprint tasks are out of date, put the file back.
PROBE = r"""
import contextlib, io, json, os, sys
import dodo
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain

root = os.path.join(os.getcwd(), "atomik_tasks")
stale = {}
for folder, dirs, files in os.walk(root):
    dirs[:] = [d for d in dirs if d != "__pycache__"]
    for name in files:
        if name.endswith(".pyc"):
            continue
        path = os.path.join(folder, name)
        original = open(path, "rb").read()
        with open(path, "ab") as fh:
            fh.write(b"\n# touched\n" if name.endswith(".py") else b"\n")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            DoitMain(ModuleTaskLoader(dodo)).run(["list", "--status", "--all", "fingerprint"])
        with open(path, "wb") as fh:
            fh.write(original)
        stale[os.path.relpath(path, root)] = sorted(
            line.split()[1] for line in out.getvalue().splitlines() if line.startswith("R ")
        )
print(json.dumps(stale))
"""


def test_every_package_file_is_in_a_fingerprint_and_a_language_file_only_in_its_own(tmp_path):
    proj = make_project(tmp_path / "p", package=True)
    assert proj.doit("fingerprint").returncode == 0
    probe = subprocess.run([sys.executable, "-c", PROBE], cwd=proj.root, capture_output=True, text=True, timeout=600)
    assert probe.returncode == 0, probe.stderr
    import json

    stale = json.loads(probe.stdout)
    assert len(stale) > 60, stale
    assert {f for f, tasks in stale.items() if not tasks} == set(), "files outside every fingerprint"
    for rel, tasks in stale.items():
        parts = rel.split("/")
        if parts[0] == "languages" and len(parts) > 2:
            lang = parts[1]
            allowed = (
                {f"fingerprint:{lang}", "fingerprint:model"} if parts[2] == "__init__.py" else {f"fingerprint:{lang}"}
            )
            assert set(tasks) <= allowed and f"fingerprint:{lang}" in tasks, (rel, tasks)


def test_a_template_edit_reruns_that_language_and_nothing_of_the_others(tmp_path):
    proj = make_project(tmp_path / "p", package=True)
    assert proj.doit().returncode == 0
    tpl = proj.root / "atomik_tasks/languages/c/templates/module.c.j2"
    tpl.write_text(tpl.read_text().replace("do not edit.", "do not edit (rev 2).", 1))
    run = proj.doit()
    assert run.returncode == 0, run.stderr
    langs = ("python", "rust", "javascript", "verilog")
    ran_elsewhere = {t for t in run.executed if any(f":{lang}" in t for lang in langs) or t.startswith("normalize:")}
    assert ran_elsewhere == set()
    assert {t for t in run.executed if t.startswith("verify:c:")} >= {
        "verify:c:finance-price-tick",
        "verify:c:_package",
    }


def test_a_hardware_or_checks_file_reruns_what_reads_it(tmp_path):
    """The bug this layout fixes: edaflows, fsio and the hardware code were in no fingerprint."""
    proj = make_project(tmp_path / "p", package=True, config='[hardware]\nsimulate = false\nsynthesize = "never"\n')
    assert proj.doit().returncode == 0
    for rel, expected in (
        ("hardware/design.py", "board:finance-price-tick"),
        ("checks/edaflows.py", "verify:verilog:finance-price-tick"),
        ("fsio.py", "generate:python:finance-price-tick"),
    ):
        path = proj.root / "atomik_tasks" / rel
        path.write_text(path.read_text() + "\n# touched\n")
        run = proj.doit()
        assert run.returncode == 0, run.stderr
        assert expected in run.executed, (rel, sorted(run.executed))
