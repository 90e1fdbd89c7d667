"""The import-linter contracts in pyproject.toml pass on the package, and fail on a back-edge."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
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


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("schema/model.py", "from ..languages import base", "The folders are the pipeline: imports run one way"),
        ("checks/runner.py", "import doit", "Only the build graph knows doit"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path, module, line, broken):
    root = copy(tmp_path)
    path = root / "atomik_tasks" / module
    path.write_text(path.read_text() + f"\n{line}  # noqa: E402, F401\n")
    proc = lint(root)
    assert proc.returncode != 0
    assert f"{broken} BROKEN" in proc.stdout
