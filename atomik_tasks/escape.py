"""Turn schema text into comment lines and string literals that stay inert in each target.

Every string from a schema is data. Comments are split on every character
some target treats as a line end (JavaScript ends a line comment at U+2028),
and characters that change how a compiler reads the source (control codes,
bidirectional overrides, C trigraphs and line splices) are written as visible
<U+XXXX> text instead.
"""

from __future__ import annotations

import json
import re

# Every line terminator of Python, C, Rust, JavaScript, Verilog and Tcl, plus those str.splitlines knows.
_LINE_BREAKS = "\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]"
# Control codes, DEL, C1 controls, bidi marks and overrides, BOM, noncharacters that lint on.
_UNSAFE = "[\x00-\x08\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]"


def _visible(match: re.Match) -> str:
    return f"<U+{ord(match.group(0)):04X}>"


def comment_lines(text: str, ascii_only: bool = False) -> list[str]:
    """Lines of plain text safe to put after a line-comment marker in any target."""
    lines = []
    for line in re.split(_LINE_BREAKS, text.replace("\t", " ")):  # re caches compiled patterns
        line = re.sub(_UNSAFE, _visible, line)
        if ascii_only:
            line = re.sub(r"[^\x20-\x7e]", _visible, line)
        lines.append(line.rstrip())
    return lines


def c_comment_lines(text: str) -> list[str]:
    """For C // comments: no trigraph (??/ is a backslash), no line splice at the end (both warn)."""
    out = []
    for line in comment_lines(text):
        line = re.sub(r"\?(?=\?)", "? ", line)
        if line.endswith("\\"):
            line += "."
        out.append(line)
    return out


def block_comment_lines(text: str) -> list[str]:
    """For /* ... */ and /** ... */ blocks (JavaScript, Rust): the text cannot close the block."""
    return [line.replace("*/", "*\\/").replace("/*", "/\\*") for line in comment_lines(text)]


_PY_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def python_str(text: str) -> str:
    """An ASCII Python literal, quoted as ruff format would (double quotes unless single need fewer escapes).

    Not json.dumps: it writes astral characters as surrogate pairs, which Python reads as two lone surrogates.
    """
    quote = "'" if text.count('"') > text.count("'") else '"'
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _PY_ESCAPES:
            out.append(_PY_ESCAPES[ch])
        elif ch == quote:
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return quote + "".join(out) + quote


def js_str(text: str) -> str:
    """A JavaScript string literal; ensure_ascii also escapes U+2028 and U+2029."""
    return json.dumps(text, ensure_ascii=True)


def rust_str(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\u{{{code:x}}}")
    return '"' + "".join(out) + '"'


def _octal_bytes_str(text: str, extra: str) -> str:
    out = []
    for byte in text.encode("utf-8"):
        ch = chr(byte)
        if ch in '"\\' + extra or not 0x20 <= byte < 0x7F:
            out.append(f"\\{byte:03o}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def c_str(text: str) -> str:
    """A C string literal in ASCII: octal escapes (never hex, which would swallow following digits); no '?'."""
    return _octal_bytes_str(text, "?")


def verilog_str(text: str) -> str:
    return _octal_bytes_str(text, "")
