"""The import-linter contracts in pyproject.toml pass on the package, and fail on a back-edge."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from projects import PACKAGE, ROOT

LINT = Path(sys.executable).parent / "lint-imports"


def lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )


def copy(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(PACKAGE, tmp_path / "atomik_tasks", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_contracts_hold(tmp_path):
    proc = lint(copy(tmp_path))
    assert proc.returncode == 0, proc.stdout
    assert "2 kept, 0 broken" in proc.stdout


def test_a_back_edge_breaks_the_layers(tmp_path):
    root = copy(tmp_path)
    model = root / "atomik_tasks/schema/model.py"
    model.write_text(model.read_text() + "\nfrom ..languages import base  # noqa: E402, F401\n")
    proc = lint(root)
    assert proc.returncode != 0
    assert "The folders are the pipeline: imports run one way BROKEN" in proc.stdout
    assert "atomik_tasks.schema.model -> atomik_tasks.languages.base" in proc.stdout


def test_doit_outside_the_graph_breaks_a_contract(tmp_path):
    root = copy(tmp_path)
    runner = root / "atomik_tasks/checks/runner.py"
    runner.write_text(runner.read_text() + "\nimport doit  # noqa: E402, F401\n")
    proc = lint(root)
    assert proc.returncode != 0 and "Only the build graph knows doit BROKEN" in proc.stdout
