"""The generate stage: one language's files for one schema, and each language's package index files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..fsio import read_json, sha256_text, write_if_changed, write_json
from ..layout import PACKAGE_CHECK, Layout
from . import get


def _write_tree(root: Path, files: dict[str, str], manifest: Path) -> None:
    """Write files under root, then remove what the previous manifest listed and this one does not.

    The manifest maps each file to its sha256, so a task that depends on the manifest re-runs exactly
    when some generated content changed.
    """
    old = set(read_json(manifest)) if manifest.exists() else set()
    for rel, content in files.items():
        write_if_changed(root / rel, content)
    for rel in sorted(old - set(files)):
        (root / rel).unlink(missing_ok=True)
    write_json(manifest, {rel: sha256_text(content) for rel, content in sorted(files.items())})


def generate(layout: Layout, language: str, stem: str) -> None:
    view = read_json(Path(layout.view(language, stem)))
    files = get(language).render_schema(view)
    _write_tree(Path(layout.sdk(language)), files, Path(layout.manifest(language, stem)))


def read_ident(path: str) -> dict[str, Any] | None:
    """The identity file of a valid schema without its `valid` flag; None when missing, unreadable or invalid.
    Task creation calls this once per schema on every `doit` run, so it takes a string path."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not data.pop("valid", False):
        return None
    return data


def valid_idents(layout: Layout) -> list[dict[str, Any]]:
    idents = (read_ident(layout.model(stem, "ident")) for stem in layout.stems())
    return [i for i in idents if i is not None]


def generate_package(layout: Layout, language: str) -> None:
    """Index files that wire every valid schema into one package; schemas that left are unwired and removed."""
    files = get(language).render_package(valid_idents(layout))
    sdk = Path(layout.sdk(language))
    _write_tree(sdk, files, Path(layout.manifest(language, PACKAGE_CHECK)))
    present = set(layout.stems())
    for manifest in Path(layout.manifest_dir(language)).glob("*.json"):
        if manifest.stem != PACKAGE_CHECK and manifest.stem not in present:
            for rel in read_json(manifest):
                (sdk / rel).unlink(missing_ok=True)
            manifest.unlink()


def remove_listed(manifest: str, base: str) -> None:
    """`doit clean` for a task that keeps a manifest: remove the files it lists (relative to base), then it."""
    path = Path(manifest)
    if path.exists():
        for rel in read_json(path):
            (Path(base) / rel).unlink(missing_ok=True)
        path.unlink()
