"""The error knowledge base: its seeds cover every validation rule and every tool a folder declares, matching
normalizes before it compares, and a near miss is found within three edits."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from projects import ROOT, minimal_schema

from atomik_tasks.cli import declared_tools
from atomik_tasks.errors import ToolMissing
from atomik_tasks.feedback import kb as kbmod
from atomik_tasks.feedback.kb import KnowledgeError, merged, parse
from atomik_tasks.feedback.messages import diagnostic_text, normalize
from atomik_tasks.languages.normalize import check_text
from atomik_tasks.schema.diagnostics import errors
from atomik_tasks.tools import Tool, require

PACKAGE = ROOT / "atomik_tasks"
CATCH_ALL = {"spec.other", "json.syntax", "spec.enum", "spec.pattern", "spec.type"}


@pytest.fixture(scope="module")
def kb():
    return merged([])


def rule_ids() -> set[str]:
    """Every rule a diagnostic can carry, read from the code that raises them."""
    found = set()
    for name in ("schema/rules.py", "schema/validate.py", "schema/source.py", "languages/normalize.py"):
        text = (PACKAGE / name).read_text()
        found |= set(
            re.findall(
                r'"((?:json|file|identity|identifier|field|default|accumulate|rollback|data|uniform|text)-[a-z-]+)"',
                text,
            )
        )
    found |= {f"missing-{k}" for k in ("author", "license", "description")}
    return found


def test_every_validation_rule_has_its_own_entry(kb):
    ids = rule_ids()
    assert {"identifier-reserved", "json-duplicate-key", "identity-unique", "file-name"} <= ids
    signatures = [e.signature for e in kb.entries]
    for rule in sorted(ids):
        assert any(s.startswith(f"^{rule} ") or s.startswith(f"^{rule}") for s in signatures), rule


def broken_docs() -> dict[str, dict]:
    """One document per structural keyword of the spec (enum, pattern, type, required, ...)."""

    def edit(fn):
        doc = copy.deepcopy(minimal_schema())
        fn(doc)
        return doc

    return {
        "enum": edit(lambda d: d["catalogue"].update(vertical="Finanse")),
        "pattern": edit(lambda d: d["catalogue"].update(version="1.0")),
        "type": edit(lambda d: d["schema"]["delta_fields"]["value"].update(width="32")),
        "required": edit(lambda d: d["catalogue"].pop("vertical")),
        "additionalProperties": edit(lambda d: d["catalogue"].update(autor="x")),
        "minimum": edit(lambda d: d["schema"]["operations"].update(rollback={"enabled": True, "history_depth": 0})),
        "maximum": edit(lambda d: d["schema"]["operations"].update(rollback={"enabled": True, "history_depth": 70000})),
        "minProperties": edit(lambda d: d["schema"].update(delta_fields={})),
        "minLength": edit(lambda d: d["catalogue"].update(author="")),
        "maxLength": edit(lambda d: d["catalogue"].update(description="x" * 1025)),
    }


@pytest.mark.parametrize("keyword", sorted(broken_docs()))
def test_each_structural_rule_of_the_spec_is_known(kb, keyword):
    _, diags = check_text(json.dumps(broken_docs()[keyword], indent=2), "schemas/t.json", [])
    found = [d for d in errors(diags) if d.rule == f"spec:{keyword}"]
    assert found, diags
    for d in found:
        match = kb.match(diagnostic_text(d.rule, d.path, d.message), "validate")
        assert match and match.how == "exact" and match.entry.id != "spec.other", (d.format(), match)


def test_every_declared_tool_missing_is_known_and_names_the_one_install_command(kb):
    tools = declared_tools(for_tests=True)
    assert len(tools) >= 10
    for tool in tools:
        missing = Tool(f"no-such-{tool.command}", tool.debian, tool.purpose, tool.pip, tool.npm)
        with pytest.raises(ToolMissing) as exc:
            require(missing)
        message = str(exc.value)
        assert exc.value.command == missing.command  # typed: the fix checks this name after installing
        match = kb.match(message, "verify")
        assert match and match.entry.id == "tool.missing", message
        assert "`atomik-tasks tools --install`" in message and "`make`" not in message
        assert (tool.debian or tool.pip or tool.npm.split("@")[0]) in message


def test_normalizing_drops_what_differs_between_two_occurrences_of_one_failure():
    a = normalize(
        "gcc exited 1: build/sdk/c/src/price_tick.c:12:5: error: \u2018x\u2019 undeclared (first use in this function)"
    )
    b = normalize(
        "gcc exited 1: /home/u/p/build/sdk/c/src/video.c:7:22: "
        "error: \u2018y\u2019 undeclared (first use in this function)"
    )
    assert a == b == "gcc exited <n>: <path>: error: <id> undeclared (first use in this function)"
    assert normalize("at line 19 column 7 value 0x1F and 'Name'") == "at value <n> and <id>"


def test_a_near_miss_within_three_edits_matches_and_says_so(kb):
    known = "node exited 1: SyntaxError: Unexpected token ';'"
    assert kb.match(known).how == "exact"
    # an entry whose signature is strict: the tool's wording drifted by two characters
    near = "no test passd (0 passed, 0 failed)"
    match = kb.match(near)
    assert match and match.how == "fuzzy" and match.entry.id == "checks.no-test" and match.distance == 1
    assert 90 < match.score < 100 and match.to_dict()["how"] == "fuzzy"
    far = "no tst psd (<n> psd, <n> filed)"
    assert kb.match(far) is None


def test_matching_respects_the_stage(kb):
    message = "ERROR: Unable to place cell 'x', no BELs remaining to implement cell type 'LUT4'"
    assert kb.match(message, "synth").entry.id == "nextpnr.device-full"
    assert kb.match(message, "verify") is None or kb.match(message, "verify").entry.stage in ("verify", "any")


def test_learned_entries_override_shipped_ones_by_id_and_come_first():
    learned = parse(
        {
            "schema_version": 1,
            "entries": [{"id": "gcc.compile", "signature": "error:", "class": "mine", "fix": {"kind": "person"}}],
        },
        "knowledge/learned.json",
    )
    kb = merged(learned)
    assert kb.get("gcc.compile").cls == "mine"
    assert len(kb) == len(kbmod.shipped())
    assert kb.match("cc: error: something").entry.cls == "mine"


@pytest.mark.parametrize(
    "data, error",
    [
        ({"schema_version": 2, "entries": []}, "schema_version 1"),
        ({"schema_version": 1, "entries": [{"id": "a"}]}, "lacks 'signature'"),
        ({"schema_version": 1, "entries": [{"id": "a", "signature": "(", "class": "c"}]}, "bad signature"),
        ({"schema_version": 1, "entries": [{"id": "a", "signature": "x", "class": "c"}] * 2}, "appears twice"),
    ],
)
def test_a_bad_knowledge_file_is_a_clear_error(data, error):
    with pytest.raises(KnowledgeError, match=re.escape(error)):
        parse(data, "knowledge/learned.json")


def test_the_shipped_file_is_versioned_and_exports_as_json(kb):
    data = json.loads(Path(kbmod.SHIPPED).read_text())
    assert data["schema_version"] == kbmod.SCHEMA_VERSION
    exported = kb.to_json({"gcc.compile": {"success": 2, "failure": 1}})
    plugins = [p for pattern in kbmod.PLUGIN_KNOWLEDGE for p in Path(kbmod.SHIPPED).parents[1].glob(pattern)]
    in_files = len(data["entries"]) + sum(len(json.loads(p.read_text())["entries"]) for p in plugins)
    assert exported["schema_version"] == 1 and len(exported["entries"]) == in_files
    gcc = next(e for e in exported["entries"] if e["id"] == "gcc.compile")
    assert gcc["counts"] == {"success": 2, "failure": 1} and gcc["class"] == "c-compile-error"
    assert all(re.compile(e["signature"]) for e in exported["entries"])
    # every example of an entry is matched by that entry (or an earlier, more specific one of the same class)
    for e in kb.entries:
        for example in e.examples:
            assert kb.match(example) is not None, (e.id, example)


def test_the_cli_exports_the_knowledge_base_with_the_projects_counts(tmp_path, capsys):
    from atomik_tasks.cli import main

    (tmp_path / "knowledge").mkdir()
    (tmp_path / "knowledge" / "learned.json").write_text(
        json.dumps({"schema_version": 1, "entries": [], "counts": {"spec.width-illegal": {"success": 3, "failure": 0}}})
    )
    assert main(["kb", "--export", "--project", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    width = next(e for e in data["entries"] if e["id"] == "spec.width-illegal")
    assert width["counts"] == {"success": 3, "failure": 0} and width["fix"]["kind"] == "legal-width"
