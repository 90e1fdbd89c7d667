"""Bad input: a clear one-line error with file, path, line and rule; nothing lost, nothing stale."""

from __future__ import annotations

import json

from projects import minimal_schema


def test_doit_continue_builds_valid_schemas_and_fails(project):
    project.write_schema("broken", '{"catalogue": {"vertical": "Video",}')
    bad = minimal_schema()
    bad["schema"]["delta_fields"]["value"]["width"] = 48
    bad["catalogue"]["object"] = "Other"
    project.write_schema("wrong-width", bad)
    run = project.doit("--continue")
    assert run.returncode != 0
    assert run.result("validate:broken") == "fail"
    assert run.result("validate:wrong-width") == "fail"
    for stem in ("finance-price-tick", "edge-sensor-imu", "video-h264-delta"):
        assert run.result(f"generate:rust:{stem}") == "success"
    # every package index was still written, wiring the valid schemas only
    assert run.result("package:python") == "success"
    init = (project.sdk / "python/atomik/Finance/Trading/__init__.py").read_text()
    assert "PriceTick" in init
    assert not list(project.sdk.rglob("*other*"))
    err = run.tasks["validate:wrong-width"]["err"]
    assert "schemas/wrong-width.json:" in err
    assert "schema.delta_fields.value.width" in err
    assert "[spec:enum]" in err
    assert "schemas/broken.json:1: error: catalogue: malformed JSON" in run.tasks["validate:broken"]["err"]


def test_schema_turning_invalid_loses_its_views_and_keeps_others(project):
    assert project.doit().returncode == 0
    project.edit_schema("edge-sensor-imu", lambda d: d["schema"]["operations"]["accumulate"].update(enabled=False))
    run = project.doit("--continue")
    assert run.returncode != 0
    assert "[accumulate-enabled]" in run.tasks["validate:edge-sensor-imu"]["err"]
    # its view is the stand-in of an invalid schema: its generate task removes its files (nothing is built
    # from stale data) and the valid schemas' package builds
    assert json.loads((project.root / "build/views/rust/edge-sensor-imu.json").read_text()) == {"invalid": True}
    assert run.result("generate:rust:edge-sensor-imu") == "success"
    assert json.loads((project.root / "build/manifests/rust/edge-sensor-imu.json").read_text()) == {}
    assert not [p for p in project.sdk.rglob("*") if "imu" in p.name.lower()]
    assert run.result("verify:rust:_package") == "success"  # the crate without it
    assert run.result("verify:rust:edge-sensor-imu") == "fail"  # not run: its schema is invalid
    # an invalid schema is unwired from the package index
    assert "IMUFusion" not in (project.sdk / "javascript/index.js").read_text()
    # it stays failing until fixed: the next run reports it again
    assert project.doit("--continue").result("validate:edge-sensor-imu") == "fail"


def test_duplicate_identity_across_files_fails_both(project):
    doc = project.read_schema("finance-price-tick")
    project.write_schema("copy-of-price-tick", doc)
    run = project.doit("--continue")
    assert run.returncode != 0
    for stem in ("finance-price-tick", "copy-of-price-tick"):
        assert "[identity-unique]" in run.tasks[f"validate:{stem}"]["err"]
    assert run.result("generate:c:edge-sensor-imu") == "success"
