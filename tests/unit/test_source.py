"""Bad input: a clear one-line error with file, path, line and rule; nothing lost, nothing stale."""

from __future__ import annotations

import json

import pytest

from atomik_tasks.schema.source import SourceError, parse_text, read_schema_file


@pytest.mark.parametrize(
    ("content", "rule", "line"),
    [
        (b"", "json-empty", 1),
        (b"  \n\n ", "json-empty", 1),
        (b'{"catalogue": {\n  "vertical": "Video",\n}', "json-syntax", 3),
        (b'{"a": 1} {"b": 2}', "json-syntax", 1),
        (b'{"a": NaN}', "json-syntax", 1),
        (b"[1, 2]", "json-not-object", 1),
        (b'"text"', "json-not-object", 1),
        (b"null", "json-not-object", 1),
        (b'{"catalogue": 1,\n "schema": 2,\n "catalogue": 3}', "json-duplicate-key", 3),
        (b'{"a": "caf\xe9"}', "file-not-utf8", 1),
        (b'{\n"a": "\xff"}', "file-not-utf8", 2),
        (b'{"a": "unterminated}', "json-syntax", 1),
    ],
)
def test_unreadable_files_get_one_clear_error(tmp_path, content, rule, line):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(SourceError) as exc:
        read_schema_file(path, "schemas/bad.json")
    diag = exc.value.diagnostics[0]
    assert diag.rule == rule
    assert diag.line == line
    text = diag.format()
    assert text.startswith("schemas/bad.json")
    assert "\n" not in text and "Traceback" not in text


def test_all_duplicate_keys_are_reported_with_their_lines():
    text = '{\n"a": 1,\n"a": 2,\n"b": {"c": 1,\n "c": 2}\n}'
    with pytest.raises(SourceError) as exc:
        parse_text(text, "f.json")
    found = [(d.path, d.line) for d in exc.value.diagnostics]
    assert found == [("a", 3), ("b.c", 5)]


def test_parser_agrees_with_json_module_on_valid_documents():
    text = json.dumps({"a": [1, 2.5, -3e2, True, None, {"b": "\u00e9\ud83d\ude00"}], "c": ""}, indent=1)
    assert parse_text(text, "f").doc == json.loads(text)


def test_line_of_a_nested_path():
    src = parse_text('{\n "schema": {\n  "delta_fields": {\n   "x": {"width": 48}\n  }\n }\n}', "f")
    assert src.line(("schema", "delta_fields", "x", "width")) == 4
    assert src.line(("schema", "missing", "deeper")) == 2


def test_interrupted_write_leaves_no_partial_file(tmp_path, monkeypatch):
    from atomik_tasks import fsio

    target = tmp_path / "out.txt"
    target.write_text("old")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(fsio.os, "replace", boom)
    with pytest.raises(OSError):
        fsio.write_if_changed(target, "new content")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
