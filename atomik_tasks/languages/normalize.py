"""The model stage: validate each schema against the spec and every language's reserved words, then write
its normalized model and the slice of it (view) each language and the vectors read.

It sits with the languages because it is the one stage that must know all of them. Every write goes through
fsio.write_if_changed, so an unchanged output keeps its mtime and hash and downstream tasks stay up to date.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from ..fsio import read_json, remove_files, write_json
from ..layout import VECTORS_VIEW, Layout
from ..reference import vectors
from ..schema.diagnostics import Diagnostic, errors
from ..schema.model import ident, identity, identity_key, normalize
from ..schema.source import Located, SourceError, parse_text, read_schema_file
from . import all_languages, names, reserved
from .generate import read_ident

_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def identities(layout: Layout) -> dict[str, str]:
    """{stem: identity key} of every schema file whose catalogue can be read (others are skipped)."""
    out = {}
    for stem in layout.stems():
        try:
            doc = read_schema_file(Path(layout.schema(stem))).doc
        except SourceError:
            continue
        ident_ = identity(doc)
        if ident_:
            out[stem] = identity_key(ident_)
    return out


def write_catalogue(layout: Layout) -> None:
    """One small file per schema listing the other schema files that share its identity."""
    keys = identities(layout)
    stems = layout.stems()
    for stem in stems:
        clashes = sorted(
            layout.display(layout.schema(other))
            for other, key in keys.items()
            if other != stem and key == keys.get(stem)
        )
        write_json(Path(layout.clash(stem)), clashes)
    prune_removed(layout, set(stems))


def prune_removed(layout: Layout, present: set[str]) -> None:
    """Remove everything a schema that left schemas/ had in build/: model, views, generated files, cores,
    board and synthesis folders, vectors, reports and logs (nothing of it may look current)."""
    for stem in set(layout.built_stems()) - present:
        ident = read_ident(layout.model(stem, "ident"))
        key = names(ident)["key"] if ident else None
        for manifest in Path(layout.build, "manifests").glob(f"*/{stem}.json"):
            kind = manifest.parent.name
            try:
                listed = list(read_json(manifest))
            except (OSError, ValueError):
                listed = []
            if kind != "board" or key:
                remove_files(Path(layout.manifest_base(kind, key or "")), listed)
            manifest.unlink()
        files, folders = layout.outputs_of(stem, key)
        for name in files:
            Path(name).unlink(missing_ok=True)
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
    for stale in Path(layout.catalogue_dir).glob("*.json"):
        if stale.stem not in present:
            stale.unlink()


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
    diags += check_located(src, clashes)
    if errors(diags):
        return diags, None
    return diags, normalize(src.doc, path.stem)


def check_located(src: Located, clashes: list[str]) -> list[Diagnostic]:
    """The spec's and the languages' diagnostics of a parsed document."""
    from ..schema.validate import validate  # jsonschema is slow to import; only validation needs it

    return validate(src, clashes, reserved())


def check_text(text: str, display: str, clashes: list[str]) -> tuple[Located | None, list[Diagnostic]]:
    """A schema's text (not yet a file: `doit fix` checks its repairs before writing them)."""
    try:
        src = parse_text(text, display)
    except SourceError as exc:
        return None, exc.diagnostics
    return src, check_located(src, clashes)


def views(model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{view name: view}: one per language, and the vectors' own."""
    out = {VECTORS_VIEW: vectors.view(model)}
    for name, language in all_languages().items():
        out[name] = language.view(model)
    return out


INVALID_VIEW = {"invalid": True}


def is_invalid(view: dict[str, Any]) -> bool:
    return view == INVALID_VIEW


def build_model(layout: Layout, stem: str) -> None:
    """Write the result, identity, model and every view of one schema (never raises on bad input).

    An invalid schema gets its result file (read by the validate task) and loses its model and views (each
    language's replaced by INVALID_VIEW), so nothing downstream can build from a stale copy.
    """
    path = Path(layout.schema(stem))
    clash_file = Path(layout.clash(stem))
    clashes = read_json(clash_file) if clash_file.exists() else []
    diags, model = check_schema(path, layout.display(path), clashes)
    source = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""
    write_json(
        Path(layout.model(stem, "result")),
        {"valid": model is not None, "source_sha256": source, "diagnostics": [d.to_dict() for d in diags]},
    )
    if model is None:
        write_json(Path(layout.model(stem, "ident")), {"stem": stem, "valid": False})
        Path(layout.model(stem, "model")).unlink(missing_ok=True)
        Path(layout.view(VECTORS_VIEW, stem)).unlink(missing_ok=True)
        for name in all_languages():
            # a stand-in view: generate:<lang>:<stem> runs on it and removes the schema's files (it does not wait
            # for validate:<stem>, so one invalid schema never fails the package of the valid ones)
            write_json(Path(layout.view(name, stem)), INVALID_VIEW)
        return
    # the warning count rides along so that task creation (which reads this file anyway) can say an
    # up-to-date schema still has warnings, at no cost
    warnings = sum(1 for d in diags if d.severity == "warning")
    write_json(Path(layout.model(stem, "ident")), {**ident(model), "valid": True, "warnings": warnings})
    write_json(Path(layout.model(stem, "source")), json.loads(path.read_text("utf-8")))  # for `doit diff`
    write_json(Path(layout.model(stem, "model")), model)
    for name, view in views(model).items():
        write_json(Path(layout.view(name, stem)), view)


def report_result(layout: Layout, stem: str) -> bool:
    """Print the diagnostics of one schema; False (a failed doit task) when any is an error."""
    diags = last_diagnostics(layout, stem)
    for d in diags:
        print(d.format(), file=sys.stderr if d.severity == "error" else sys.stdout)
    bad = errors(diags)
    if bad:
        print(f"{layout.display(layout.schema(stem))}: {len(bad)} error(s)", file=sys.stderr)
    return not bad


def warning_lines(layout: Layout, stem: str) -> list[str]:
    """The warnings of a schema's last validation, as validate:<schema> printed them."""
    return [d.format() for d in last_diagnostics(layout, stem) if d.severity == "warning"]


def last_diagnostics(layout: Layout, stem: str) -> list[Diagnostic]:
    """What the schema's last normalize found (its result file)."""
    result = read_json(Path(layout.model(stem, "result")))
    return [Diagnostic.from_dict(d) for d in result["diagnostics"]]
