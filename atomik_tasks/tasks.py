"""doit task creators. dodo.py imports these; each returns plain task dicts wired to pipeline functions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import pipeline, targets
from .paths import PACKAGE_DIR, Layout

# Code whose change must re-run a stage (besides its data inputs).
_MODEL_CODE = [
    PACKAGE_DIR / name
    for name in ("jsonsource.py", "validation.py", "model.py", "naming.py", "diagnostics.py", "spec/atomik-schema.json")
]
_RENDER_CODE = [PACKAGE_DIR / name for name in ("targets/base.py", "escape.py", "naming.py")]


def _files(paths: list[Path]) -> list[str]:
    return [str(p) for p in paths]


def _templates(layout: Layout, target: str) -> list[Path]:
    return sorted(p for p in (layout.templates / target).rglob("*") if p.is_file())


def catalogue_task(layout: Layout) -> dict[str, Any]:
    schema_files = layout.schema_files()
    return {
        "basename": "catalogue",
        "doc": "check that no two schemas share (vertical, field, object)",
        "actions": [(pipeline.write_catalogue, [layout])],
        "file_dep": _files(schema_files) + _files(_MODEL_CODE),
        "targets": _files([layout.clash(p.stem) for p in schema_files]),
        "clean": True,
    }


def model_tasks(layout: Layout) -> Iterator[dict[str, Any]]:
    """normalize:<schema> writes result, identity, model and views; validate:<schema> reports and fails."""
    plugin_code = [Path(targets.module_file(t)) for t in targets.all_targets().values()]
    for path in layout.schema_files():
        stem = path.stem
        views = [layout.view(t, stem) for t in targets.all_targets()]
        yield {
            "basename": "normalize",
            "name": stem,
            "doc": f"validate {path.name} and cut one view per target (never fails; see validate:{stem})",
            "actions": [(pipeline.build_model, [layout, stem])],
            "file_dep": _files([path, layout.clash(stem), *_MODEL_CODE, *plugin_code]),
            "targets": _files([layout.result(stem), layout.ident(stem), layout.model(stem), *views]),
            "clean": True,
        }
        yield {
            "basename": "validate",
            "name": stem,
            "doc": f"report the diagnostics of {path.name}; fails on any error",
            "actions": [(pipeline.report_result, [layout, stem])],
            "file_dep": _files([layout.result(stem)]),
            "verbosity": 2,
        }


def generate_tasks(layout: Layout) -> Iterator[dict[str, Any]]:
    """generate:<lang>:<schema>, the package index package:<lang>, and the group generate:<lang>."""
    stems = [p.stem for p in layout.schema_files()]
    for name, target in targets.all_targets().items():
        code = [*_RENDER_CODE, Path(targets.module_file(target)), *_templates(layout, name)]
        for stem in stems:
            outputs = pipeline.schema_output_paths(layout, name, stem)
            yield {
                "basename": "generate",
                "name": f"{name}:{stem}",
                "doc": f"{name} SDK code for {stem}",
                "actions": [(pipeline.generate, [layout, name, stem])],
                "file_dep": _files([layout.view(name, stem), *code]),
                "task_dep": [f"validate:{stem}"],
                "targets": _files([layout.manifest(name, stem), *outputs]),
                "clean": True,
            }
        yield {
            "basename": "package",
            "name": name,
            "doc": f"{name} package index files wiring every valid schema",
            "actions": [(pipeline.generate_package, [layout, name])],
            "file_dep": _files([*(layout.ident(s) for s in stems), *code]),
            "targets": _files([layout.manifest(name, "_package")]),
            "clean": True,
        }
        yield {
            "basename": "generate",
            "name": name,
            "doc": f"the whole {name} SDK under build/sdk/{name}/",
            "actions": None,
            "task_dep": [f"generate:{name}:{stem}" for stem in stems] + [f"package:{name}"],
        }


def doit_config(layout: Layout) -> dict[str, Any]:
    """DOIT_CONFIG: sqlite3 keeps every result when two runs overlap (dbm and json lose some)."""
    layout.build.mkdir(parents=True, exist_ok=True)
    return {
        "backend": "sqlite3",
        "dep_file": str(layout.build / "doit.sqlite3"),
        "check_file_uptodate": "md5",
    }


def pipeline_tasks(layout: Layout) -> Iterator[dict[str, Any]]:
    yield catalogue_task(layout)
    yield from model_tasks(layout)
    yield from generate_tasks(layout)
