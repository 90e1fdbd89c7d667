"""`atomik-tasks init` writes a project that works; the repository's own dodo.py is the one init writes."""

from __future__ import annotations

import subprocess
import sys

from projects import ROOT

from atomik_tasks import cli, config


def test_the_repository_dodo_is_the_one_init_writes():
    assert (ROOT / "dodo.py").read_text() == cli.DODO


def test_init_writes_a_project_and_never_overwrites_one(tmp_path):
    proj = tmp_path / "myproject"
    assert cli.main(["init", str(proj)]) == 0
    assert (proj / "dodo.py").read_text() == cli.DODO
    assert (proj / "atomik.toml").read_text() == config.default_toml()
    assert (proj / "schemas/finance-price-tick.json").read_text() == (
        ROOT / "schemas/finance-price-tick.json"
    ).read_text()
    (proj / "atomik.toml").write_text("[hardware]\nbaud = 9600\n")
    proc = subprocess.run([sys.executable, "-m", "atomik_tasks", "init", str(proj)], capture_output=True, text=True)
    assert proc.returncode == 2 and "already has dodo.py, atomik.toml" in proc.stderr
    assert (proj / "atomik.toml").read_text() == "[hardware]\nbaud = 9600\n"
    assert cli.main(["init", "--force", str(proj)]) == 0
    assert (proj / "atomik.toml").read_text() == config.default_toml()
