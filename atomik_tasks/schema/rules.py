"""The semantic rules of a schema, one function each (the spec's JSON Schema checks the structure).

A rule takes the document (wrapped in Rules, which knows lines and paths) and yields Diagnostics. RULES is
their order, which is also the order of their diagnostics at the same line and path.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import naming
from .diagnostics import Diagnostic, json_path
from .source import Located

LEGAL_WIDTHS = (8, 16, 32, 64, 128, 256)
# Python's re lets "$" match before a final newline, so the spec's patterns
# accept "PriceTick\n"; these are checked again with fullmatch.
FULL_PATTERNS = {
    ("catalogue", "field"): re.compile(r"[A-Z][A-Za-z0-9]*"),
    ("catalogue", "object"): re.compile(r"[A-Z][A-Za-z0-9]*"),
    ("hardware", "rtl_params", "CLOCK_DOMAIN"): re.compile(r"[a-z_][a-z0-9_]*"),
}
FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")


def get(doc: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(doc, dict) or key not in doc:
            return None
        doc = doc[key]
    return doc


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class Reserved:
    """What the languages reserve (the languages layer fills it in: it is the one that knows them).

    words: per language, words no catalogue name may be; fields: per language, field names whose generated
    identifiers would clash with the generator's own, with the reason.
    """

    words: Mapping[str, frozenset[str]] = field(default_factory=dict)
    fields: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


class Rules:
    """One document as the rules see it."""

    def __init__(self, src: Located, reserved: Reserved):
        self.src = src
        self.doc = src.doc
        self.reserved = reserved

    def diag(self, path: list, rule: str, message: str, severity: str = "error") -> Diagnostic:
        return Diagnostic(self.src.file, json_path(path), self.src.line(path), rule, message, severity)

    @property
    def fields(self) -> dict[str, Any]:
        fields = get(self.doc, "schema", "delta_fields")
        return fields if isinstance(fields, dict) else {}

    @functools.cached_property
    def widths(self) -> dict[str, int]:
        """{field: width} of the fields whose width is legal."""
        return {
            name: int(spec["width"])
            for name, spec in self.fields.items()
            if isinstance(spec, dict) and _number(spec.get("width")) and spec["width"] in LEGAL_WIDTHS
        }


Rule = Callable[[Rules], Iterator[Diagnostic]]


def identifier_form(r: Rules) -> Iterator[Diagnostic]:
    for path, pattern in FULL_PATTERNS.items():
        value = get(r.doc, *path)
        if isinstance(value, str) and pattern.search(value) and not pattern.fullmatch(value):
            yield r.diag(list(path), "identifier-form", f"{value!r} must match {pattern.pattern} exactly")
    version = get(r.doc, "catalogue", "version")
    if isinstance(version, str) and "\n" in version:
        yield r.diag(["catalogue", "version"], "identifier-form", "version must be one line of semver")


def identifier_reserved(r: Rules) -> Iterator[Diagnostic]:
    """catalogue.field and .object name modules and types in every language: none may be a reserved word."""
    for key in ("field", "object"):
        value = get(r.doc, "catalogue", key)
        if isinstance(value, str) and value:
            forms = {value, naming.snake(value)}
            langs = [lang for lang, words in r.reserved.words.items() if forms & words]
            if langs:
                yield r.diag(
                    ["catalogue", key],
                    "identifier-reserved",
                    f"{value!r} is reserved in {', '.join(langs)}; choose another name",
                )


def field_names(r: Rules) -> Iterator[Diagnostic]:
    """Each field name is snake_case, and no two become the same camelCase name."""
    forms: dict[str, str] = {}
    for name in r.fields:
        fpath = ["schema", "delta_fields", name]
        if FIELD_NAME.search(name) and not FIELD_NAME.fullmatch(name):
            yield r.diag(fpath, "identifier-form", f"field name {name!r} must match {FIELD_NAME.pattern} exactly")
        if FIELD_NAME.fullmatch(name):
            form = naming.camel(name)
            if form in forms:
                yield r.diag(
                    fpath,
                    "field-name-collision",
                    f"field {name!r} and field {forms[form]!r} both become {form!r} in camelCase",
                )
            forms.setdefault(form, name)


def field_name_reserved(r: Rules) -> Iterator[Diagnostic]:
    """A field whose generated identifiers would equal one the generator owns (C's and Rust's FIELD_COUNT)."""
    for name in r.fields:
        clashes = [f"{lang}: {why[name]}" for lang, why in r.reserved.fields.items() if name in why]
        if clashes:
            yield r.diag(
                ["schema", "delta_fields", name],
                "field-name-reserved",
                f"field {name!r} would clash with generated code ({'; '.join(clashes)}); rename it",
            )


def default_fits_width(r: Rules) -> Iterator[Diagnostic]:
    for name, width in r.widths.items():
        default = r.fields[name].get("default_value")
        if _number(default) and default >= 2**width:
            yield r.diag(
                ["schema", "delta_fields", name, "default_value"],
                "default-fits-width",
                f"default_value {default} does not fit in {width} bits",
            )


def accumulate_enabled(r: Rules) -> Iterator[Diagnostic]:
    if get(r.doc, "schema", "operations", "accumulate", "enabled") is False:
        yield r.diag(
            ["schema", "operations", "accumulate", "enabled"],
            "accumulate-enabled",
            "accumulate is the core operation and must be enabled",
        )


def rollback_history_depth(r: Rules) -> Iterator[Diagnostic]:
    rollback = get(r.doc, "schema", "operations", "rollback")
    if isinstance(rollback, dict) and rollback.get("enabled") is True and "history_depth" not in rollback:
        yield r.diag(
            ["schema", "operations", "rollback"],
            "rollback-history-depth",
            "rollback is enabled but history_depth is missing",
        )


def data_width_match(r: Rules) -> Iterator[Diagnostic]:
    data_width = get(r.doc, "hardware", "rtl_params", "DATA_WIDTH")
    if isinstance(get(r.doc, "hardware"), dict) and _number(data_width):
        for name, width in r.widths.items():
            if width != data_width:
                yield r.diag(
                    ["hardware", "rtl_params", "DATA_WIDTH"],
                    "data-width-match",
                    f"DATA_WIDTH {int(data_width)} differs from field {name!r} width {width}",
                )


def uniform_width_with_hardware(r: Rules) -> Iterator[Diagnostic]:
    if isinstance(get(r.doc, "hardware"), dict) and len(set(r.widths.values())) > 1:
        listed = ", ".join(f"{n}={w}" for n, w in r.widths.items())
        yield r.diag(
            ["hardware"],
            "uniform-width-with-hardware",
            f"fields have different widths ({listed}); hardware needs one width: split the schema",
        )


def text_encodable(r: Rules) -> Iterator[Diagnostic]:
    for path, text in _strings(r.doc, ()):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            yield r.diag(list(path), "text-encodable", "string holds an unpaired UTF-16 surrogate")


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


def catalogue_complete(r: Rules) -> Iterator[Diagnostic]:
    """Warnings only: the generated code's headers carry these."""
    for key in ("author", "license", "description"):
        if isinstance(get(r.doc, "catalogue"), dict) and get(r.doc, "catalogue", key) is None:
            yield r.diag(["catalogue"], f"missing-{key}", f"catalogue.{key} is missing", "warning")


RULES: tuple[Rule, ...] = (
    identifier_form,
    identifier_reserved,
    field_names,
    field_name_reserved,
    default_fits_width,
    accumulate_enabled,
    rollback_history_depth,
    data_width_match,
    uniform_width_with_hardware,
    text_encodable,
    catalogue_complete,
)
