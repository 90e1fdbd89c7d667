"""A field may be named like anything the generators use themselves: it builds and verifies in every language
(and on the board), or validation rejects it and says why. Never a valid schema that breaks an SDK."""

from __future__ import annotations

from projects import make_project, minimal_schema
from schema_strategies import VOCABULARY

from atomik_tasks.languages import all_languages, reserved

CONFIG = '[hardware]\nsimulate = true\nsynthesize = "never"\n'


def test_every_generator_word_is_a_usable_field_name_or_rejected_with_the_reason(tmp_path):
    rejected = {name for why in reserved().fields.values() for name in why}
    assert "count" in rejected  # C's and Rust's FIELD_COUNT
    proj = make_project(tmp_path / "p", schemas=[], config=CONFIG)
    usable = [n for n in VOCABULARY if n not in rejected]
    doc = minimal_schema(hardware={"rtl_params": {"DATA_WIDTH": 64}})
    doc["schema"]["delta_fields"] = {n: {"type": "delta_stream", "width": 64} for n in usable}
    doc["schema"]["operations"]["rollback"] = {"enabled": True, "history_depth": 4}
    proj.write_schema("words", doc)
    run = proj.doit("-n", "2")
    failed = {n: t["err"][-1500:] for n, t in run.tasks.items() if t["result"] == "fail"}
    assert run.returncode == 0 and not failed, failed
    for lang in all_languages():
        assert proj.report(f"verify:{lang}:words")["status"] == "passed"
    assert run.result("sim:uart:words") == "success"

    bad = minimal_schema()
    bad["catalogue"]["object"] = "Clash"
    bad["schema"]["delta_fields"] = {n: {"type": "delta_stream", "width": 8} for n in sorted(rejected)}
    proj.write_schema("clash", bad)
    run = proj.doit("validate:clash")
    assert run.returncode != 0
    assert "field 'count' would clash with generated code" in run.tasks["validate:clash"]["err"]
