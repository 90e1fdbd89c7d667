"""The generate stage: one language's files for one schema, and each language's package index files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..fsio import read_json, remove_files, sha256_text, write_if_changed, write_json
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
    remove_files(root, sorted(old - set(files)))
    write_json(manifest, {rel: sha256_text(content) for rel, content in sorted(files.items())})


def generate(layout: Layout, language: str, stem: str) -> None:
    view = read_json(Path(layout.view(language, stem)))
    if view == {"invalid": True}:  # normalize's stand-in for an invalid schema: its files go, nothing else
        remove_listed(layout.manifest(language, stem), layout.sdk(language))
        write_json(Path(layout.manifest(language, stem)), {})
        return
    files = get(language).render_schema(view, layout.template_override(language))
    _write_tree(Path(layout.sdk(language)), files, Path(layout.manifest(language, stem)))


def load_ident(path: str) -> tuple[dict[str, Any] | None, int]:
    """(the identity of a valid schema, or None when missing, unreadable or invalid; its warning count).
    Task creation calls this once per schema on every `doit` run, so it takes a string path."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None, 0
    if not isinstance(data, dict) or not data.pop("valid", False):
        return None, 0
    return data, data.pop("warnings", 0)


def read_ident(path: str) -> dict[str, Any] | None:
    """The identity of a valid schema (vertical, field, object, stem), or None."""
    return load_ident(path)[0]


def valid_idents(layout: Layout) -> list[dict[str, Any]]:
    idents = (read_ident(layout.model(stem, "ident")) for stem in layout.stems())
    return [i for i in idents if i is not None]


def generate_package(layout: Layout, language: str) -> None:
    """Index files that wire every valid schema into one package (the catalogue task removed the files of
    schemas that left)."""
    files = get(language).render_package(valid_idents(layout), layout.template_override(language))
    _write_tree(Path(layout.sdk(language)), files, Path(layout.manifest(language, PACKAGE_CHECK)))


def remove_listed(manifest: str, base: str) -> None:
    """`doit clean` for a task that keeps a manifest: remove the files it lists (relative to base), then it."""
    path = Path(manifest)
    if path.exists():
        remove_files(Path(base), list(read_json(path)))
        path.unlink()
