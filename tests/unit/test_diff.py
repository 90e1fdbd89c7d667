"""`doit diff`: field-level changes since the last good build, and a prediction that doit then confirms."""

from __future__ import annotations

import subprocess
import sys

from atomik_tasks.reports.diff import structural


def test_structural_diff_paths():
    old = {"a": {"w": 64, "s": "x" * 50, "gone": 1}, "b": [1]}
    new = {"a": {"w": 128, "s": "y" * 50, "new": True}, "b": [1, 2]}
    assert structural(old, new) == [
        "a.gone removed",
        "a.new added: true",
        "a.s changed",
        "a.w: 64 \u2192 128",
        "b: [1] \u2192 [1, 2]",
    ]
    assert structural({"x": 1}, {"x": 1}) == []
    assert structural({"x": 1}, {"x": 1.0}) == ["x: 1 \u2192 1.0"]


def _diff(proj) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "doit", "-r", "console", "diff"],
        cwd=proj.root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in out.splitlines() if not line.startswith((".", "-"))]


def _snapshot(root):
    return {p: p.read_bytes() for p in sorted((root / "build").rglob("*")) if p.is_file() and p.suffix != ".sqlite3"}


def test_diff_predicts_what_doit_rebuilds_and_changes_nothing(project):
    assert project.doit("generate", "vectors").returncode == 0
    assert _diff(project) == [f"{s}: up to date" for s in ("edge-sensor-imu", "finance-price-tick", "video-h264-delta")]

    def widen(doc):
        for f in doc["schema"]["delta_fields"].values():
            f["width"] = 128
        doc["hardware"]["rtl_params"]["DATA_WIDTH"] = 128

    project.edit_schema("finance-price-tick", widen)
    project.edit_schema("edge-sensor-imu", lambda d: d["catalogue"].update(description="Shorter."))
    before = _snapshot(project.root)
    lines = _diff(project)
    assert _snapshot(project.root) == before  # it changes nothing
    text = "\n".join(lines)
    assert "finance-price-tick: 4 change(s)" in text
    assert "  schema.delta_fields.price_delta.width: 64 \u2192 128" in lines
    assert "  hardware.rtl_params.DATA_WIDTH: 64 \u2192 128" in lines
    assert "  catalogue.description changed" in lines
    assert "video-h264-delta: up to date" in lines
    predicted = {}
    for i, line in enumerate(lines):
        if line.startswith("  regenerates"):
            stem = next(x for x in reversed(lines[:i]) if not x.startswith("  ")).split(":")[0]
            predicted[stem] = set(line.split(": ", 1)[1].split(", "))
    assert predicted == {
        "edge-sensor-imu": {"javascript", "python"},
        "finance-price-tick": {"c", "javascript", "python", "rust", "verilog", "vectors"},
    }
    run = project.doit("generate", "vectors")
    actual: dict[str, set[str]] = {}
    for name in run.executed:
        parts = name.split(":")
        if parts[0] == "generate" and len(parts) == 3:
            actual.setdefault(parts[2], set()).add(parts[1])
        elif parts[0] == "vectors":
            actual.setdefault(parts[1], set()).add("vectors")
    assert actual == predicted


def test_diff_of_a_new_and_an_invalid_schema(project):
    assert project.doit("generate").returncode == 0
    project.write_schema("broken", "{")
    doc = project.read_schema("edge-sensor-imu")
    doc["catalogue"]["object"] = "Other"
    project.write_schema("another", doc)
    lines = _diff(project)
    assert "another: new schema: every target will generate and verify" in lines
    assert "broken: invalid (1 error(s)): doit validate:broken" in lines


def test_an_edit_of_a_key_without_effect_says_so_and_regenerates_nothing(project):
    assert project.doit("generate", "vectors").returncode == 0

    def retype(doc):
        doc["schema"]["delta_fields"]["price_delta"]["type"] = "bitmask_delta"
        doc["schema"]["operations"]["accumulate"]["latency_cycles"] = 3

    project.edit_schema("finance-price-tick", retype)
    lines = _diff(project)
    marked = "(no effect on generated code today)"
    assert '  schema.delta_fields.price_delta.type: "parameter_delta" \u2192 "bitmask_delta" ' + marked in lines, lines
    latency = [line for line in lines if line.startswith("  schema.operations.accumulate.latency_cycles")]
    assert len(latency) == 1 and latency[0].endswith(marked), lines
    assert "  no generated code changes (validation runs again)" in lines
    run = project.doit("generate", "vectors")
    assert not {t for t in run.executed if t.startswith(("generate:", "vectors:"))}


def test_the_spec_doc_lists_every_allowed_value():
    import json

    from projects import ROOT

    spec = json.loads((ROOT / "atomik_tasks/schema/spec/atomik-schema.json").read_text())
    doc = (ROOT / "atomik_tasks/docs/schema-spec.md").read_text()
    values = []

    def walk(node):
        if isinstance(node, dict):
            values.extend(node.get("enum", []))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    assert len(values) > 20
    assert [v for v in values if f"`{v}`" not in doc] == []
