"""Structural (JSON Schema) and semantic validation of one schema document.

Every problem is collected; nothing stops at the first error.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema

from . import naming
from .diagnostics import Diagnostic, json_path
from .jsonsource import Located
from .model import identity, identity_key
from .paths import PACKAGE_DIR

SPEC_RESOURCE = "spec/atomik-schema.json"

# Python's re lets "$" match before a final newline, so the spec's patterns
# accept "PriceTick\n"; these are checked again with fullmatch.
_FULL_PATTERNS = {
    ("catalogue", "field"): re.compile(r"[A-Z][A-Za-z0-9]*"),
    ("catalogue", "object"): re.compile(r"[A-Z][A-Za-z0-9]*"),
    ("hardware", "rtl_params", "CLOCK_DOMAIN"): re.compile(r"[a-z_][a-z0-9_]*"),
}
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")


@functools.cache
def spec() -> dict[str, Any]:
    return json.loads((PACKAGE_DIR / SPEC_RESOURCE).read_text("utf-8"))


@functools.cache
def _validator() -> jsonschema.Draft7Validator:
    schema = spec()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def _get(doc: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(doc, dict) or key not in doc:
            return None
        doc = doc[key]
    return doc


def _structural(src: Located) -> Iterator[Diagnostic]:
    for err in _validator().iter_errors(src.doc):
        path = list(err.absolute_path)
        rule = f"spec:{err.validator}"
        message = err.message
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            # Point at each unexpected key rather than at its parent.
            schema = err.schema
            allowed = set(schema.get("properties", {}))
            patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
            for key in err.instance:
                if key in allowed or any(p.search(key) for p in patterns):
                    continue
                hint = f"; names must match {', '.join(p.pattern for p in patterns)}" if patterns else ""
                yield Diagnostic(
                    src.file,
                    json_path([*path, key]),
                    src.line([*path, key]),
                    rule,
                    f"unexpected property {key!r}{hint}",
                )
            continue
        if len(message) > 200:
            message = message[:200] + "..."
        yield Diagnostic(src.file, json_path(path), src.line(path), rule, message)


def _semantic(src: Located) -> Iterator[Diagnostic]:
    doc = src.doc

    def diag(path: list, rule: str, message: str, severity: str = "error") -> Diagnostic:
        return Diagnostic(src.file, json_path(path), src.line(path), rule, message, severity)

    for path, pattern in _FULL_PATTERNS.items():
        value = _get(doc, *path)
        if isinstance(value, str) and pattern.search(value) and not pattern.fullmatch(value):
            yield diag(list(path), "identifier-form", f"{value!r} must match {pattern.pattern} exactly")
    version = _get(doc, "catalogue", "version")
    if isinstance(version, str) and "\n" in version:
        yield diag(["catalogue", "version"], "identifier-form", "version must be one line of semver")

    for key in ("field", "object"):
        value = _get(doc, "catalogue", key)
        if isinstance(value, str) and value:
            langs = naming.reserved_in(value)
            if langs:
                yield diag(
                    ["catalogue", key],
                    "identifier-reserved",
                    f"{value!r} is reserved in {', '.join(langs)}; choose another name",
                )

    fields = _get(doc, "schema", "delta_fields")
    fields = fields if isinstance(fields, dict) else {}
    widths: dict[str, int] = {}
    forms: dict[str, str] = {}
    for name, spec_ in fields.items():
        fpath = ["schema", "delta_fields", name]
        if _FIELD_NAME.search(name) and not _FIELD_NAME.fullmatch(name):
            yield diag(fpath, "identifier-form", f"field name {name!r} must match {_FIELD_NAME.pattern} exactly")
        if _FIELD_NAME.fullmatch(name):
            form = naming.camel(name)
            if form in forms:
                yield diag(
                    fpath,
                    "field-name-collision",
                    f"field {name!r} and field {forms[form]!r} both become {form!r} in camelCase",
                )
            forms.setdefault(form, name)
        if not isinstance(spec_, dict):
            continue
        width = spec_.get("width")
        if isinstance(width, (int, float)) and not isinstance(width, bool) and width in (8, 16, 32, 64, 128, 256):
            widths[name] = int(width)
            default = spec_.get("default_value")
            if isinstance(default, (int, float)) and not isinstance(default, bool) and default >= 2 ** int(width):
                yield diag(
                    [*fpath, "default_value"],
                    "default-fits-width",
                    f"default_value {default} does not fit in {int(width)} bits",
                )

    ops = _get(doc, "schema", "operations") or {}
    if _get(ops, "accumulate", "enabled") is False:
        yield diag(
            ["schema", "operations", "accumulate", "enabled"],
            "accumulate-enabled",
            "accumulate is the core operation and must be enabled",
        )
    rollback = _get(ops, "rollback")
    if isinstance(rollback, dict) and rollback.get("enabled") is True and "history_depth" not in rollback:
        yield diag(
            ["schema", "operations", "rollback"],
            "rollback-history-depth",
            "rollback is enabled but history_depth is missing",
        )

    hardware = _get(doc, "hardware")
    if isinstance(hardware, dict):
        data_width = _get(hardware, "rtl_params", "DATA_WIDTH")
        if isinstance(data_width, (int, float)) and not isinstance(data_width, bool):
            for name, width in widths.items():
                if width != data_width:
                    yield diag(
                        ["hardware", "rtl_params", "DATA_WIDTH"],
                        "data-width-match",
                        f"DATA_WIDTH {int(data_width)} differs from field {name!r} width {width}",
                    )
        if len(set(widths.values())) > 1:
            listed = ", ".join(f"{n}={w}" for n, w in widths.items())
            yield diag(
                ["hardware"],
                "uniform-width-with-hardware",
                f"fields have different widths ({listed}); hardware needs one width: split the schema",
            )

    for path, text in _strings(doc, ()):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            yield diag(list(path), "text-encodable", "string holds an unpaired UTF-16 surrogate")

    for key in ("author", "license", "description"):
        if isinstance(_get(doc, "catalogue"), dict) and _get(doc, "catalogue", key) is None:
            yield diag(["catalogue"], f"missing-{key}", f"catalogue.{key} is missing", "warning")


def _strings(value: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, (*path, key))
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*path, i))


def validate(src: Located, clashes: list[str] | None = None) -> list[Diagnostic]:
    """All diagnostics for one parsed document. clashes: other files with the same identity."""
    diags = list(_structural(src)) + list(_semantic(src))
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
