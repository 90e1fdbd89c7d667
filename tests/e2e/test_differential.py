"""Differential regeneration: what a change re-runs, measured by running doit in a temp copy.

The generation table runs `doit generate`; the full-build tests run plain `doit` (with verification).
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from projects import make_project, minimal_schema

from atomik_tasks.languages import all_languages

LANGS = tuple(all_languages())


def generated(run, stem: str | None = None) -> set[str]:
    """Executed generate:<lang>:<schema> tasks (optionally of one schema)."""
    out = set()
    for name in run.executed:
        parts = name.split(":")
        if parts[0] == "generate" and len(parts) == 3 and (stem is None or parts[2] == stem):
            out.add(name)
    return out


def test_first_build_then_noop_runs_nothing(project):
    first = project.doit()
    assert first.returncode == 0, first.stderr
    assert generated(first) == {f"generate:{lang}:{s}" for lang in LANGS for s in _stems(project)}
    again = project.doit()
    assert again.returncode == 0
    assert again.executed == set()


def test_description_edit_regenerates_only_python_and_javascript_of_that_schema(project):
    assert project.doit("generate").returncode == 0
    project.edit_schema("finance-price-tick", lambda d: d["catalogue"].update(description="New words."))
    run = project.doit("generate")
    assert run.returncode == 0, run.stderr
    assert generated(run) <= {"generate:python:finance-price-tick", "generate:javascript:finance-price-tick"}
    assert generated(run)  # the description is in the Python and JavaScript output, so they did change
    assert not any(n.startswith("package:") for n in run.executed)
    others = {"edge-sensor-imu", "video-h264-delta"}
    assert not [n for n in run.executed if n.rsplit(":", 1)[-1] in others]
    text = (project.sdk / "python/atomik/Finance/Trading/price_tick.py").read_text()
    assert "New words." in text


def test_hardware_edit_regenerates_only_verilog_of_that_schema(project):
    assert project.doit("generate").returncode == 0
    project.edit_schema("edge-sensor-imu", lambda d: d["hardware"]["rtl_params"].update(CLOCK_DOMAIN="imu_clk"))
    run = project.doit("generate")
    assert run.returncode == 0, run.stderr
    assert generated(run) == {"generate:verilog:edge-sensor-imu"}
    assert "imu_clk" in (project.sdk / "verilog/rtl/atomik_edge_sensor_imu_fusion.v").read_text()


def test_width_edit_regenerates_all_languages_of_that_schema_only(project):
    assert project.doit("generate").returncode == 0

    def widen(doc):
        for f in doc["schema"]["delta_fields"].values():
            f["width"] = 128
        doc["hardware"]["rtl_params"]["DATA_WIDTH"] = 128

    project.edit_schema("finance-price-tick", widen)
    run = project.doit("generate")
    assert run.returncode == 0, run.stderr
    assert generated(run) == {f"generate:{lang}:finance-price-tick" for lang in LANGS}
    assert "u128" in (project.sdk / "rust/src/finance/trading/price_tick.rs").read_text()


def test_template_edit_regenerates_that_language_only(tmp_path):
    project = make_project(tmp_path / "p", package=True)
    assert project.doit("generate").returncode == 0
    tpl = project.root / "atomik_tasks/languages/rust/templates/module.rs.j2"
    tpl.write_text(tpl.read_text().replace("; do not edit.", "; do not edit (rev 2).", 1))
    run = project.doit("generate")
    assert run.returncode == 0, run.stderr
    assert generated(run) == {f"generate:rust:{s}" for s in _stems(project)}
    assert not any(n.startswith("package:") and n != "package:rust" for n in run.executed)


def test_new_schema_runs_its_tasks_and_package_indexes_only(project):
    assert project.doit("generate").returncode == 0
    project.write_schema("compute-minimal", minimal_schema())
    run = project.doit("generate")
    assert run.returncode == 0, run.stderr
    assert generated(run) == {f"generate:{lang}:compute-minimal" for lang in LANGS}
    touched = {n.rsplit(":", 1)[-1] for n in run.executed if n.count(":") >= 1}
    assert touched <= {"compute-minimal", *LANGS}, touched
    init = (project.sdk / "python/atomik/Compute/Test/__init__.py").read_text()
    assert "from .minimal import Minimal" in init
    # the other schemas are still wired
    assert (
        "from .price_tick import PriceTick" in (project.sdk / "python/atomik/Finance/Trading/__init__.py").read_text()
    )


def test_removed_schema_is_unwired_and_its_files_removed(project):
    assert project.doit("generate").returncode == 0
    module = project.sdk / "c/src/edge_sensor_imu_fusion.c"
    assert module.exists()
    project.schema("edge-sensor-imu").unlink()
    run = project.doit("generate")
    assert run.returncode == 0, run.stderr
    assert not module.exists()
    assert "imu_fusion" not in (project.sdk / "c/include/atomik/atomik.h").read_text()
    assert not (project.sdk / "python/atomik/Edge").exists() or not any(
        (project.sdk / "python/atomik/Edge").rglob("*.py")
    )


def test_deleted_output_is_regenerated(project):
    assert project.doit("generate").returncode == 0
    out = project.sdk / "javascript/src/video/streaming/h264_delta.js"
    out.unlink()
    run = project.doit("generate")
    assert "generate:javascript:video-h264-delta" in run.executed
    assert out.exists()


def test_single_target_and_single_schema_tasks_run_alone(project):
    run = project.doit("generate:rust")
    assert run.returncode == 0, run.stderr
    assert generated(run) == {f"generate:rust:{s}" for s in _stems(project)}
    assert (project.sdk / "rust/src/lib.rs").exists()
    assert not (project.sdk / "python").exists()
    shutil.rmtree(project.sdk / "rust")
    run = project.doit("generate:c:finance-price-tick")
    assert generated(run) == {"generate:c:finance-price-tick"}


def _stems(project) -> list[str]:
    return [p.stem for p in (project.root / "schemas").glob("*.json")]


def test_clean_removes_every_output_and_forgets(project):
    assert project.doit("generate").returncode == 0
    clean = subprocess.run([sys.executable, "-m", "doit", "clean"], cwd=project.root, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stderr
    state = {"doit.sqlite3", ".config-valid"}  # doit's database and the stamp of the checked atomik.toml
    left = [p for p in (project.root / "build").rglob("*") if p.is_file() and p.name not in state]
    assert left == []
    run = project.doit("generate")
    assert generated(run) == {f"generate:{lang}:{s}" for lang in LANGS for s in _stems(project)}


def test_full_build_reverifies_only_what_changed(project):
    assert project.doit().returncode == 0
    project.edit_schema("finance-price-tick", lambda d: d["catalogue"].update(description="Other words."))
    run = project.doit()
    assert run.returncode == 0, run.stderr
    verified = {n for n in run.executed if n.startswith("verify:")}
    assert verified <= {
        "verify:python:finance-price-tick",
        "verify:javascript:finance-price-tick",
        "verify:python:_package",
        "verify:javascript:_package",
    }, verified
    assert "verify:python:finance-price-tick" in verified
    others = {"edge-sensor-imu", "video-h264-delta"}
    assert not [n for n in run.executed if n.rsplit(":", 1)[-1] in others]

    project.write_schema("compute-minimal", minimal_schema())
    run = project.doit()
    assert run.returncode == 0, run.stderr
    per_schema = {n for n in run.executed if n.startswith(("verify:", "check:")) and not n.endswith("_package")}
    assert per_schema == {f"verify:{lang}:compute-minimal" for lang in LANGS} | {"check:interfaces:compute-minimal"}
    assert project.doit().executed == set()
