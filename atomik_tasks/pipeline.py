"""The stages of the build as plain functions: each reads files, writes files, and returns.

doit calls these as python-actions (tasks.py wires them); tests call them directly.
Every write goes through fsio.write_if_changed, so an unchanged output keeps its
mtime and its hash, and downstream tasks stay up to date.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from . import schemadiff, targets, vectors
from .diagnostics import Diagnostic, errors
from .fsio import read_json, sha256_text, write_if_changed, write_json
from .jsonsource import SourceError, read_schema_file
from .model import ident, identity, identity_key, normalize
from .paths import Layout

_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
VECTORS_VIEW = "_vectors"  # views/_vectors/<stem>.json: what the shared test vectors depend on


def display_path(layout: Layout, path: Path) -> str:
    try:
        return str(path.relative_to(layout.root))
    except ValueError:
        return str(path)


# ---- stage 0: identities across all schemas --------------------------------
def identities(layout: Layout) -> dict[str, str]:
    """{stem: identity key} of every schema file whose catalogue can be read (others are skipped)."""
    out = {}
    for path in layout.schema_files():
        try:
            doc = read_schema_file(path).doc
        except SourceError:
            continue
        ident_ = identity(doc)
        if ident_:
            out[path.stem] = identity_key(ident_)
    return out


def write_catalogue(layout: Layout) -> None:
    """One small file per schema listing the other schema files that share its identity."""
    keys = identities(layout)
    stems = [p.stem for p in layout.schema_files()]
    for stem in stems:
        clashes = sorted(
            display_path(layout, layout.schemas / f"{other}.json")
            for other, key in keys.items()
            if other != stem and key == keys.get(stem)
        )
        write_json(layout.clash(stem), clashes)
    for stale in layout.catalogue_dir.glob("*.json"):
        if stale.stem not in stems:
            stale.unlink()


# ---- stage 1: validate and normalize one schema ---------------------------
def check_schema(path: Path, display: str, clashes: list[str]) -> tuple[list[Diagnostic], dict[str, Any] | None]:
    """Diagnostics and, when there is no error, the normalized model. Pure apart from reading path."""
    diags: list[Diagnostic] = []
    if not _STEM.fullmatch(path.stem):
        diags.append(
            Diagnostic(display, "(root)", 0, "file-name", "schema file names may hold only letters, digits, . _ -")
        )
    try:
        src = read_schema_file(path, display)
    except SourceError as exc:
        return diags + exc.diagnostics, None
    from .validation import validate  # jsonschema is slow to import; only validation needs it

    diags += validate(src, clashes)
    if errors(diags):
        return diags, None
    return diags, normalize(src.doc, path.stem)


def build_model(layout: Layout, stem: str) -> None:
    """Write the result, identity, model and every target's view of one schema (never raises on bad input).

    An invalid schema gets its result file (read by the validate task) and loses its
    model and views, so nothing downstream can build from a stale copy.
    """
    path = layout.schemas / f"{stem}.json"
    clash_file = layout.clash(stem)
    clashes = read_json(clash_file) if clash_file.exists() else []
    diags, model = check_schema(path, display_path(layout, path), clashes)
    source = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""
    write_json(
        layout.result(stem),
        {"valid": model is not None, "source_sha256": source, "diagnostics": [d.to_dict() for d in diags]},
    )
    outputs = [layout.model(stem), layout.view(VECTORS_VIEW, stem)] + [
        layout.view(t, stem) for t in targets.all_targets()
    ]
    if model is None:
        write_json(layout.ident(stem), {"stem": stem, "valid": False})
        for out in outputs:
            out.unlink(missing_ok=True)
        return
    write_json(layout.ident(stem), {**ident(model), "valid": True})
    write_json(schemadiff.source_snapshot(layout, stem), json.loads(path.read_text("utf-8")))  # for `doit diff`
    write_json(layout.model(stem), model)
    write_json(layout.view(VECTORS_VIEW, stem), vectors.view(model))
    for name, target in targets.all_targets().items():
        write_json(layout.view(name, stem), target.view(model))


def report_result(layout: Layout, stem: str) -> bool:
    """Print the diagnostics of one schema; False (a failed doit task) when any is an error."""
    result = read_json(layout.result(stem))
    diags = [Diagnostic.from_dict(d) for d in result["diagnostics"]]
    for d in diags:
        print(d.format(), file=sys.stderr if d.severity == "error" else sys.stdout)
    bad = errors(diags)
    if bad:
        print(f"{display_path(layout, layout.schemas / (stem + '.json'))}: {len(bad)} error(s)", file=sys.stderr)
    return not bad


# ---- stage 2: generate one target for one schema --------------------------
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


def generate(layout: Layout, target_name: str, stem: str) -> None:
    target = targets.get(target_name)
    view = read_json(layout.view(target_name, stem))
    files = target.render_schema(view, layout.templates)
    _write_tree(layout.sdk(target_name), files, layout.manifest(target_name, stem))


def read_ident(path: str | Path) -> dict[str, Any] | None:
    """The identity file of a valid schema without its `valid` flag; None when missing, unreadable or invalid.
    Task creation calls this once per schema on every `doit` run, so it takes string paths too."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not data.pop("valid", False):
        return None
    return data


def valid_idents(layout: Layout) -> list[dict[str, Any]]:
    idents = (read_ident(layout.ident(path.stem)) for path in layout.schema_files())
    return [i for i in idents if i is not None]


def generate_package(layout: Layout, target_name: str) -> None:
    """Index files that wire every valid schema into one package; schemas that left are unwired and removed."""
    target = targets.get(target_name)
    files = target.render_package(valid_idents(layout), layout.templates)
    _write_tree(layout.sdk(target_name), files, layout.manifest(target_name, "_package"))
    present = {p.stem for p in layout.schema_files()}
    for manifest in layout.manifest(target_name, "x").parent.glob("*.json"):
        if manifest.stem != "_package" and manifest.stem not in present:
            for rel in read_json(manifest):
                (layout.sdk(target_name) / rel).unlink(missing_ok=True)
            manifest.unlink()


def remove_listed(manifest: Path, base: Path) -> None:
    """`doit clean` for a task that keeps a manifest: remove the files it lists (relative to base), then it."""
    if manifest.exists():
        for rel in read_json(manifest):
            (base / rel).unlink(missing_ok=True)
        manifest.unlink()


def write_vectors(layout: Layout, stem: str) -> None:
    """build/vectors/<stem>.txt (software) and .hex (Verilog testbench) from the reference model."""
    vview = read_json(layout.view(VECTORS_VIEW, stem))
    ops = vectors.generate(vview)
    out = layout.build / "vectors"
    write_if_changed(out / f"{stem}.txt", vectors.to_text(ops))
    write_if_changed(out / f"{stem}.hex", vectors.to_hex(ops, vview))


def check_interfaces(layout: Layout, stem: str) -> bool:
    """Every field and enabled operation of a schema is present in every language's output."""
    missing = []
    checked = 0
    ident_ = read_json(layout.ident(stem))
    if ident_.get("valid"):
        for name, target in targets.all_targets().items():
            view = read_json(layout.view(name, stem))
            rel = target.interface_file(target.context(view))
            path = layout.sdk(name) / rel
            text = path.read_text("utf-8")
            anchor = next((i for i, line in enumerate(text.splitlines(), 1) if ident_["object"] in line), 1)
            for symbol, what in target.expected_interface(view):
                checked += 1
                if symbol not in text:
                    shown = display_path(layout, path)
                    missing.append(f"{shown}:{anchor}: {name}: {stem}: {what} missing (expected `{symbol}`)")
    for line in missing:
        print(line, file=sys.stderr)
    print(f"interfaces: {checked - len(missing)} passed, {len(missing)} failed")
    return not missing


def write_fingerprint(out: str, files: list[str], root: str) -> None:
    """One line per input file: its sha256 and its path (relative to root when inside it)."""
    lines = []
    for name in files:
        digest = hashlib.sha256(Path(name).read_bytes()).hexdigest()
        rel = os.path.relpath(name, root) if name.startswith(root + os.sep) else name
        lines.append(f"{digest}  {rel}")
    write_if_changed(Path(out), "\n".join(lines) + "\n")
