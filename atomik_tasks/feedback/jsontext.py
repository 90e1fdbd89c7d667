"""Edits of a schema's JSON text at a JSON path, so a repair changes only what it repairs (the rest of the file,
its layout and its key order, stays as the author wrote it), and the lenient-JSON repair: comments and trailing
commas removed."""

from __future__ import annotations

import json
from typing import Any

from ..schema.source import Located, SourceError, parse_text


def _literal(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def set_value(src: Located, path: tuple, value: Any) -> str:
    start, end = src.spans[path]
    return src.text[:start] + _literal(value) + src.text[end:]


def rename_key(src: Located, path: tuple, new: str) -> str:
    start, end = src.key_spans[path]
    return src.text[:start] + _literal(new) + src.text[end:]


def insert_key(src: Located, parent: tuple, key: str, value: Any) -> str:
    """Add key: value as the last member of the object at parent, indented like its siblings."""
    start, end = src.spans[parent]
    text = src.text
    members = [p for p in src.key_spans if len(p) == len(parent) + 1 and p[: len(parent)] == parent]
    if not members:
        indent = _indent_of(text, start) + "  "
        close = _indent_of(text, start)
        return text[: end - 1].rstrip() + f"\n{indent}{_literal(key)}: {_literal(value)}\n{close}" + text[end - 1 :]
    last = max(members, key=lambda p: src.spans[p][0])
    indent = _indent_of(text, src.key_spans[last][0])
    after = src.spans[last][1]
    same_line = "\n" not in text[start:end]
    sep = ", " if same_line else f",\n{indent}"
    return text[:after] + f"{sep}{_literal(key)}: {_literal(value)}" + text[after:]


def _indent_of(text: str, pos: int) -> str:
    line_start = text.rfind("\n", 0, pos) + 1
    line = text[line_start:pos]
    return line[: len(line) - len(line.lstrip())]


def parse(text: str, file: str) -> Located | None:
    try:
        return parse_text(text, file)
    except SourceError:
        return None


def strip_lenient(text: str) -> str:
    """The text without // and /* */ comments and without a comma before } or ] (outside strings).

    Lines and the rest of the text stay where they were: a comment's characters become spaces, so the
    diff shows only what went."""
    out: list[str] = []
    i, n = 0, len(text)
    pending_comma: int | None = None  # index in out of a comma that may be trailing
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            pending_comma = None
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif ch == ",":
            pending_comma = len(out)
            out.append(ch)
            i += 1
        elif ch in "}]" and pending_comma is not None:
            out[pending_comma] = ""
            pending_comma = None
            out.append(ch)
            i += 1
        else:
            if not ch.isspace():
                pending_comma = None
            out.append(ch)
            i += 1
    return "".join(out)


def tidy_lines(original: str, repaired: str) -> str:
    """Drop the whitespace a removed comment left at the end of lines (and lines that held only a comment)."""
    kept = []
    before = original.splitlines()
    for i, line in enumerate(repaired.splitlines()):
        if not line.strip() and i < len(before) and before[i].strip():
            continue  # a line that held only a comment
        kept.append(line.rstrip() if i < len(before) and line != before[i] else line)
    return "\n".join(kept) + ("\n" if repaired.endswith("\n") else "")
