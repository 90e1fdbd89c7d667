"""Every validation rule, each with a document that breaks it."""

from __future__ import annotations

import copy
import json

import pytest
from projects import SCHEMAS, minimal_schema

from atomik_tasks.languages import reserved
from atomik_tasks.schema import validate as schema_validate
from atomik_tasks.schema.source import parse_text


def validate(src, clashes=None):
    """Validation as normalize runs it: against the spec and every language's reserved words."""
    return schema_validate.validate(src, clashes, reserved())


def check(doc: dict | str, clashes=None):
    text = doc if isinstance(doc, str) else json.dumps(doc, indent=2)
    return validate(parse_text(text, "schemas/t.json"), clashes)


def rules(doc, clashes=None, severity="error") -> set[str]:
    return {d.rule for d in check(doc, clashes) if d.severity == severity}


def with_(edit) -> dict:
    doc = copy.deepcopy(minimal_schema())
    edit(doc)
    return doc


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.stem)
def test_shipped_schemas_are_valid(path):
    diags = validate(parse_text(path.read_text(), str(path)))
    assert [d.format() for d in diags] == []


def test_minimal_schema_is_valid():
    assert check(minimal_schema()) == []


# -- semantic rules ---------------------------------------------------------
def _rollback_without_depth(d):
    d["schema"]["operations"]["rollback"] = {"enabled": True}


def _data_width_mismatch(d):
    d["hardware"] = {"rtl_params": {"DATA_WIDTH": 64}}


def _mixed_widths_with_hardware(d):
    d["schema"]["delta_fields"]["other"] = {"type": "delta_stream", "width": 8}
    d["hardware"] = {"target_device": "GW1NR-9"}


SEMANTIC = {
    "accumulate-enabled": lambda d: d["schema"]["operations"]["accumulate"].update(enabled=False),
    "rollback-history-depth": _rollback_without_depth,
    "data-width-match": _data_width_mismatch,
    "uniform-width-with-hardware": _mixed_widths_with_hardware,
    "default-fits-width": lambda d: d["schema"]["delta_fields"]["value"].update(default_value=2**32),
    "field-name-collision": lambda d: d["schema"]["delta_fields"].update(value_={"type": "delta_stream", "width": 8}),
    "text-encodable": lambda d: d["catalogue"].update(description="bad \ud800 surrogate"),
}


@pytest.mark.parametrize("rule", sorted(SEMANTIC))
def test_semantic_rule_fails(rule):
    assert rule in rules(with_(SEMANTIC[rule]))


def test_mixed_widths_without_hardware_are_fine():
    doc = with_(lambda d: d["schema"]["delta_fields"].update(other={"type": "delta_stream", "width": 256}))
    assert rules(doc) == set()


@pytest.mark.parametrize(
    ("key", "name", "langs"),
    [
        ("object", "Self", "rust"),
        ("object", "None", "python"),
        ("object", "True", "python"),
        ("field", "Static", "c"),
        ("field", "Module", "verilog"),
        ("object", "Class", "javascript"),
        ("field", "Match", "python"),
        ("object", "Object", "javascript"),
        ("field", "Type", "rust"),
        ("object", "Wire", "verilog"),
    ],
)
def test_reserved_identifiers(key, name, langs):
    diags = check(with_(lambda d: d["catalogue"].update({key: name})))
    reserved = [d for d in diags if d.rule == "identifier-reserved"]
    assert reserved, diags
    assert reserved[0].path == f"catalogue.{key}"
    assert langs in reserved[0].message


def test_a_field_named_like_a_generated_name_is_rejected_with_the_reason():
    doc = minimal_schema()
    doc["schema"]["delta_fields"] = {"count": {"type": "delta_stream", "width": 8}}
    diags = [d for d in check(json.dumps(doc)) if d.rule == "field-name-reserved"]
    assert [d.path for d in diags] == ["schema.delta_fields.count"]
    assert "c: ATOMIK_<KEY>_FIELD_COUNT is the number of fields" in diags[0].message
    assert "rust: FIELD_COUNT is the number of fields" in diags[0].message
    doc["schema"]["delta_fields"] = {"count_delta": {"type": "delta_stream", "width": 8}}
    assert not [d for d in check(json.dumps(doc)) if d.severity == "error"]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("catalogue", "object"), "Minimal\n"),
        (("catalogue", "field"), "Test\n"),
        (("catalogue", "version"), "1.0.0\n"),
    ],
)
def test_trailing_newline_slips_past_json_schema_pattern_but_not_validation(path, value):
    doc = with_(lambda d: d[path[0]].update({path[1]: value}))
    assert "identifier-form" in rules(doc)


def test_trailing_newline_in_field_name():
    doc = with_(lambda d: d["schema"]["delta_fields"].update({"value\n": {"type": "delta_stream", "width": 8}}))
    assert "identifier-form" in rules(doc)


def test_identity_clash_is_reported():
    diags = check(minimal_schema(), clashes=["schemas/other.json"])
    assert [d.rule for d in diags] == ["identity-unique"]
    assert "schemas/other.json" in diags[0].message


def test_identity_key_catches_flattened_collisions(tmp_path):
    from atomik_tasks.schema.model import identity_key

    assert identity_key(("Finance", "Trading", "PriceTick")) == identity_key(("Finance", "TradingPrice", "Tick"))
    assert identity_key(("Edge", "Sensor", "IMUFusion")) == identity_key(("Edge", "Sensor", "ImuFusion"))


@pytest.mark.parametrize("key", ["author", "license", "description"])
def test_missing_metadata_is_a_warning(key):
    doc = with_(lambda d: d["catalogue"].pop(key))
    assert rules(doc) == set()
    assert f"missing-{key}" in rules(doc, severity="warning")


def test_every_error_is_reported_at_once_with_lines():
    doc = minimal_schema()
    doc["catalogue"]["vertical"] = "Space"
    doc["catalogue"]["object"] = "Self"
    doc["schema"]["delta_fields"]["value"]["width"] = 12
    doc["schema"]["operations"]["accumulate"]["enabled"] = False
    doc["schema"]["operations"]["rollback"] = {"enabled": True}
    doc["extra"] = 1
    diags = [d for d in check(doc) if d.severity == "error"]
    found = {(d.rule, d.path) for d in diags}
    assert found >= {
        ("spec:enum", "catalogue.vertical"),
        ("identifier-reserved", "catalogue.object"),
        ("spec:enum", "schema.delta_fields.value.width"),
        ("accumulate-enabled", "schema.operations.accumulate.enabled"),
        ("rollback-history-depth", "schema.operations.rollback"),
        ("spec:additionalProperties", "extra"),
    }
    text = json.dumps(doc, indent=2).splitlines()
    for d in diags:
        assert d.line >= 1
        last = d.path.split(".")[-1]
        assert last in text[d.line - 1] or d.path == "(root)", (d, text[d.line - 1])


# -- structure: the documents the upstream spec accepts, and those it rejects --
def _set(path, value):
    def edit(d):
        node = d
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value

    return edit


def _drop(path):
    def edit(d):
        node = d
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return edit


REJECTED = [
    ("no catalogue", _drop(["catalogue"])),
    ("no schema", _drop(["schema"])),
    ("no version", _drop(["catalogue", "version"])),
    ("bad vertical", _set(["catalogue", "vertical"], "video")),
    ("lower object", _set(["catalogue", "object"], "minimal")),
    ("hyphen field", _set(["catalogue", "field"], "p2p-sync")),
    ("long object", _set(["catalogue", "object"], "A" * 65)),
    ("bad semver", _set(["catalogue", "version"], "1.0")),
    ("leading zero semver", _set(["catalogue", "version"], "01.0.0")),
    ("empty author", _set(["catalogue", "author"], "")),
    ("long description", _set(["catalogue", "description"], "x" * 1025)),
    ("license not string", _set(["catalogue", "license"], 3)),
    ("unknown catalogue key", _set(["catalogue", "tags"], [])),
    ("no fields", _set(["schema", "delta_fields"], {})),
    ("upper field name", _set(["schema", "delta_fields", "Value"], {"type": "delta_stream", "width": 8})),
    ("width 48", _set(["schema", "delta_fields", "value", "width"], 48)),
    ("width string", _set(["schema", "delta_fields", "value", "width"], "32")),
    ("bad type", _set(["schema", "delta_fields", "value", "type"], "stream")),
    ("bad encoding", _set(["schema", "delta_fields", "value", "encoding"], "gzip")),
    ("bad compression", _set(["schema", "delta_fields", "value", "compression"], "zip")),
    ("negative default", _set(["schema", "delta_fields", "value", "default_value"], -1)),
    ("float default", _set(["schema", "delta_fields", "value", "default_value"], 1.5)),
    ("unknown field key", _set(["schema", "delta_fields", "value", "signed"], True)),
    ("no accumulate", _set(["schema", "operations"], {"reconstruct": {"enabled": True}})),
    ("accumulate without enabled", _set(["schema", "operations", "accumulate"], {})),
    ("latency zero", _set(["schema", "operations", "accumulate", "latency_cycles"], 0)),
    ("history 0", _set(["schema", "operations", "rollback"], {"enabled": True, "history_depth": 0})),
    ("history too deep", _set(["schema", "operations", "rollback"], {"enabled": True, "history_depth": 65537})),
    ("enabled not bool", _set(["schema", "operations", "reconstruct"], {"enabled": "yes"})),
    ("unknown op", _set(["schema", "operations", "merge"], {})),
    ("memory 0", _set(["schema", "constraints", "max_memory_mb"], 0)),
    ("power too high", _set(["schema", "constraints", "max_power_mw"], 100001)),
    ("latency ms negative", _set(["schema", "constraints", "update_latency_ms"], -1)),
    ("frequency too low", _set(["schema", "constraints", "target_frequency_mhz"], 0.5)),
    ("unknown constraint", _set(["schema", "constraints", "max_luts"], 1)),
    ("data width 48", _set(["hardware", "rtl_params", "DATA_WIDTH"], 48)),
    ("clock domain upper", _set(["hardware", "rtl_params", "CLOCK_DOMAIN"], "Clk")),
    ("bad goal", _set(["hardware", "synthesis_options", "optimization_goal"], "cost")),
    ("unknown hardware key", _set(["hardware", "board"], "x")),
    ("timing not object", _set(["hardware", "synthesis_options", "timing_constraints"], [])),
    ("unknown top key", _set(["extra"], 1)),
]

ACCEPTED = [
    ("width as the float 32.0", _set(["schema", "delta_fields", "value", "width"], 32.0)),
    ("prerelease semver", _set(["catalogue", "version"], "2.1.3-beta.1+build.5")),
    ("any license text", _set(["catalogue", "license"], "")),
    ("free timing constraints", _set(["hardware", "synthesis_options", "timing_constraints"], {"x": [1, {"y": 2}]})),
    ("frequency float", _set(["schema", "constraints", "target_frequency_mhz"], 27.5)),
    ("latency ms zero", _set(["schema", "constraints", "update_latency_ms"], 0)),
    ("rollback disabled without depth", _set(["schema", "operations", "rollback"], {"enabled": False})),
    ("empty reconstruct", _set(["schema", "operations", "reconstruct"], {})),
    ("empty hardware", _set(["hardware"], {})),
    ("digits in names", _set(["catalogue", "object"], "H264Delta")),
]


@pytest.mark.parametrize(("what", "edit"), REJECTED, ids=[r[0] for r in REJECTED])
def test_structure_rejects(what, edit):
    found = rules(with_(edit))
    assert any(r.startswith("spec:") for r in found), found


@pytest.mark.parametrize(("what", "edit"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_structure_accepts(what, edit):
    assert rules(with_(edit)) == set()
