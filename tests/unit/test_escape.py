"""Escaping of schema text: literals read back to the same text; comments cannot end early."""

from __future__ import annotations

import ast
import re

from hypothesis import given
from hypothesis import strategies as st

from atomik_tasks.languages import escape
from atomik_tasks.languages.c import c_comment_lines, c_str
from atomik_tasks.languages.javascript import js_str
from atomik_tasks.languages.python import python_str
from atomik_tasks.languages.rust import rust_str

# Any text a schema can hold (JSON strings may hold anything but unpaired surrogates, which validation rejects).
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=200)
BREAKS = re.compile("[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


@given(TEXT)
def test_python_literal_round_trips(text):
    lit = python_str(text)
    assert lit.isascii()
    assert ast.literal_eval(lit) == text


@given(TEXT)
def test_js_literal_is_ascii_json(text):
    import json

    lit = js_str(text)
    assert lit.isascii() and "\u2028" not in lit
    assert json.loads(lit) == text


def _unescape_rust(lit: str) -> str:
    body = lit[1:-1]
    simple = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(
        r"\\(u\{([0-9a-f]+)\}|.)", lambda m: chr(int(m.group(2), 16)) if m.group(2) else simple[m.group(1)], body
    )


@given(TEXT)
def test_rust_literal_round_trips(text):
    lit = rust_str(text)
    assert lit.isascii()
    assert _unescape_rust(lit) == text


@given(TEXT)
def test_c_literal_is_ascii_without_trigraphs_and_round_trips(text):
    lit = c_str(text)
    assert lit.isascii() and "??" not in lit and "?" not in lit[1:-1].replace("\\077", "")
    raw = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), lit[1:-1].encode())
    assert raw.decode("utf-8") == text


@given(TEXT)
def test_comment_lines_hold_no_line_break_or_control(text):
    for line in escape.comment_lines(text) + c_comment_lines(text) + escape.block_comment_lines(text):
        assert not BREAKS.search(line)
        assert not re.search("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", line)


@given(TEXT)
def test_c_comments_cannot_splice_or_use_trigraphs(text):
    for line in c_comment_lines(text):
        assert not line.endswith("\\")
        assert "??" not in line


@given(TEXT)
def test_block_comments_cannot_close(text):
    for line in escape.block_comment_lines(text):
        assert "*/" not in line


@given(TEXT)
def test_verilog_comments_are_ascii(text):
    for line in escape.comment_lines(text, ascii_only=True):
        assert line.isascii()


def test_python_literals_are_as_ruff_format_writes_them(tmp_path):
    import random
    import subprocess
    import sys
    from pathlib import Path

    from hostile import CORPUS

    rng = random.Random(7)
    alphabet = "ab \"'\\\n\t\u00e9\u2028\U0001f600{}$`"
    texts = [*CORPUS, *("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(400))]
    source = "".join(f"x{i} = {python_str(t)}\n" for i, t in enumerate(texts))
    path = tmp_path / "literals.py"
    path.write_text(source)
    ruff = Path(sys.executable).parent / "ruff"
    proc = subprocess.run(
        [str(ruff), "format", "--check", "--diff", "--no-cache", str(path)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout[:3000]
    namespace: dict = {}
    exec(compile(source, str(path), "exec"), namespace)  # literals only: the file holds nothing else
    assert [namespace[f"x{i}"] for i in range(len(texts))] == texts
