"""Schema text as comment lines that stay inert in every language (each language folder adds its own
string-literal escaping and comment rules on top).

Every string from a schema is data. Comments are split on every character
some target treats as a line end (JavaScript ends a line comment at U+2028),
and characters that change how a compiler reads the source (control codes,
bidirectional overrides, C trigraphs and line splices) are written as visible
<U+XXXX> text instead.
"""

from __future__ import annotations

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


def block_comment_lines(text: str) -> list[str]:
    """For /* ... */ and /** ... */ blocks (JavaScript, Rust): the text cannot close the block."""
    return [line.replace("*/", "*\\/").replace("/*", "/\\*") for line in comment_lines(text)]


def octal_bytes_str(text: str, extra: str) -> str:
    out = []
    for byte in text.encode("utf-8"):
        ch = chr(byte)
        if ch in '"\\' + extra or not 0x20 <= byte < 0x7F:
            out.append(f"\\{byte:03o}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
