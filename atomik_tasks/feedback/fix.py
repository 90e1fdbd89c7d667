"""fix:<schema>: the schema's errors repaired where the knowledge base knows how, then its failed checks."""

from __future__ import annotations

from pathlib import Path

from ..config import Section
from ..errors import AtomikError
from ..layout import Layout
from . import learned
from .checkfix import fix_checks
from .schemafix import fix_schema


def fix(layout: Layout, stem: str, fb: Section, apply: bool = False) -> bool:
    """Print (and with apply, write) the repairs; True when nothing is left open."""
    if not Path(layout.schema(stem)).exists():
        raise AtomikError(f"{layout.display(layout.schema(stem))} does not exist")
    kb = learned.knowledge(layout)
    out = fix_schema(layout, stem, kb, apply, fb.max_rounds)
    if out.errors:
        return not apply  # without --apply this is a report: it does not fail
    left = fix_checks(layout, stem, kb, apply)
    return left == 0 or not apply
