"""Read a schema file as strict JSON, remembering the line of every value.

The standard json module neither reports duplicate keys with their line nor
tells where a value sits, and both are needed for diagnostics that point at
a line. This is a small strict parser (RFC 8259: no NaN, no trailing commas)
built on the json module's own string scanner.
"""

from __future__ import annotations

import re
from json.decoder import JSONDecodeError, scanstring
from pathlib import Path
from typing import Any

from ..errors import AtomikError
from .diagnostics import Diagnostic, json_path

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_WS = re.compile(r"[ \t\n\r]*")
_LITERALS = {"true": True, "false": False, "null": None}


class SourceError(AtomikError):
    """The file cannot be read as one JSON object; carries its diagnostics."""

    def __init__(self, *diagnostics: Diagnostic):
        super().__init__("; ".join(d.format() for d in diagnostics))
        self.diagnostics = list(diagnostics)


class _Parser:
    def __init__(self, text: str, file: str):
        self.text = text
        self.file = file
        self.lines: dict[tuple, int] = {}
        self.spans: dict[tuple, tuple[int, int]] = {}  # path -> (start, end) of its value in the text
        self.key_spans: dict[tuple, tuple[int, int]] = {}  # path -> (start, end) of its key, quotes included
        self.duplicates: list[Diagnostic] = []

    def line_of(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1

    def fail(self, pos: int, what: str, path: tuple) -> SourceError:
        line = self.line_of(pos)
        col = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        return SourceError(
            Diagnostic(
                self.file,
                json_path(path),
                line,
                "json-syntax",
                f"malformed JSON: {what} at line {line} column {col}",
            )
        )

    def skip(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()

    def value(self, pos: int, path: tuple) -> tuple[Any, int]:
        pos = self.skip(pos)
        self.lines[path] = self.line_of(pos)
        if pos >= len(self.text):
            raise self.fail(pos, "unexpected end of file", path)
        val, end = self._value(pos, path)
        self.spans[path] = (pos, end)
        return val, end

    def _value(self, pos: int, path: tuple) -> tuple[Any, int]:
        ch = self.text[pos]
        if ch == "{":
            return self.obj(pos + 1, path)
        if ch == "[":
            return self.arr(pos + 1, path)
        if ch == '"':
            return self.string(pos, path)
        for word, val in _LITERALS.items():
            if self.text.startswith(word, pos):
                return val, pos + len(word)
        m = _NUMBER.match(self.text, pos)
        if m:
            num = m.group(0)
            return (float(num) if m.group(1) or m.group(2) else int(num)), m.end()
        raise self.fail(pos, f"unexpected character {ch!r}", path)

    def string(self, pos: int, path: tuple) -> tuple[str, int]:
        try:
            return scanstring(self.text, pos + 1, True)
        except JSONDecodeError as exc:
            raise self.fail(exc.pos, exc.msg.lower(), path) from None

    def obj(self, pos: int, path: tuple) -> tuple[dict, int]:
        out: dict[str, Any] = {}
        pos = self.skip(pos)
        if self.text.startswith("}", pos):
            return out, pos + 1
        while True:
            pos = self.skip(pos)
            if not self.text.startswith('"', pos):
                raise self.fail(pos, "expected a property name in double quotes", path)
            key_pos = pos
            key, pos = self.string(pos, path)
            key_end = pos
            pos = self.skip(pos)
            if not self.text.startswith(":", pos):
                raise self.fail(pos, "expected ':'", path)
            child = (*path, key)
            if key in out:
                first = self.lines.get(child, 0)
                self.duplicates.append(
                    Diagnostic(
                        self.file,
                        json_path(child),
                        self.line_of(key_pos),
                        "json-duplicate-key",
                        f"duplicate key {key!r} (first at line {first})",
                    )
                )
            self.key_spans[child] = (key_pos, key_end)
            out[key], pos = self.value(pos + 1, child)
            pos = self.skip(pos)
            if self.text.startswith(",", pos):
                pos += 1
                continue
            if self.text.startswith("}", pos):
                return out, pos + 1
            raise self.fail(pos, "expected ',' or '}'", path)

    def arr(self, pos: int, path: tuple) -> tuple[list, int]:
        out: list[Any] = []
        pos = self.skip(pos)
        if self.text.startswith("]", pos):
            return out, pos + 1
        while True:
            item, pos = self.value(pos, (*path, len(out)))
            out.append(item)
            pos = self.skip(pos)
            if self.text.startswith(",", pos):
                pos += 1
                continue
            if self.text.startswith("]", pos):
                return out, pos + 1
            raise self.fail(pos, "expected ',' or ']'", path)


class Located:
    """A parsed document plus the line of each JSON path in it, and where its values and keys sit in the text
    (the feedback stage edits a schema there, so a repair changes only what it repairs)."""

    def __init__(
        self,
        file: str,
        doc: Any,
        lines: dict[tuple, int],
        spans: dict[tuple, tuple[int, int]] | None = None,
        key_spans: dict[tuple, tuple[int, int]] | None = None,
        text: str = "",
    ):
        self.file = file
        self.doc = doc
        self._lines = lines
        self.spans = spans or {}
        self.key_spans = key_spans or {}
        self.text = text

    def line(self, path: tuple | list) -> int:
        """Line of the nearest existing ancestor of path (1 for the root)."""
        path = tuple(path)
        while path and path not in self._lines:
            path = path[:-1]
        return self._lines.get(path, 1)


def parse_text(text: str, file: str) -> Located:
    """Parse JSON text; raise SourceError for anything that is not one JSON object."""
    if not text.strip():
        raise SourceError(Diagnostic(file, "(root)", 1, "json-empty", "file is empty"))
    parser = _Parser(text, file)
    doc, end = parser.value(0, ())
    end = parser.skip(end)
    if end != len(text):
        raise parser.fail(end, "extra data after the JSON value", ())
    if parser.duplicates:
        raise SourceError(*parser.duplicates)
    if not isinstance(doc, dict):
        kind = type(doc).__name__ if doc is not None else "null"
        raise SourceError(
            Diagnostic(file, "(root)", 1, "json-not-object", f"top level must be a JSON object, not {kind}")
        )
    return Located(file, doc, parser.lines, parser.spans, parser.key_spans, text)


def read_schema_file(path: Path, display: str | None = None) -> Located:
    """Read and parse a schema file; every failure is a SourceError with one diagnostic."""
    name = display or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(Diagnostic(name, "(root)", 0, "file-unreadable", exc.strerror or str(exc))) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            Diagnostic(name, "(root)", line, "file-not-utf8", f"not UTF-8: invalid byte at offset {exc.start}")
        ) from None
    return parse_text(text, name)
