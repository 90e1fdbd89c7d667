"""Projects in temp dirs for the tests: a copy of dodo.py and schemas/ (the code comes from the installed
package, or from a copy of it in the project when a test edits the code), and a doit runner that reports what
executed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from atomik_tasks.layout import Layout

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "atomik_tasks"
SCHEMAS = sorted((ROOT / "schemas").glob("*.json"))


@dataclass
class DoitRun:
    returncode: int
    tasks: dict[str, dict] = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""

    @property
    def executed(self) -> set[str]:
        """Tasks that ran, whether they succeeded or failed."""
        return {n for n, t in self.tasks.items() if t["result"] != "up-to-date"}

    def result(self, name: str) -> str:
        return self.tasks[name]["result"]


class Project:
    """A project in a temp dir. With its own package (package=True in make_project), `python -m doit` run in
    it imports that copy (the current directory comes first on sys.path), so a test may edit the code."""

    def __init__(self, root: Path):
        self.root = root
        self.layout = Layout(root)

    def doit(self, *args: str, env: dict[str, str] | None = None) -> DoitRun:
        proc = subprocess.run(
            [sys.executable, "-m", "doit", "-r", "json", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=1200,
            env=env,
        )
        try:
            data = json.loads(proc.stdout)
        except json.JSONDecodeError:
            raise AssertionError(f"doit printed no JSON report:\n{proc.stdout}\n{proc.stderr}") from None
        tasks = {t["name"]: t for t in data["tasks"]}
        return DoitRun(proc.returncode, tasks, data.get("out", ""), data.get("err", "") + proc.stderr)

    def schema(self, stem: str) -> Path:
        return self.root / "schemas" / f"{stem}.json"

    def read_schema(self, stem: str) -> dict:
        return json.loads(self.schema(stem).read_text())

    def write_schema(self, stem: str, doc: dict | str) -> None:
        text = doc if isinstance(doc, str) else json.dumps(doc, indent=2)
        self.schema(stem).write_text(text)

    def edit_schema(self, stem: str, edit) -> None:
        doc = self.read_schema(stem)
        edit(doc)
        self.write_schema(stem, doc)

    def forget(self, *tasks: str) -> None:
        """Make doit run these tasks again although their inputs did not change."""
        subprocess.run([sys.executable, "-m", "doit", "forget", *tasks], cwd=self.root, check=True, capture_output=True)

    def report(self, task: str) -> dict:
        _, lang, stem = task.split(":")
        return json.loads(Path(self.layout.report(f"verify-{lang}", stem)).read_text())

    @property
    def sdk(self) -> Path:
        return Path(self.layout.build) / "sdk"


# Most tests are about software: keep minutes of synthesis and UART simulation out of their plain `doit`,
# and the consumer projects (tests/e2e/test_consume.py builds those).
SOFTWARE_ONLY = '[sdk]\nconsume = false\n\n[hardware]\nsimulate = false\nsynthesize = "never"\n'


def make_project(
    dest: Path, schemas: list[Path] | None = None, config: str = SOFTWARE_ONLY, package: bool = False
) -> Project:
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "atomik.toml").write_text(config)
    shutil.copy(ROOT / "dodo.py", dest / "dodo.py")
    if package:
        shutil.copytree(PACKAGE, dest / "atomik_tasks", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (dest / "schemas").mkdir()
    for path in SCHEMAS if schemas is None else schemas:
        shutil.copy(path, dest / "schemas" / path.name)
    return Project(dest)


def minimal_schema(**over) -> dict:
    """A small valid schema; keyword arguments replace top-level sections."""
    doc = {
        "catalogue": {
            "vertical": "Compute",
            "field": "Test",
            "object": "Minimal",
            "version": "1.0.0",
            "author": "atomik-tasks tests",
            "license": "MIT",
            "description": "A minimal schema used by the tests.",
        },
        "schema": {
            "delta_fields": {"value": {"type": "delta_stream", "width": 32}},
            "operations": {"accumulate": {"enabled": True}},
        },
    }
    doc.update(over)
    return doc


def env_without(folder: Path, *programs: str) -> dict[str, str]:
    """An environment whose PATH has this interpreter's scripts and every program of /usr/bin but `programs`
    (a machine where they are not installed)."""
    import os

    folder.mkdir(parents=True)
    for entry in os.scandir("/usr/bin"):
        if entry.name not in programs:
            (folder / entry.name).symlink_to(entry.path)
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{folder}"}
