"""Schema repairs where the intent is clear, one function per fix kind of the knowledge base.

A repair reads one diagnostic of the current text and returns a Proposal: the repaired text, or (where the
intent is not clear) the choices a person has, changing nothing. None: nothing this repair can do.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..schema import naming
from ..schema.diagnostics import Diagnostic, json_path
from ..schema.model import identity, identity_key
from ..schema.rules import FIELD_NAME, LEGAL_WIDTHS, Reserved, get
from ..schema.source import Located
from . import jsontext

DEFAULT_HISTORY_DEPTH = 64  # `atomik-tasks docs schema-spec`: what `doit fix` gives a rollback without history_depth
_SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
_PASCAL = re.compile(r"[A-Z][A-Za-z0-9]*")
_SNAKE_VALUE = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass
class Subject:
    """What a repair may look at: the current text (parsed when it parses), what the languages reserve, and
    the identity keys of the project's other schemas."""

    text: str
    file: str
    src: Located | None
    reserved: Reserved
    taken: set[str] = field(default_factory=set)  # identity keys of the other schemas
    keeps_identity: str = ""  # an identity clash's original keeps its name: the newcomer's file is renamed

    def value_at(self, diag: Diagnostic) -> tuple[tuple, Any]:
        """(the JSON path a diagnostic names, the value there); the value is None when there is none."""
        path = self.where(diag)
        return path or (), get(self.src.doc, *path) if path and self.src else None

    def key_at(self, diag: Diagnostic) -> tuple | None:
        """The path of the object key a diagnostic names, when it is a key in the text."""
        path = self.where(diag)
        return path if path and self.src is not None and path in self.src.key_spans else None

    def where(self, diag: Diagnostic) -> tuple | None:
        """The JSON path (a tuple) a diagnostic's dotted path names, when it is in the text."""
        if self.src is None:
            return None
        for path in (*self.src.spans, *self.src.key_spans):
            if json_path(path) == diag.path:
                return path
        return None


@dataclass
class Proposal:
    summary: str
    text: str | None = None  # the repaired text; None when the intent is not clear
    choices: list[str] = field(default_factory=list)


Repair = Callable[[Subject, Diagnostic, dict[str, Any]], Proposal | None]
REPAIRS: dict[str, Repair] = {}


def repair(kind: str) -> Callable[[Repair], Repair]:
    def register(fn: Repair) -> Repair:
        REPAIRS[kind] = fn
        return fn

    return register


def _after(s: Subject, text: str) -> Subject:
    return Subject(text, s.file, jsontext.parse(text, s.file), s.reserved, s.taken, s.keeps_identity)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _field_widths(doc: Any) -> dict[str, Any]:
    fields = get(doc, "schema", "delta_fields")
    return {k: v.get("width") for k, v in fields.items() if isinstance(v, dict)} if isinstance(fields, dict) else {}


def _follow_data_width(s: Subject) -> Subject:
    """DATA_WIDTH follows the fields when they all have one legal width."""
    assert s.src is not None
    widths = set(_field_widths(s.src.doc).values())
    path = ("hardware", "rtl_params", "DATA_WIDTH")
    if len(widths) == 1 and path in s.src.spans:
        (width,) = widths
        if width in LEGAL_WIDTHS and get(s.src.doc, *path) != width:
            return _after(s, jsontext.set_value(s.src, path, width))
    return s


@repair("legal-width")
def legal_width(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    path, value = s.value_at(d)
    if not _number(value) or value in LEGAL_WIDTHS:
        return None
    fits = [w for w in LEGAL_WIDTHS if w >= value]
    if not fits:
        return Proposal(
            f"width {value} is wider than the widest legal width ({LEGAL_WIDTHS[-1]})",
            choices=[
                f"width {LEGAL_WIDTHS[-1]}, if the values fit",
                "split the field into several of at most 256 bits",
            ],
        )
    after = _follow_data_width(_after(s, jsontext.set_value(s.src, path, fits[0])))
    follows = " (DATA_WIDTH follows)" if get(after.src.doc, "hardware", "rtl_params", "DATA_WIDTH") == fits[0] else ""
    return Proposal(f"width {value} -> {fits[0]}, the smallest legal width that holds it{follows}", after.text)


@repair("data-width")
def data_width(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    if s.src is None:
        return None
    before = get(s.src.doc, "hardware", "rtl_params", "DATA_WIDTH")
    after = _follow_data_width(s)
    if after is s:
        return None
    return Proposal(
        f"DATA_WIDTH {before} -> {get(after.src.doc, 'hardware', 'rtl_params', 'DATA_WIDTH')}, the fields' width",
        after.text,
    )


def _closest(value: str, allowed: list[str]) -> str | None:
    """The one allowed value within 3 edits (case ignored), or None when none is, or two are as close."""
    from rapidfuzz.distance import Levenshtein

    scored = sorted((Levenshtein.distance(value.lower(), a.lower()), a) for a in allowed)
    if not scored or scored[0][0] > 3 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


@repair("closest-enum")
def closest_enum(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    path, value = s.value_at(d)
    m = re.search(r"is not one of (\[.*\])$", d.message)
    if not isinstance(value, str) or not m:
        return None
    allowed = [a for a in ast.literal_eval(m.group(1)) if isinstance(a, str)]
    best = _closest(value, allowed)
    if best is None:
        return Proposal(f"{value!r} is not close to one legal value", choices=allowed)
    return Proposal(f"{value!r} -> {best!r}, the closest legal value", jsontext.set_value(s.src, path, best))


def _spec_node(path: tuple) -> dict[str, Any]:
    """The spec's JSON Schema node that describes the object at path."""
    from ..schema.validate import spec

    root = spec()
    node: dict[str, Any] = root
    for key in path:
        if "$ref" in node:
            node = root["definitions"][node["$ref"].rsplit("/", 1)[1]]
        props = node.get("properties", {})
        if key in props:
            node = props[key]
        elif node.get("patternProperties"):
            node = next(iter(node["patternProperties"].values()))
        else:
            return {}
    if "$ref" in node:
        node = root["definitions"][node["$ref"].rsplit("/", 1)[1]]
    return node


@repair("closest-key")
def closest_key(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    path = s.key_at(d)
    if path is None:
        return None
    parent, key = path[:-1], path[-1]
    present = get(s.src.doc, *parent) if parent else s.src.doc
    allowed = [k for k in _spec_node(parent).get("properties", {}) if k not in (present or {})]
    best = _closest(key, allowed)
    if best is None:
        return None
    return Proposal(f"key {key!r} -> {best!r}, the closest key the spec has", jsontext.rename_key(s.src, path, best))


@repair("snake-field")
def snake_field(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    path = s.key_at(d)
    if path is None:
        return None
    name = path[-1]
    new = naming.snake(re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_"))
    fields = get(s.src.doc, "schema", "delta_fields") or {}
    if not FIELD_NAME.fullmatch(new) or new in fields:
        return None
    return Proposal(f"field {name!r} -> {new!r} (snake_case)", jsontext.rename_key(s.src, path, new))


@repair("semver")
def semver(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    path, value = s.value_at(d)
    if not isinstance(value, str):
        return None
    parts = value.strip().lstrip("vV").split(".")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return Proposal(f"{value!r} has no clear semver form", choices=["MAJOR.MINOR.PATCH, e.g. 1.0.0"])
    new = ".".join(str(int(p)) for p in [*parts, "0", "0"][:3])
    return Proposal(f"version {value!r} -> {new!r} (semver)", jsontext.set_value(s.src, path, new))


@repair("pascal-name")
def pascal_name(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    path, value = s.value_at(d)
    if not isinstance(value, str):
        return None
    new = naming.pascal(naming.snake(re.sub(r"[^A-Za-z0-9]+", "_", value).strip("_")))
    if not _PASCAL.fullmatch(new) or new == value:
        return None
    return Proposal(f"{path[-1]} {value!r} -> {new!r} (PascalCase)", jsontext.set_value(s.src, path, new))


@repair("snake-value")
def snake_value(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    path, value = s.value_at(d)
    if not isinstance(value, str):
        return None
    new = naming.snake(re.sub(r"[^A-Za-z0-9_]+", "_", value).strip("_"))
    if not _SNAKE_VALUE.fullmatch(new) or new == value:
        return None
    return Proposal(f"{path[-1]} {value!r} -> {new!r}", jsontext.set_value(s.src, path, new))


@repair("strip-value")
def strip_value(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    path, value = s.value_at(d)
    if not isinstance(value, str) or value.strip() == value:
        return None
    return Proposal(f"{path[-1]}: surrounding blanks removed", jsontext.set_value(s.src, path, value.strip()))


@repair("coerce-type")
def coerce_type(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    path, value = s.value_at(d)
    m = re.search(r"is not of type '(\w+)'", d.message)
    if not isinstance(value, str) or not m:
        return None
    text = value.strip()
    wanted = m.group(1)
    new: Any
    if wanted == "integer" and re.fullmatch(r"-?\d+", text):
        new = int(text)
    elif wanted == "number" and re.fullmatch(r"-?\d+(\.\d+)?", text):
        new = float(text) if "." in text else int(text)
    elif wanted == "boolean" and text.lower() in ("true", "false"):
        new = text.lower() == "true"
    else:
        return None
    return Proposal(f"{path[-1]} {value!r} -> {new!r} ({wanted}, not text)", jsontext.set_value(s.src, path, new))


# keys whose value is clear when missing: the parent's path and key -> value
_REQUIRED_DEFAULTS: dict[tuple, Any] = {
    ("schema", "operations", "accumulate"): {"enabled": True},
    ("schema", "operations", "accumulate", "enabled"): True,
}


@repair("add-required")
def add_required(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    m = re.match(r"'([^']+)' is a required property", d.message)
    parent = s.where(d) if d.path != "(root)" else ()
    if not m or parent is None or s.src is None:
        return None
    key = m.group(1)
    if (*parent, key) not in _REQUIRED_DEFAULTS:
        return None  # no value is clear (a misspelt key's own repair usually supplies it)
    value = _REQUIRED_DEFAULTS[(*parent, key)]
    return Proposal(f"added {key}: {value}", jsontext.insert_key(s.src, parent, key, value))


@repair("enable-accumulate")
def enable_accumulate(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    path = ("schema", "operations", "accumulate", "enabled")
    if s.src is None or path not in s.src.spans:
        return None
    return Proposal("accumulate enabled (the core operation)", jsontext.set_value(s.src, path, True))


@repair("history-depth")
def history_depth(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    path = ("schema", "operations", "rollback")
    if s.src is None or path not in s.src.spans or get(s.src.doc, *path, "history_depth") is not None:
        return None
    depth = int(params.get("depth", DEFAULT_HISTORY_DEPTH))
    return Proposal(
        f"history_depth {depth} added (the documented default)",
        jsontext.insert_key(s.src, path, "history_depth", depth),
    )


def free_catalogue_name(s: Subject, value: str, key: str) -> str | None:
    for n in range(2, 100):
        new = f"{value}{n}"
        forms = {new, naming.snake(new)}
        if any(forms & words for words in s.reserved.words.values()):
            continue
        doc = {**s.src.doc, "catalogue": {**s.src.doc["catalogue"], key: new}}
        ident = identity(doc)
        if ident and identity_key(ident) in s.taken:
            continue
        return new
    return None


@repair("rename-catalogue")
def rename_catalogue(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    path, value = s.value_at(d)
    if not isinstance(value, str) or len(path) != 2:
        return None
    new = free_catalogue_name(s, value, path[1])
    if new is None:
        return None
    return Proposal(f"{path[1]} {value!r} -> {new!r} (free in every language)", jsontext.set_value(s.src, path, new))


@repair("rename-object")
def rename_object(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    path = ("catalogue", "object")
    value = get(s.src.doc, *path) if s.src else None
    if not isinstance(value, str) or path not in s.src.spans:
        return None
    if s.keeps_identity:  # the built original: renaming it would change its generated API
        return Proposal(f"this schema keeps {value!r}; a newcomer is renamed", choices=s.keeps_identity.split("; "))
    new = free_catalogue_name(s, value, "object")
    if new is None:
        return None
    return Proposal(f"object {value!r} -> {new!r} (no other schema uses it)", jsontext.set_value(s.src, path, new))


@repair("rename-field")
def rename_field(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    path = s.key_at(d)
    if path is None:
        return None
    name = path[-1]
    fields = get(s.src.doc, "schema", "delta_fields") or {}
    taken = {naming.camel(f) for f in fields if f != name}
    reserved = {f for why in s.reserved.fields.values() for f in why}
    base = re.sub(r"_+", "_", name).strip("_")
    for n in range(2, 100):
        new = f"{base}_{n}"
        if FIELD_NAME.fullmatch(new) and new not in fields and naming.camel(new) not in taken and new not in reserved:
            return Proposal(
                f"field {name!r} -> {new!r} (unique, free in every language)", jsontext.rename_key(s.src, path, new)
            )
    return None


@repair("jsonc")
def lenient_json(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    stripped = jsontext.strip_lenient(s.text)
    if stripped == s.text or jsontext.parse(stripped, s.file) is None:
        return None
    return Proposal("comments and trailing commas removed (JSON has neither)", jsontext.tidy_lines(s.text, stripped))


@repair("choices-default")
def choices_default(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    path, value = s.value_at(d)
    width = get(s.src.doc, *path[:-1], "width") if path and s.src else None
    if not _number(value) or not _number(width):
        return None
    wider = [w for w in LEGAL_WIDTHS if value < 2**w]
    choices = []
    if wider:
        choices.append(f"widen the field to {wider[0]} bits (and DATA_WIDTH with it)")
    choices += [
        f"keep {width} bits and set default_value to {int(value) & (2 ** int(width) - 1)} (its low bits)",
        "remove default_value (0)",
    ]
    return Proposal(
        f"default_value {value} needs {int(value).bit_length()} bits; the intent is not clear", choices=choices
    )


@repair("choices-uniform")
def choices_uniform(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    widths = {w for w in _field_widths(s.src.doc).values() if w in LEGAL_WIDTHS} if s.src else set()
    if not widths:
        return None
    return Proposal(
        "the fields have different widths; the intent is not clear",
        choices=[
            f"widen every field to {max(widths)} bits",
            "split the schema into one per width",
            "remove the hardware section",
        ],
    )


@repair("choices")
def choices(s: Subject, d: Diagnostic, params: dict[str, Any]) -> Proposal | None:
    bound = re.search(r"(minimum|maximum) of (-?[\d.]+)", d.message)
    if bound:
        return Proposal(f"{d.message}", choices=[f"set it to {bound.group(2)}", "choose another value in range"])
    if d.rule == "json-duplicate-key":
        return Proposal(d.message, choices=["keep the first occurrence", "keep the second occurrence"])
    return None
