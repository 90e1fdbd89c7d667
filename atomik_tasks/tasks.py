"""doit task creators. dodo.py imports these; each returns plain task dicts wired to pipeline functions.

Task creation runs on every `doit` call, so it stays cheap: string paths, one small read per schema,
and each generate task depends on one fingerprint file instead of every template and code file.
A task's file_dep list never depends on what an earlier run wrote (doit would count a grown list as
a change); generated files are tracked through their manifest, which holds each file's sha256.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from . import hardware, pipeline, targets, verify
from .paths import PACKAGE_DIR, Layout
from .reporter import AtomikReporter

_PKG = str(PACKAGE_DIR)
# Code whose change must re-run a stage (besides its data inputs).
_MODEL_CODE = [
    os.path.join(_PKG, name)
    for name in (
        "jsonsource.py",
        "validation.py",
        "model.py",
        "naming.py",
        "diagnostics.py",
        "pipeline.py",
        "spec/atomik-schema.json",
    )
]
_RENDER_CODE = [os.path.join(_PKG, name) for name in ("targets/base.py", "escape.py", "naming.py")]


def group(basename: str, name: str | None, doc: str, task_dep: list[str] | None = None) -> dict[str, Any]:
    """A task that only runs others. uptodate=True: doit would otherwise count it as executed on every run."""
    task = {"basename": basename, "name": name, "doc": doc, "actions": None, "uptodate": [True]}
    if task_dep is not None:
        task["task_dep"] = task_dep
    return task


class _Paths:
    """String paths of one project (pathlib is measurably slow when building thousands of task dicts)."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self.root = str(layout.root)
        self.build = str(layout.build)
        self.stems = [p.stem for p in layout.schema_files()]
        self.targets = list(targets.all_targets())
        self._idents: dict[str, dict[str, Any] | None] = {}

    def schema(self, stem: str) -> str:
        return f"{self.root}/schemas/{stem}.json"

    def model(self, stem: str, kind: str) -> str:
        return f"{self.build}/model/{stem}.{kind}.json"

    def view(self, target: str, stem: str) -> str:
        return f"{self.build}/views/{target}/{stem}.json"

    def clash(self, stem: str) -> str:
        return f"{self.build}/catalogue/{stem}.json"

    def manifest(self, target: str, stem: str) -> str:
        return f"{self.build}/manifests/{target}/{stem}.json"

    def fingerprint(self, name: str) -> str:
        return f"{self.build}/fingerprints/{name}.txt"

    def ident(self, stem: str) -> dict[str, Any] | None:
        """The identity file of a valid schema (read once per run), or None."""
        if stem not in self._idents:
            self._idents[stem] = pipeline.read_ident(self.model(stem, "ident"))
        return self._idents[stem]

    def outputs(self, target: str, stem: str) -> list[str]:
        """Files generate:<target>:<stem> writes; they depend on identity only (unknown before the first run)."""
        ident = self.ident(stem)
        if not ident:
            return []
        sdk = f"{self.build}/sdk/{target}"
        return [f"{sdk}/{rel}" for rel in targets.get(target).schema_outputs(targets.names(ident))]


def fingerprint_tasks(p: _Paths) -> Iterator[dict[str, Any]]:
    """fingerprint:model and fingerprint:<lang>: one file that changes when any code or template of a stage does."""
    plugin_code = [targets.module_file(t) for t in targets.all_targets().values()]
    inputs = {
        "model": _MODEL_CODE + plugin_code,
        "vectors": [os.path.join(_PKG, n) for n in ("vectors.py", "reference.py")],
        "verify": [os.path.join(_PKG, n) for n in ("verify.py", "toolchain.py")],
    }
    for name, target in targets.all_targets().items():
        tpl_dir = os.path.join(str(p.layout.templates), name)
        templates = sorted(
            os.path.join(d, f) for d, _, files in os.walk(tpl_dir) for f in files if not f.startswith(".")
        )
        inputs[name] = [*_RENDER_CODE, targets.module_file(target), *templates]
    for name, files in inputs.items():
        yield {
            "basename": "fingerprint",
            "name": name,
            "doc": f"hash of the code and templates {name} output depends on",
            "actions": [(pipeline.write_fingerprint, [p.fingerprint(name), files, p.root])],
            "file_dep": files,
            "targets": [p.fingerprint(name)],
            "clean": True,
        }


def catalogue_task(p: _Paths) -> dict[str, Any]:
    return {
        "basename": "catalogue",
        "doc": "check that no two schemas share (vertical, field, object)",
        "actions": [(pipeline.write_catalogue, [p.layout])],
        "file_dep": [p.schema(s) for s in p.stems] + [p.fingerprint("model")],
        "targets": [p.clash(s) for s in p.stems],
        "clean": True,
    }


def model_tasks(p: _Paths) -> Iterator[dict[str, Any]]:
    """normalize:<schema> writes result, identity, model and views; validate:<schema> reports and fails."""
    for stem in p.stems:
        yield {
            "basename": "normalize",
            "name": stem,
            "doc": f"validate {stem}.json and cut one view per target (never fails; see validate:{stem})",
            "actions": [(pipeline.build_model, [p.layout, stem])],
            "file_dep": [p.schema(stem), p.clash(stem), p.fingerprint("model")],
            "targets": [
                p.model(stem, "result"),
                p.model(stem, "ident"),
                p.model(stem, "model"),
                p.model(stem, "source"),  # the last valid document, for `doit diff`
                p.view(pipeline.VECTORS_VIEW, stem),
                *(p.view(t, stem) for t in p.targets),
            ],
            "clean": True,
        }
        yield {
            "basename": "validate",
            "name": stem,
            "doc": f"report the diagnostics of {stem}.json; fails on any error",
            "actions": [(pipeline.report_result, [p.layout, stem])],
            "file_dep": [p.model(stem, "result")],
            "verbosity": 1,  # captured: the reporter prints it as one block
        }


def generate_tasks(p: _Paths) -> Iterator[dict[str, Any]]:
    """generate:<lang>:<schema>, the package index package:<lang>, and the group generate:<lang>."""
    for name in targets.all_targets():
        for stem in p.stems:
            yield {
                "basename": "generate",
                "name": f"{name}:{stem}",
                "doc": f"{name} SDK code for {stem}",
                "actions": [(pipeline.generate, [p.layout, name, stem])],
                "file_dep": [p.view(name, stem), p.fingerprint(name)],
                "task_dep": [f"validate:{stem}"],
                "targets": [p.manifest(name, stem), *p.outputs(name, stem)],
                "clean": [(pipeline.remove_listed, [p.layout.manifest(name, stem), p.layout.sdk(name)])],
            }
        yield {
            "basename": "package",
            "name": name,
            "doc": f"{name} package index files wiring every valid schema",
            "actions": [(pipeline.generate_package, [p.layout, name])],
            "file_dep": [p.model(s, "ident") for s in p.stems] + [p.fingerprint(name)],
            "targets": [p.manifest(name, "_package")],
            "clean": [(pipeline.remove_listed, [p.layout.manifest(name, "_package"), p.layout.sdk(name)])],
        }
        yield group(
            "generate",
            name,
            f"the whole {name} SDK under build/sdk/{name}/",
            [f"generate:{name}:{stem}" for stem in p.stems] + [f"package:{name}"],
        )


def vectors_tasks(p: _Paths) -> Iterator[dict[str, Any]]:
    for stem in p.stems:
        yield {
            "basename": "vectors",
            "name": stem,
            "doc": f"shared test vectors of {stem} from the reference model",
            "actions": [(pipeline.write_vectors, [p.layout, stem])],
            "file_dep": [p.view(pipeline.VECTORS_VIEW, stem), p.fingerprint("vectors")],
            "task_dep": [f"validate:{stem}"],
            "targets": [f"{p.build}/vectors/{stem}.txt", f"{p.build}/vectors/{stem}.hex"],
            "clean": True,
        }


def verify_tasks(p: _Paths) -> Iterator[dict[str, Any]]:
    """verify:<lang>:<schema> replays the vectors; verify:<lang>:_package checks the whole package."""
    for name, target in targets.all_targets().items():
        yield from target.extra_tasks(p)
        code = [p.fingerprint(name), p.fingerprint("verify")]
        package = p.manifest(name, verify.PACKAGE)
        subtasks = []
        for stem in p.stems:
            subtasks.append(f"verify:{name}:{stem}")
            yield {
                "basename": "verify",
                "name": f"{name}:{stem}",
                "doc": f"{name} SDK of {stem}: native toolchain and shared vectors",
                "actions": [(verify.run_verify, [p.layout, name, stem])],
                "file_dep": [
                    p.manifest(name, stem),  # sha256 of every generated file: changes exactly when they do
                    f"{p.build}/vectors/{stem}.txt",
                    *target.verify_deps(p, stem),
                    *code,
                ],
                # The package compiles as a whole (a crate, imports of sibling modules): wait for all of it.
                # task_dep orders only; whether this re-runs still depends on this schema's files alone.
                "task_dep": [f"validate:{stem}", f"generate:{name}"],
                "targets": [str(verify.report_path(p.layout, name, stem))],
                "verbosity": 1,  # captured: the reporter prints it as one block
                "clean": True,
            }
        if target.package_check:
            subtasks.append(f"verify:{name}:{verify.PACKAGE}")
            yield {
                "basename": "verify",
                "name": f"{name}:{verify.PACKAGE}",
                "doc": f"the whole {name} package: every schema together",
                "actions": [(verify.run_verify, [p.layout, name, verify.PACKAGE])],
                "file_dep": [package, *(p.manifest(name, s) for s in p.stems), *code],
                "task_dep": [f"generate:{name}"],
                "targets": [str(verify.report_path(p.layout, name, verify.PACKAGE))],
                "verbosity": 1,  # captured: the reporter prints it as one block
                "clean": True,
            }
        yield group("verify", name, f"verify the {name} SDK", subtasks)


def check_tasks(p: _Paths) -> Iterator[dict[str, Any]]:
    """check:interfaces:<schema>: every field and enabled operation is present in every language."""
    langs = list(targets.all_targets())
    yield group("check", None, "cross-language checks (check:interfaces)")
    for stem in p.stems:
        yield {
            "basename": "check",
            "name": f"interfaces:{stem}",
            "doc": f"every field and operation of {stem} in every language",
            "actions": [(pipeline.check_interfaces, [p.layout, stem])],
            "file_dep": [p.manifest(t, stem) for t in langs] + [p.fingerprint(t) for t in langs],
            "task_dep": [f"validate:{stem}"],
            "verbosity": 1,  # captured: the reporter prints it as one block
        }
    yield group("check", "interfaces", "check every schema's interface", [f"check:interfaces:{s}" for s in p.stems])


def diff_task(p: _Paths) -> dict[str, Any]:
    from . import schemadiff

    return {
        "basename": "diff",
        "doc": "what changed in each schema since its last good build, and which targets that rebuilds",
        "actions": [(schemadiff.print_report, [p.layout])],
        "uptodate": [False],
        "verbosity": 2,
    }


def doit_config(layout: Layout) -> dict[str, Any]:
    """DOIT_CONFIG: sqlite3 keeps every result when two runs overlap (dbm and json lose some)."""
    layout.build.mkdir(parents=True, exist_ok=True)
    return {
        "backend": "sqlite3",
        "dep_file": str(layout.build / "doit.sqlite3"),
        "check_file_uptodate": "md5",
        "reporter": AtomikReporter,
        # `doit clean` removes what every task wrote (group sub-tasks too) and forgets their state.
        "cleandep": True,
        "cleanforget": True,
        # program and hwtest need a board: only when asked for by name.
        "default_tasks": [*_GROUPS, "catalogue", "core", "check", *hardware.default_task_names(layout.root)],
    }


_GROUPS = {
    "fingerprint": "hash the code and templates each stage depends on",
    "normalize": "validate each schema and write its model and target views",
    "validate": "report schema diagnostics; fails on any error",
    "generate": "generate every SDK (generate:<lang> for one language, generate:<lang>:<schema> for one file)",
    "package": "write each SDK's package index files",
    "vectors": "write the shared test vectors of each schema",
    "verify": "verify every SDK with its toolchain (verify:<lang> for one language)",
}


def pipeline_tasks(layout: Layout) -> Iterator[dict[str, Any]]:
    p = _Paths(layout)
    for basename, doc in _GROUPS.items():
        yield group(basename, None, doc)
    yield from fingerprint_tasks(p)
    yield catalogue_task(p)
    yield from model_tasks(p)
    yield from generate_tasks(p)
    yield from vectors_tasks(p)
    yield from verify_tasks(p)
    yield from check_tasks(p)
    yield from hardware.hardware_tasks(p)
    yield diff_task(p)
