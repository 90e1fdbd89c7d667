"""consume:<lang>: each SDK packaged the way its ecosystem ships it (CMake install + pkg-config, npm pack, a
wheel, cargo package, a FuseSoC generator) and used by a consumer project in a temp dir, with the real tools."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from projects import ROOT, SOFTWARE_ONLY, make_project

LANGUAGES = ("c", "javascript", "python", "rust", "verilog")
CONSUME = SOFTWARE_ONLY.replace("consume = false", "consume = true")
EDGE = [ROOT / "schemas/edge-sensor-imu.json"]


def consume_report(proj, lang: str) -> dict:
    return json.loads(Path(proj.layout.report(f"consume-{lang}", "_package")).read_text())


def log(proj, task: str) -> str:
    return Path(proj.layout.log(task)).read_text()


@pytest.fixture(scope="module")
def consumed(tmp_path_factory):
    proj = make_project(tmp_path_factory.mktemp("consume") / "p", config=CONSUME)
    run = proj.doit()
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return proj


def test_every_sdk_is_packaged_and_used_by_a_consumer(consumed):
    for lang in LANGUAGES:
        report = consume_report(consumed, lang)
        assert report["status"] == "passed" and report["failed"] == 0, report
        # edge-sensor-imu is the first shipped schema with both reconstruct and rollback
        assert report["consumer_schema"] == "edge-sensor-imu"
    assert consume_report(consumed, "python")["artifact"] == "atomik-0.0.0-py3-none-any.whl"
    assert consume_report(consumed, "rust")["artifact"] == "atomik-0.0.0.crate"
    assert consume_report(consumed, "javascript")["artifact"] == "atomik-sdk-0.0.0.tgz"
    # C: the find_package consumer and the pkg-config one both ran and printed their line
    assert log(consumed, "consume:c").count("consumer: IMUFusion ok") == 2
    assert "find_package" not in consume_report(consumed, "c").get("error", "")
    # FuseSoC ran the generator inside `fusesoc run`, then the testbench
    verilog = log(consumed, "consume:verilog")
    assert "atomik_gen: wrote atomik_edge_sensor_imu_fusion.core" in verilog
    assert "consumer: IMUFusion ok" in verilog
    for lang in ("python", "javascript", "rust"):
        assert "consumer: IMUFusion ok" in log(consumed, f"consume:{lang}")


def test_the_packages_have_what_each_ecosystem_expects(consumed):
    sdk = consumed.sdk
    cmake = (sdk / "c/CMakeLists.txt").read_text()
    for key in ("edge_sensor_imu_fusion", "finance_trading_price_tick", "video_streaming_h264_delta"):
        assert f"    {key}\n" in cmake
    assert "install(EXPORT atomikTargets NAMESPACE atomik::" in cmake
    package = json.loads((sdk / "javascript/package.json").read_text())
    assert package["types"] == "./index.d.ts"
    assert package["exports"]["./finance/trading"]["types"] == "./src/finance/trading/index.d.ts"
    assert (sdk / "javascript/src/finance/trading/price_tick.d.ts").exists()
    assert (sdk / "python/atomik/py.typed").exists()
    assert "missing_docs" in (sdk / "rust/src/lib.rs").read_text()
    mypy = consumed.report("verify:python:_package")
    assert mypy["status"] == "passed" and "mypy" in mypy["tools"]


def test_a_second_run_consumes_nothing(consumed):
    run = consumed.doit()
    assert run.returncode == 0
    assert not {t for t in run.executed if t.startswith("consume:")}, run.executed


def override(proj, lang: str, template: str, old: str, new: str) -> None:
    shipped = (ROOT / f"atomik_tasks/languages/{lang}/templates/{template}").read_text()
    assert old in shipped, f"{old!r} is not in {template}"
    path = proj.root / "templates" / lang / template
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(shipped.replace(old, new, 1))


def failed(proj, task: str) -> str:
    run = proj.doit(task)
    assert run.returncode != 0, run.stdout[-2000:]
    lang = task.split(":")[1]
    report = consume_report(proj, lang) if task.startswith("consume:") else proj.report(task)
    assert report["status"] == "failed", report
    return report["error"] + "\n" + log(proj, task)


def test_a_declaration_that_disagrees_with_the_code_fails_tsc(tmp_path):
    proj = make_project(tmp_path / "p", schemas=EDGE, config=CONSUME)
    override(
        proj,
        "javascript",
        "module.d.ts.j2",
        "reconstruct(field: {{ ident.object }}Field): bigint;",
        "reconstruct(field: {{ ident.object }}Field): string;",
    )
    out = failed(proj, "consume:javascript")
    assert "tsc exited" in out and "consumer.ts" in out and "TS2367" in out, out[-2000:]


def test_an_undocumented_public_item_fails_the_rust_docs(tmp_path):
    proj = make_project(tmp_path / "p", schemas=EDGE, config=CONSUME)
    override(proj, "rust", "module.rs.j2", "/// Number of delta fields.\n", "")
    out = failed(proj, "consume:rust")
    assert "missing documentation for a constant" in out, out[-2000:]


def test_a_missing_annotation_fails_mypy_strict(tmp_path):
    proj = make_project(tmp_path / "p", schemas=EDGE, config=CONSUME)
    override(
        proj,
        "python",
        "module.py.j2",
        "def reconstruct(self, field: str) -> int:",
        "def reconstruct(self, field: str):",
    )
    out = failed(proj, "verify:python:_package")
    assert "mypy exited" in out, out[-2000:]
    assert "missing a return type annotation" in out, out[-2000:]


def test_a_compiler_warning_fails_the_c_package(tmp_path):
    proj = make_project(tmp_path / "p", schemas=EDGE, config=CONSUME)
    override(proj, "c", "module.c.j2", "#include ", "static int never_called(void) { return 0; }\n#include ")
    out = failed(proj, "consume:c")
    assert "never_called" in out and "-Werror" in out, out[-2000:]


def test_the_fusesoc_generator_names_the_schema_error(tmp_path):
    schema = tmp_path / "core/schemas/bad.json"
    schema.parent.mkdir(parents=True)
    doc = json.loads(EDGE[0].read_text())
    doc["schema"]["delta_fields"]["motion_delta"]["width"] = 12
    schema.write_text(json.dumps(doc))
    gapi = tmp_path / "input.yml"
    config = {
        "gapi": "1.0",
        "files_root": str(tmp_path / "core"),
        "vlnv": "u:d:x-g:0",
        "parameters": {"schema": "schemas/bad.json"},
    }
    gapi.write_text(yaml.safe_dump(config))
    script = ROOT / "atomik_tasks/languages/verilog/shared_cores/atomik_gen/atomik_gen.py"
    out = tmp_path / "out"
    out.mkdir()
    run = subprocess.run([sys.executable, str(script), str(gapi)], cwd=out, capture_output=True, text=True)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "bad.json" in run.stderr and "schema.delta_fields.motion_delta.width" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and not list(out.iterdir())  # nothing half-written

    doc["schema"]["delta_fields"]["motion_delta"]["width"] = 64  # fixed: the generator writes the module
    schema.write_text(json.dumps(doc))
    run = subprocess.run([sys.executable, str(script), str(gapi)], cwd=out, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    core = yaml.safe_load((out / "atomik_edge_sensor_imu_fusion.core").read_text())
    assert core["name"] == "u:d:x-g:0" and core["filesets"]["rtl"]["files"] == ["rtl/atomik_edge_sensor_imu_fusion.v"]
    assert "module atomik_edge_sensor_imu_fusion" in (out / "rtl/atomik_edge_sensor_imu_fusion.v").read_text()
