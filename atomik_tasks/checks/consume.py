"""consume:<lang>: the SDK packaged the way its ecosystem ships it, then used by a tiny consumer project in a
temp dir outside build/ (CMake find_package, npm install of the tarball, pip install of the wheel into a
fresh venv, a Cargo path dependency, a FuseSoC core that runs the generator).

The consumer is rendered from the language's templates/consumer/ for one schema: the first valid one that
has both reconstruct and rollback (the whole API), else the first valid one.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .. import languages
from ..errors import CheckFailed
from ..fsio import read_json
from ..languages.check import Consumer, Counts
from ..languages.generate import read_ident
from ..layout import PACKAGE_CHECK, Layout
from .runner import Context, run_check


def report_path(layout: Layout, language: str) -> str:
    return layout.report(f"consume-{language}", PACKAGE_CHECK)


def pick_schema(layout: Layout, language: str) -> str | None:
    """The schema the consumer uses (see the module doc), or None when no schema is valid."""
    valid = []
    for stem in layout.stems():
        if read_ident(layout.model(stem, "ident")) is None or not Path(layout.view(language, stem)).exists():
            continue
        view = read_json(Path(layout.view(language, stem)))
        valid.append((not (view["reconstruct"] and view["history_depth"] > 0), stem))
    return min(valid)[1] if valid else None


def run_consume(layout: Layout, language: str) -> bool:
    lang = languages.get(language)

    def check(ctx: Context) -> Counts:
        stem = pick_schema(layout, language)
        if stem is None:
            raise CheckFailed("no valid schema: nothing to package")
        ctx.extra["consumer_schema"] = stem
        view = read_json(Path(layout.view(language, stem)))
        scratch = Path(tempfile.mkdtemp(prefix=f"atomik-consume-{language}-"))
        try:
            project = scratch / "consumer"
            for rel, text in lang.consumer_files(
                view, layout.sdk(language), layout.template_override(language)
            ).items():
                path = project / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            return lang.consume(ctx, Consumer(project, scratch, stem, Path(layout.schema(stem))))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    task = f"consume:{language}"
    return run_check(layout, task, language, PACKAGE_CHECK, check, report_path(layout, language), f"consume-{language}")
