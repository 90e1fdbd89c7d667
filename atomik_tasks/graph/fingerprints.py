"""fingerprint:<stage>: one small file per stage that changes exactly when a file of the code it runs does.

Which files each stage depends on is derived from the package tree, by folder, never listed by hand:

- every stage: the package's top-level modules (layout, config, errors, fsio, plugins, tools);
- model (catalogue, normalize, validate): schema/, reference/, the languages' shared modules and each
  language's __init__.py (its views and reserved words are read by validation);
- vectors: reference/;
- <language>: the languages' shared modules and everything in languages/<language>/ (code and templates);
- checks: checks/ (the runner every verify, simulation and synthesis goes through);
- hardware: hardware/ (boards, families, the board design and its templates);
- reports: reports/, feedback/, cache/, cluster/, graph/, cli/, docs/ and __main__.py (they change no build output:
  the feedback loop retries, picks seeds and classifies, the cache restores byte-identical outputs, a cluster
  runs the same stage functions elsewhere, but what passes is judged by the checks; when this one changes the
  reporter writes the HTML page again).

tests/e2e/test_fingerprints.py touches every file of the package and checks that a fingerprint task re-runs.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from ..fsio import write_if_changed

PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_BASE_SKIP = ("__main__.py",)


def _walk(folder: str) -> list[str]:
    """Every file under folder (no caches, no hidden files), sorted."""
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        out += [os.path.join(root, f) for f in files if not f.startswith(".") and not f.endswith((".pyc", ".pyo"))]
    return sorted(out)


def _top(folder: str) -> list[str]:
    """The files directly in folder."""
    return sorted(
        os.path.join(folder, e.name)
        for e in os.scandir(folder)
        if e.is_file() and not e.name.startswith(".") and not e.name.endswith(".pyc")
    )


@functools.cache
def stage_files(package: str = PACKAGE) -> dict[str, list[str]]:
    """{stage: the package files it depends on}."""
    pkg = package
    base = [f for f in _top(pkg) if os.path.basename(f) not in _BASE_SKIP]
    langs_dir = os.path.join(pkg, "languages")
    lang_names = sorted(
        e.name for e in os.scandir(langs_dir) if e.is_dir() and os.path.exists(os.path.join(e.path, "__init__.py"))
    )
    shared = _top(langs_dir)
    stages = {
        "model": [
            *base,
            *_walk(os.path.join(pkg, "schema")),
            *_walk(os.path.join(pkg, "reference")),
            *shared,
            *(os.path.join(langs_dir, n, "__init__.py") for n in lang_names),
        ],
        "vectors": [*base, *_walk(os.path.join(pkg, "reference"))],
        "checks": [*base, *_walk(os.path.join(pkg, "checks"))],
        "hardware": [*base, *_walk(os.path.join(pkg, "hardware"))],
        "reports": [
            *_walk(os.path.join(pkg, "reports")),
            *_walk(os.path.join(pkg, "feedback")),
            *_walk(os.path.join(pkg, "cache")),
            *_walk(os.path.join(pkg, "cluster")),
            *_walk(os.path.join(pkg, "graph")),
            *_walk(os.path.join(pkg, "cli")),
            *_walk(os.path.join(pkg, "docs")),
            *(os.path.join(pkg, n) for n in _BASE_SKIP if os.path.exists(os.path.join(pkg, n))),
        ],
    }
    for name in lang_names:
        stages[name] = [*base, *shared, *_walk(os.path.join(langs_dir, name))]
    return stages


def project_files(folder: str) -> list[str]:
    """Every file of a project folder that overrides shipped ones (templates/<kind>/)."""
    return _walk(folder)


def write_fingerprint(out: str, files: list[str]) -> None:
    """One line per input file: its sha256 and its path (inside the package, or absolute for a project's own)."""
    lines = []
    for name in files:
        digest = hashlib.sha256(Path(name).read_bytes()).hexdigest()
        # a project's own file by its path in the project: no checkout path in a fingerprint
        rel = (
            os.path.relpath(name, PACKAGE)
            if name.startswith(PACKAGE + os.sep)
            else name[name.rfind("/templates/") + 1 :]
        )
        lines.append(f"{digest}  {rel}")
    write_if_changed(Path(out), "\n".join(lines) + "\n")
