"""Fixtures shared by tests/unit (no external toolchain) and tests/e2e (real toolchains; marked e2e)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the helper modules beside this file

# The result cache is on by default; a test's build must run what it tests (not restore it from an earlier
# test's entry), and the suite must not fill the user's ~/.cache. tests/e2e/test_cache.py turns it on itself.
os.environ["ATOMIK_CACHE"] = "off"

from projects import Project, make_project

E2E = Path(__file__).resolve().parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e/ is marked e2e: `pytest -m "not e2e"` is the quick loop."""
    for item in items:
        if E2E in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "proj")


@pytest.fixture(scope="module")
def built_project(tmp_path_factory) -> Project:
    """The shipped schemas, built once per test module (read-only for its tests)."""
    proj = make_project(tmp_path_factory.mktemp("built") / "proj")
    run = proj.doit()
    assert run.returncode == 0, run.stderr
    return proj
