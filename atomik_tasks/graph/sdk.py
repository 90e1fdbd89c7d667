"""Tasks of the SDKs: generate:<lang>:<schema>, package:<lang>, vectors:<schema>, verify:<lang>:<schema>,
check:interfaces:<schema>, consume:<lang>, and core:<schema> (the FuseSoC core of the Verilog SDK).

A task's file_dep list never depends on what an earlier run wrote (doit would count a grown list as a
change); generated files are tracked through their manifest, which holds each file's sha256.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..checks import consume
from ..checks.interfaces import check_interfaces
from ..checks.verify import report_path, run_verify
from ..feedback.retry import with_retry
from ..fsio import remove_paths
from ..hardware.design import SHIPPED_CORES
from ..languages import hdl, names
from ..languages.generate import generate, generate_package, remove_listed
from ..layout import PACKAGE_CHECK, VECTORS_VIEW
from ..reference.vectors import write_vectors
from .caching import cached_action
from .doitapi import call
from .project import Project, group


def generate_tasks(p: Project) -> Iterator[dict[str, Any]]:
    """generate:<lang>:<schema>, the package index package:<lang>, and the group generate:<lang>."""
    lay = p.layout
    for name in p.languages:
        for stem in p.stems:
            yield {
                "basename": "generate",
                "name": f"{name}:{stem}",
                "doc": f"{name} SDK code for {stem}",
                "actions": [(call, [generate, lay, name, stem])],
                # no task_dep on validate:<stem>: an invalid schema's view is a stand-in on which this removes
                # its files, so the package of the valid schemas builds (and `doit --continue` verifies them)
                "file_dep": [lay.view(name, stem), lay.fingerprint(name)],
                "targets": [lay.manifest(name, stem), *p.outputs(name, stem)],
                "clean": [(remove_listed, [lay.manifest(name, stem), lay.sdk(name)])],
            }
        yield {
            "basename": "package",
            "name": name,
            "doc": f"{name} package index files wiring every valid schema",
            "actions": [(call, [generate_package, lay, name])],
            "file_dep": [lay.model(s, "ident") for s in p.stems] + [lay.fingerprint(name)],
            "targets": [lay.manifest(name, PACKAGE_CHECK)],
            "clean": [(remove_listed, [lay.manifest(name, PACKAGE_CHECK), lay.sdk(name)])],
        }
        yield group(
            "generate",
            name,
            f"the whole {name} SDK under build/sdk/{name}/",
            [f"generate:{name}:{stem}" for stem in p.stems] + [f"package:{name}"],
        )


def vectors_tasks(p: Project) -> Iterator[dict[str, Any]]:
    lay = p.layout
    for stem in p.stems:
        deps = [lay.view(VECTORS_VIEW, stem), lay.fingerprint("vectors")]
        if Path(lay.regressions(stem)).exists():  # a proof's counterexample, kept: every SDK replays it
            deps.append(lay.regressions(stem))
        yield {
            "basename": "vectors",
            "name": stem,
            "doc": f"shared test vectors of {stem} from the reference model",
            "actions": [
                cached_action(
                    p,
                    f"vectors:{stem}",
                    deps,
                    [lay.vectors(stem, "txt"), lay.vectors(stem, "hex")],
                    write_vectors,
                    lay,
                    stem,
                )
            ],
            "file_dep": deps,
            "task_dep": [f"validate:{stem}"],
            "targets": [lay.vectors(stem, "txt"), lay.vectors(stem, "hex")],
            "clean": True,
        }


def _verify(p: Project, name: str, stem: str, doc: str, file_dep: list[str], task_dep: list[str]) -> dict[str, Any]:
    lay = p.layout
    task, report = f"verify:{name}:{stem}", report_path(lay, name, stem)
    scratch = [report, lay.log(task), lay.work(name, stem)]
    if stem == PACKAGE_CHECK:
        scratch += p.languages[name].scratch(lay)
    return {
        "basename": "verify",
        "name": f"{name}:{stem}",
        "doc": doc,
        "actions": [
            cached_action(
                p,
                task,
                file_dep,
                [report, lay.log(task)],
                with_retry,
                lay,
                task,
                report,
                p.retry,
                run_verify,
                lay,
                name,
                stem,
                tools=tuple(p.languages[name].tools),
                report=report,
            )
        ],
        "file_dep": file_dep,
        "task_dep": task_dep,
        "targets": [report_path(p.layout, name, stem)],
        "clean": [(remove_paths, [scratch])],
    }


def verify_tasks(p: Project) -> Iterator[dict[str, Any]]:
    """verify:<lang>:<schema> replays the vectors; verify:<lang>:_package checks the whole package."""
    lay = p.layout
    for name, language in p.languages.items():
        code = [lay.fingerprint(name), lay.fingerprint("checks")]
        subtasks = []
        for stem in p.stems:
            subtasks.append(f"verify:{name}:{stem}")
            # manifest: sha256 of every generated file, so it changes exactly when they do. The package
            # compiles as a whole (a crate, imports of sibling modules): wait for all of it. task_dep orders
            # only; whether this re-runs still depends on this schema's files alone.
            deps = [lay.manifest(name, stem), lay.vectors(stem, "txt"), *language.verify_deps(lay, stem), *code]
            doc = f"{name} SDK of {stem}: native toolchain and shared vectors"
            yield _verify(p, name, stem, doc, deps, [f"validate:{stem}", f"generate:{name}"])
        if language.package_check:
            subtasks.append(f"verify:{name}:{PACKAGE_CHECK}")
            deps = [lay.manifest(name, PACKAGE_CHECK), *(lay.manifest(name, s) for s in p.stems), *code]
            doc = f"the whole {name} package: every schema together"
            yield _verify(p, name, PACKAGE_CHECK, doc, deps, [f"generate:{name}"])
        yield group("verify", name, f"verify the {name} SDK", subtasks)


def consume_tasks(p: Project) -> Iterator[dict[str, Any]]:
    """consume:<lang>: the packaged SDK used by a consumer project, as a user of the language would.

    It reads the whole package, so it re-runs when any generated file (or the language's folder) changes."""
    lay = p.layout
    names_ = [name for name, language in p.languages.items() if language.consumer_templates]
    yield group("consume", None, "package each SDK the native way and build a consumer project against it")
    for name in names_:
        language = p.languages[name]
        task, report = f"consume:{name}", consume.report_path(lay, name)
        deps = [lay.manifest(name, PACKAGE_CHECK), *(lay.manifest(name, s) for s in p.stems)]
        deps += [lay.fingerprint(name), lay.fingerprint("checks")]
        tools = (*language.tools, *language.consume_tools)
        yield {
            "basename": "consume",
            "name": name,
            "doc": f"the {name} SDK packaged, installed and used by a consumer project",
            "actions": [
                cached_action(
                    p, task, deps, [report, lay.log(task)], consume.run_consume, lay, name, tools=tools, report=report
                )
            ],
            "file_dep": deps,
            # the FuseSoC consumer finds the generator among the shared cores
            "task_dep": [f"generate:{name}", *(["core:_shared"] if p.languages[name].role == "hdl" else [])],
            "targets": [report],
            "clean": [(remove_paths, [[report, lay.log(task)]])],
        }


def check_tasks(p: Project) -> Iterator[dict[str, Any]]:
    """check:interfaces:<schema>: every field and enabled operation is present in every language."""
    lay = p.layout
    langs = list(p.languages)
    yield group("check", None, "cross-language checks (check:interfaces)")
    for stem in p.stems:
        yield {
            "basename": "check",
            "name": f"interfaces:{stem}",
            "doc": f"every field and operation of {stem} in every language",
            "actions": [(call, [check_interfaces, lay, stem])],
            "file_dep": [lay.manifest(t, stem) for t in langs]
            + [lay.fingerprint(t) for t in langs]
            + [lay.fingerprint("checks")],
            "task_dep": [f"validate:{stem}"],
        }
    yield group("check", "interfaces", "check every schema's interface", [f"check:interfaces:{s}" for s in p.stems])


def core_tasks(p: Project) -> Iterator[dict[str, Any]]:
    """core:<schema>: build/cores/<key>/ holds the core file, its RTL, testbench and vectors."""
    lay = p.layout
    yield group("core", None, "FuseSoC cores under build/cores/, one per schema, and the shared ones")
    cores = hdl().cores
    shared = {**cores.shared_core_files(lay, cores.SHIPPED), **cores.shared_core_files(lay, SHIPPED_CORES)}
    yield {
        "basename": "core",
        "name": "_shared",
        "doc": "the shared cores (testbench clock, UART) under build/cores/, beside the generated ones",
        "actions": [(call, [cores.write_shared_cores, lay, shared])],
        "file_dep": sorted(shared.values()),
        "targets": [f"{lay.cores_dir}/{rel}" for rel in shared],
        "clean": True,
    }
    for stem in p.stems:
        ident = p.ident(stem)
        outputs = [str(f) for f in cores.core_files(lay, names(ident)["key"])] if ident else []
        yield {
            "basename": "core",
            "name": stem,
            "doc": f"FuseSoC core of {stem} under build/cores/ (RTL, testbench, vectors)",
            "actions": [(call, [cores.write_core, lay, stem])],
            "file_dep": [lay.manifest(hdl().name, stem), lay.vectors(stem, "hex"), lay.fingerprint(hdl().name)],
            "task_dep": [f"validate:{stem}"],
            "targets": [lay.manifest("cores", stem), *outputs],
            "clean": [(remove_listed, [lay.manifest("cores", stem), lay.cores_dir])],
        }
