"""The feedback loop with the real tools: `doit fix` on a real project, timing closure with the real nextpnr,
one retry of a tool killed mid-run, a missing tool's install command, and the real toolchains' own failure
messages classified by the knowledge base."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from projects import ROOT, SCHEMAS, env_without, make_project

from atomik_tasks.checks.runner import Context, run_check
from atomik_tasks.feedback.kb import merged
from atomik_tasks.feedback.messages import report_failure
from atomik_tasks.languages.check import Counts
from atomik_tasks.layout import Layout

CORPUS = ROOT / "bench" / "broken"
EDGE = next(s for s in SCHEMAS if s.stem == "edge-sensor-imu")


def doit(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """doit with the project's own reporter (what a person sees)."""
    return subprocess.run(
        [sys.executable, "-m", "doit", *args], cwd=root, capture_output=True, text=True, timeout=1200, env=env
    )


def run_json(root: Path) -> dict:
    return json.loads((root / "build" / "reports" / "run.json").read_text())


def test_a_build_names_the_fix_and_doit_fix_applies_it(tmp_path):
    p = make_project(tmp_path / "p", schemas=[EDGE, CORPUS / "width-12.json"])
    failed = doit(p.root, "--continue")
    assert failed.returncode != 0
    assert "fix: validate:width-12 [illegal-width] doit fix:width-12 --apply" in failed.stdout
    verdict = next(f for f in run_json(p.root)["feedback"] if f["task"] == "validate:width-12")
    assert verdict == {
        "task": "validate:width-12",
        "class": "illegal-width",
        "entry": "spec.width-illegal",
        "fix": "doit fix:width-12 --apply",
        "outcome": "open",
        "round": 0,
        "tokens": 0,
    }
    context = json.loads((p.root / "build" / "context.json").read_text())
    failing = next(f for f in context["failing"] if f["task"] == "validate:width-12")
    assert failing["class"] == "illegal-width" and failing["fix"] == "doit fix:width-12 --apply"

    before = p.schema("width-12").read_text()
    shown = doit(p.root, "fix:width-12")
    assert shown.returncode == 0 and p.schema("width-12").read_text() == before
    assert '-        "width": 12,' in shown.stdout and '+        "width": 16,' in shown.stdout

    applied = doit(p.root, "fix:width-12", "--apply")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "wrote schemas/width-12.json" in applied.stdout
    assert "stale" not in applied.stdout and "results:" not in applied.stdout  # a repair says what it did
    assert any(a["outcome"] == "fixed" for a in run_json(p.root)["feedback"])
    built = doit(p.root)
    assert built.returncode == 0, built.stdout + built.stderr

    # learned counts live outside build/: `doit clean` and `make clean` (rm -rf build) keep them
    counts = json.loads((p.root / "knowledge" / "learned.json").read_text())["counts"]
    assert counts["spec.width-illegal"] == {"success": 1, "failure": 0}
    assert doit(p.root, "clean").returncode == 0
    shutil.rmtree(p.root / "build")
    assert json.loads((p.root / "knowledge" / "learned.json").read_text())["counts"] == counts


TINY = {
    "catalogue": {
        "vertical": "System",
        "field": "Tiny",
        "object": "Seed",
        "version": "1.0.0",
        "author": "atomik-tasks tests",
        "license": "MIT",
        "description": "A small design for timing closure.",
    },
    "schema": {
        "delta_fields": {"value": {"type": "delta_stream", "width": 8}},
        "operations": {"accumulate": {"enabled": True}, "reconstruct": {"enabled": True}},
        "constraints": {"target_frequency_mhz": 50.0},
    },
    "hardware": {"target_device": "GW1NR-9", "rtl_params": {"DATA_WIDTH": 8}},
}


def synth(p, target: float) -> dict:
    p.edit_schema("tiny", lambda d: d["schema"]["constraints"].update(target_frequency_mhz=target))
    out = doit(p.root, "synth:tiny")
    assert out.returncode == 0, out.stdout + out.stderr
    return json.loads(Path(p.layout.report("synth", "tiny")).read_text()) | {"console": out.stdout}


def test_timing_closure_tries_other_seeds_keeps_the_best_and_remembers_it(tmp_path):
    p = make_project(tmp_path / "p", schemas=[], config='[sdk]\nconsume = false\n[hardware]\nsynthesize = "always"\n')
    p.write_schema("tiny", TINY)
    first = synth(p, 50.0)
    assert first["timing_met"] and len(first["attempts"]) == 1  # met at once: no other run
    fmax = first["fmax_mhz"]
    for bump in (0.3, 1.0, 2.5):  # just above the first seed's Fmax (the target steers nextpnr a little)
        report = synth(p, round(fmax + bump, 2))
        if len(report["attempts"]) > 1:
            break
    runs = report["attempts"]
    assert 1 < len(runs) <= 3, report["notes"]
    assert [r["options"] for r in runs[1:]] == [["--seed", str(i)] for i in range(2, len(runs) + 1)]
    best = max(runs, key=lambda r: (r["met"], r["fmax_mhz"]))
    assert report["fmax_mhz"] == best["fmax_mhz"] and report["settings"] == best["options"]
    # the bitstream kept is the best run's: its nextpnr report is the one restored
    kept = json.loads((Path(p.layout.synth_dir("tiny")) / "nextpnr-report.json").read_text())
    assert min(v["achieved"] for v in kept["fmax"].values()) == pytest.approx(best["fmax_mhz"])
    learned = json.loads((p.root / "knowledge" / "learned.json").read_text())
    recorded = learned["timing"][report["design_hash"]]
    assert recorded["options"] == best["options"] and recorded["runs"] == len(runs)
    tried = [f for f in run_json(p.root)["feedback"] if f["task"] == "synth:tiny"]
    assert len(tried) == len(runs) and {f["class"] for f in tried} == {"timing-not-met"}

    # the same design after `make clean`: the recorded settings at once, no extra run
    shutil.rmtree(p.root / "build")
    again = synth(p, report["target_mhz"])
    assert [r["options"] for r in again["attempts"]] == [best["options"]]
    assert "used the settings recorded for this design" in again["console"]

    # a target beyond the device: said plainly, with the Fmax reached, and no run spent on seeds
    beyond = synth(p, 400.0)
    assert len(beyond["attempts"]) == 1
    assert "beyond the GW1N-9C" in beyond["console"] and "no seed tried" in beyond["console"]


SHIM = """#!/bin/sh
# gcc, killed by SIGKILL on its first compile (or on every one): what an OOM killer does
case "$1" in --version|-V) exec "{real}" "$@";; esac
if [ "{always}" = 1 ] || [ ! -e "{marker}" ]; then touch "{marker}"; kill -9 $$; fi
exec "{real}" "$@"
"""


def gcc_shim(folder: Path, always: bool) -> dict[str, str]:
    folder.mkdir()
    shim = folder / "gcc"
    shim.write_text(SHIM.format(real=shutil.which("gcc"), always=int(always), marker=folder / "killed"))
    shim.chmod(0o755)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def test_a_tool_killed_once_is_retried_and_passes(tmp_path):
    p = make_project(tmp_path / "p", schemas=[EDGE])
    out = doit(p.root, "verify:c:edge-sensor-imu", env=gcc_shim(tmp_path / "shim", always=False))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "transient failure (transient.killed): running verify:c:edge-sensor-imu once more" in out.stdout
    assert "fixed: verify:c:edge-sensor-imu [transient] passed when run again" in out.stdout
    tried = [f for f in run_json(p.root)["feedback"] if f["task"] == "verify:c:edge-sensor-imu"]
    assert tried == [
        {
            "task": "verify:c:edge-sensor-imu",
            "class": "transient",
            "entry": "transient.killed",
            "fix": "retry",
            "round": 1,
            "outcome": "fixed",
            "match": "exact",
            "tokens": 0,
        }
    ]


def test_a_transient_failure_that_repeats_is_escalated_not_looped(tmp_path):
    p = make_project(tmp_path / "p", schemas=[EDGE])
    out = doit(p.root, "verify:c:edge-sensor-imu", env=gcc_shim(tmp_path / "shim", always=True))
    assert out.returncode != 0
    assert out.stdout.count("running verify:c:edge-sensor-imu once more") == 1  # one retry, no more
    feedback = [f for f in run_json(p.root)["feedback"] if f["task"] == "verify:c:edge-sensor-imu"]
    assert [f["outcome"] for f in feedback] == ["failed", "escalated"]
    escalation = json.loads(Path(p.layout.escalation("verify:c:edge-sensor-imu")).read_text())
    assert escalation["reason"] == "a transient failure that repeated" and escalation["class"] == "transient"
    assert "killed by signal 9 (SIGKILL)" in escalation["message"]
    assert "needs a person: verify:c:edge-sensor-imu [transient]" in out.stdout
    listed = doit(p.root, "list", "--all").stdout
    assert "diagnose:verify:c:edge-sensor-imu" in listed
    # gcc works again: the check passes, and its escalation (and its diagnose task) is gone
    assert doit(p.root, "verify:c:edge-sensor-imu").returncode == 0
    assert not Path(p.layout.escalation("verify:c:edge-sensor-imu")).exists()
    assert "diagnose:verify:c:edge-sensor-imu" not in doit(p.root, "list", "--all").stdout


def test_a_missing_tool_gets_the_one_install_command(tmp_path):
    """PATH without node (every other program of /usr/bin is there)."""
    env = env_without(tmp_path / "bin", "node", "nodejs")
    p = make_project(tmp_path / "p", schemas=[EDGE])
    out = doit(p.root, "verify:javascript:edge-sensor-imu", env=env)
    assert out.returncode != 0
    assert "fix: verify:javascript:edge-sensor-imu [tool-missing] atomik-tasks tools --install" in out.stdout
    shown = doit(p.root, "fix:edge-sensor-imu", env=env)
    assert "verify:javascript:edge-sensor-imu: [tool-missing] node not found on PATH" in shown.stdout
    assert "fix: atomik-tasks tools --install  (doit fix:edge-sensor-imu --apply runs it)" in shown.stdout
    assert "`make`" not in out.stdout + out.stderr + shown.stdout


def real_failure(tmp_path: Path, cmd: list[str], files: dict[str, str]) -> str:
    """A tool's failure as a check reports it (the runner's own excerpt and one-line error)."""
    work = tmp_path / "w"
    work.mkdir(exist_ok=True)
    for name, text in files.items():
        (work / name).write_text(text)
    layout = Layout(tmp_path)

    def check(ctx: Context) -> Counts:
        ctx.run(cmd, work)
        return Counts(1, 1, 0)

    report = tmp_path / "report.json"
    assert run_check(layout, "verify:x:y", "x", "y", check, str(report)) is False
    return report_failure(json.loads(report.read_text()))


CASES = {
    "c-compile-error": (["gcc", "-c", "a.c"], {"a.c": "int f(void) { return x }\n"}),
    "c-warning": (["gcc", "-Wall", "-Werror", "-c", "b.c"], {"b.c": "int main(void){ int u; return 0; }\n"}),
    "c-link-error": (["gcc", "c.c", "-o", "c"], {"c.c": "int g(void); int main(void){ return g(); }\n"}),
    "js-syntax": (["node", "a.mjs"], {"a.mjs": "const x = ;\n"}),
    "js-test-failure": (
        ["node", "b.mjs"],
        {"b.mjs": 'import assert from "node:assert"; assert.strictEqual(1n, 2n);\n'},
    ),
    "python-lint": (["ruff", "check", "--no-cache", "--output-format", "concise", "a.py"], {"a.py": "import os\n"}),
    "python-format": (["ruff", "format", "--check", "--no-cache", "f.py"], {"f.py": "x = [1,2]\n"}),
    "verilog-syntax": (["iverilog", "a.v"], {"a.v": "module m(input a, output b); assign b = a + ; endmodule\n"}),
    "verilog-lint": (
        ["verilator", "--lint-only", "-Wall", "w.v"],
        {"w.v": "module w(input [7:0] a, output [3:0] b); assign b = a; endmodule\n"},
    ),
    "verilog-elaboration": (["iverilog", "t.v"], {"t.v": "module t; m u(.a(1)); endmodule\n"}),
    "verilog-missing-module": (
        ["yosys", "-q", "-p", "read_verilog t.v; hierarchy -check -top t"],
        {"t.v": "module t(input a); m u(.a(a)); endmodule\n"},
    ),
}


@pytest.mark.parametrize("cls", sorted(CASES))
def test_real_toolchain_failures_are_classified(tmp_path, cls):
    cmd, files = CASES[cls]
    tool = shutil.which(cmd[0], path=f"{os.environ['PATH']}{os.pathsep}{Path(sys.executable).parent}")
    assert tool, f"{cmd[0]} is not installed: run `make`"
    error = real_failure(tmp_path, [tool, *cmd[1:]], files)
    match = merged([]).match(error, "verify")
    assert match is not None and match.entry.cls == cls, (error, match)


def test_a_real_rust_compile_error_is_classified(tmp_path):
    cargo = shutil.which("cargo", path=f"{os.environ['PATH']}{os.pathsep}{Path.home() / '.cargo' / 'bin'}")
    assert cargo, "cargo is not installed: run `make`"
    files = {
        "Cargo.toml": '[package]\nname = "t"\nversion = "0.1.0"\nedition = "2021"\n[lib]\npath = "lib.rs"\n',
        "lib.rs": "pub fn f() -> u8 { x }\n",
    }
    error = real_failure(tmp_path, [cargo, "build", "--offline", "--quiet"], files)
    match = merged([]).match(error, "verify")
    assert match is not None and match.entry.cls == "rust-compile-error", error


def test_a_copied_schema_is_the_one_renamed_and_two_copies_never_collide(tmp_path):
    p = make_project(tmp_path / "p", schemas=[EDGE])
    assert doit(p.root).returncode == 0  # the original has a good build
    for copy in ("edge-copy", "edge-copy2"):
        p.write_schema(copy, p.schema("edge-sensor-imu").read_text())
    failed = doit(p.root, "--continue")
    assert failed.returncode != 0
    assert "fix: validate:edge-sensor-imu [identity-clash] doit fix:edge-copy --apply" in failed.stdout
    assert "fix: validate:edge-copy2 [identity-clash] doit fix:edge-copy2 --apply" in failed.stdout
    original = p.schema("edge-sensor-imu").read_text()
    kept = doit(p.root, "fix:edge-sensor-imu", "--apply")
    assert p.schema("edge-sensor-imu").read_text() == original  # a built original keeps its generated API
    assert "doit fix:edge-copy --apply renames schemas/edge-copy.json" in kept.stdout
    for copy in ("edge-copy", "edge-copy2"):
        assert doit(p.root, f"fix:{copy}", "--apply").returncode == 0
    objects = {s: p.read_schema(s)["catalogue"]["object"] for s in ("edge-sensor-imu", "edge-copy", "edge-copy2")}
    assert len(set(objects.values())) == 3 and objects["edge-sensor-imu"] == "IMUFusion", objects
    built = doit(p.root)
    assert built.returncode == 0, built.stdout[-3000:]


def test_a_fix_is_suggested_only_where_a_repair_exists_and_misasked_commands_get_one_line(tmp_path):
    p = make_project(tmp_path / "p", schemas=[EDGE])
    p.edit_schema("edge-sensor-imu", lambda d: d["schema"]["delta_fields"]["motion_delta"].update(description="x"))
    run = doit(p.root)
    assert run.returncode != 0
    line = next(x for x in run.stdout.splitlines() if x.startswith("fix: validate:edge-sensor-imu"))
    assert "doit fix:" not in line  # no repair exists for a key no valid key is near: the advice itself
    assert "schema.delta_fields.motion_delta.description" in line and "remove it" in line
    for args, said in (
        (["diagnose:verify:c:edge-sensor-imu"], "nothing to diagnose for verify:c:edge-sensor-imu"),
        (["fix", "--apply"], "write one with `doit fix:<schema> --apply`"),
    ):
        out = doit(p.root, *args)
        assert out.returncode == 2, out.stdout + out.stderr
        lines = [x for x in (out.stdout + out.stderr).splitlines() if x.strip()]
        assert len(lines) == 1 and said in lines[0] and "Traceback" not in lines[0], lines
