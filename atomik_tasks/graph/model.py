"""Tasks of the first stages: fingerprint:<stage>, catalogue, normalize:<schema>, validate:<schema>."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..languages.normalize import build_model, report_result, write_catalogue
from ..layout import VECTORS_VIEW
from .doitapi import call
from .fingerprints import project_files, stage_files, write_fingerprint
from .project import Project


def fingerprint_tasks(p: Project) -> Iterator[dict[str, Any]]:
    for name, shipped in stage_files().items():
        # a project's own templates (templates/<language>/, templates/board/) are part of that stage
        override = p.layout.template_override("board" if name == "hardware" else name)
        files = [*shipped, *(project_files(override) if override else [])]
        yield {
            "basename": "fingerprint",
            "name": name,
            "doc": f"hash of the code and templates {name} output depends on",
            "actions": [(write_fingerprint, [p.layout.fingerprint(name), files])],
            "file_dep": files,
            "targets": [p.layout.fingerprint(name)],
            "clean": True,
        }


def catalogue_task(p: Project) -> dict[str, Any]:
    return {
        "basename": "catalogue",
        "doc": "check that no two schemas share (vertical, field, object)",
        "actions": [(call, [write_catalogue, p.layout])],
        "file_dep": [p.layout.schema(s) for s in p.stems] + [p.layout.fingerprint("model")],
        "targets": [p.layout.clash(s) for s in p.stems],
        "clean": True,
    }


def model_tasks(p: Project) -> Iterator[dict[str, Any]]:
    """normalize:<schema> writes result, identity, model and views; validate:<schema> reports and fails."""
    lay = p.layout
    for stem in p.stems:
        yield {
            "basename": "normalize",
            "name": stem,
            "doc": f"validate {stem}.json and cut one view per language (never fails; see validate:{stem})",
            "actions": [(call, [build_model, lay, stem])],
            "file_dep": [lay.schema(stem), lay.clash(stem), lay.fingerprint("model")],
            "targets": [
                lay.model(stem, "result"),
                lay.model(stem, "ident"),
                lay.model(stem, "model"),
                lay.model(stem, "source"),  # the last valid document, for `doit diff`
                lay.view(VECTORS_VIEW, stem),
                *(lay.view(t, stem) for t in p.languages),
            ],
            "clean": True,
        }
        yield {
            "basename": "validate",
            "name": stem,
            "doc": f"report the diagnostics of {stem}.json; fails on any error",
            "actions": [(call, [report_result, lay, stem])],
            "file_dep": [lay.model(stem, "result")],
            "meta": {"warnings": p.warnings(stem)},  # the reporter names an up-to-date schema's warnings
        }
