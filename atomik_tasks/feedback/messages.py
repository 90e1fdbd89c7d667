"""Normalized failure messages: the same failure reads the same whichever file, line, number or name it is about.

Knowledge-base signatures are written against this form.
"""

from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# a quoted name or value: 'x', "x", `x`, and gcc's typographic quotes (one line, at most 500 characters)
_QUOTED = re.compile(r"'[^'\n]{0,500}'|\"[^\"\n]{0,500}\"|`[^`\n]{0,500}`|\u2018[^\u2019\n]{0,500}\u2019")
# a path with a folder (a/b, /a/b, ./a) or a file name with a source suffix, with its :line:col
_PATH = re.compile(
    r"(?:[A-Za-z]:)?(?:\.{0,2}/)?(?:[\w.+@-]+/)+[\w.+@-]*(?::\d+)*"
    r"|\b[\w+-]+\.(?:c|h|rs|js|mjs|py|v|sv|json|toml|log|fs|cst|pcf|o|so|tcl|core|ys|txt|hex)\b(?::\d+)*"
)
# a quoted text cut short by a message limit ("... '^(0|[1-9]...")
_TRUNCATED = re.compile(r"['\"`][^'\"`\n]*\.\.\.$")
_LINE_COL = re.compile(r"\b(?:line|column|col|ln)\s+\d+", re.I)
_NUMBER = re.compile(r"\b0x[0-9a-fA-F]+\b|-?\b\d+(?:\.\d+)?\b")
_SPACE = re.compile(r"\s+")


def normalize(message: str) -> str:
    """Lower case, one line; paths, line/column numbers, numbers and quoted identifiers replaced by markers."""
    text = _ANSI.sub("", message)
    text = _QUOTED.sub("<id>", _TRUNCATED.sub("<id>", text.strip()))
    text = _PATH.sub("<path>", text)
    text = _LINE_COL.sub("", text)
    text = _NUMBER.sub("<n>", text)
    return _SPACE.sub(" ", text).strip().lower()


def diagnostic_text(rule: str, path: str, message: str) -> str:
    """What a schema diagnostic is matched as: its rule, its JSON path with field names generic, its message."""
    parts = path.split(".")
    if len(parts) > 2 and parts[:2] == ["schema", "delta_fields"]:
        parts[2] = "*"
    return f"{rule} {'.'.join(parts)}: {message}"


def report_failure(report: dict) -> str:
    """A failed check's report as the knowledge base reads it: its one-line error and the excerpt after it."""
    if report.get("status") != "failed":
        return ""
    return "\n".join([str(report.get("error", "")), *map(str, report.get("excerpt", []))]).strip()
