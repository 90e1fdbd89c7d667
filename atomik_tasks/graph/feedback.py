"""Tasks of the feedback loop: fix:<schema> (never in a plain `doit`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..config import Section
from ..feedback.fix import fix
from ..layout import Layout
from .doitapi import call
from .project import Project, group


def run_fix(layout: Layout, stem: str, fb: Section, apply: bool = False) -> Any:
    return call(fix, layout, stem, fb, apply)


def fix_tasks(p: Project) -> Iterator[dict[str, Any]]:
    yield group(
        "fix", None, "the knowledge base's repairs of every schema, as diffs (`doit fix:<schema> --apply` writes one)"
    )
    for stem in p.stems:
        yield {
            "basename": "fix",
            "name": stem,
            "doc": f"repair {stem}.json where the cure is known (a diff; --apply writes it) and its failed checks",
            "actions": [(run_fix, [p.layout, stem, p.config.feedback])],
            "params": [
                {"name": "apply", "long": "apply", "type": bool, "default": False, "help": "write the repaired schema"}
            ],
            "uptodate": [False],
            "verbosity": 2,
        }
