"""Validation of one schema document: the spec's JSON Schema (structure), then the semantic rules.

Every problem is collected; nothing stops at the first error.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, json_path
from .model import identity, identity_key
from .rules import RULES, Reserved, Rules
from .source import Located

SPEC_FILE = Path(__file__).resolve().parent / "spec" / "atomik-schema.json"


@functools.cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC_FILE.read_text("utf-8"))


@functools.cache
def _validator() -> Any:
    import jsonschema  # 0.1 s to import: only validation needs it

    schema = spec()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def _structural(src: Located) -> Iterator[Diagnostic]:
    for err in _validator().iter_errors(src.doc):
        path = list(err.absolute_path)
        rule = f"spec:{err.validator}"
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            yield from _unexpected_keys(src, err, path, rule)
            continue
        message = err.message if len(err.message) <= 200 else err.message[:200] + "..."
        yield Diagnostic(src.file, json_path(path), src.line(path), rule, message)


def _unexpected_keys(src: Located, err: Any, path: list, rule: str) -> Iterator[Diagnostic]:
    """Point at each unexpected key rather than at its parent."""
    allowed = set(err.schema.get("properties", {}))
    patterns = [re.compile(p) for p in err.schema.get("patternProperties", {})]
    hint = f"; names must match {', '.join(p.pattern for p in patterns)}" if patterns else ""
    for key in err.instance:
        if key in allowed or any(p.search(key) for p in patterns):
            continue
        where = [*path, key]
        yield Diagnostic(src.file, json_path(where), src.line(where), rule, f"unexpected property {key!r}{hint}")


def validate(src: Located, clashes: list[str] | None = None, reserved: Reserved | None = None) -> list[Diagnostic]:
    """All diagnostics for one parsed document, errors first, then by line.

    clashes: other files with the same identity; reserved: what the languages reserve.
    """
    rules = Rules(src, reserved or Reserved())
    diags = list(_structural(src))
    for rule in RULES:
        diags += rule(rules)
    for other in clashes or []:
        diags.append(
            Diagnostic(
                src.file,
                "catalogue",
                src.line(["catalogue"]),
                "identity-unique",
                f"(vertical, field, object) or its derived name {identity_key(identity(src.doc))!r} "
                f"is also used by {other}",
            )
        )
    seen: set[tuple] = set()
    unique = []
    for d in diags:
        key = (d.path, d.rule, d.message)
        if key not in seen:
            seen.add(key)
            unique.append(d)
    return sorted(unique, key=lambda d: (d.severity != "error", d.line, d.path))
