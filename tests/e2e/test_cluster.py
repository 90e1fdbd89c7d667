"""Synthesis and UART simulation on a real Dask LocalCluster (worker processes with their own temp folders,
nothing shared but the result cache): the same bitstream and reports as a local run, and a task whose worker is
killed finishes on the other worker."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from projects import make_project

TINY = {
    "catalogue": {
        "vertical": "System",
        "field": "Tiny",
        "object": "Cluster",
        "version": "1.0.0",
        "author": "atomik-tasks tests",
        "license": "MIT",
        "description": "A small design for the cluster tests.",
    },
    "schema": {
        "delta_fields": {"value": {"type": "delta_stream", "width": 8}},
        "operations": {"accumulate": {"enabled": True}, "reconstruct": {"enabled": True}},
        "constraints": {"target_frequency_mhz": 27.0},
    },
    "hardware": {"target_device": "GW1NR-9", "rtl_params": {"DATA_WIDTH": 8}},
}
HW = '[sdk]\nconsume = false\n[hardware]\nsynthesize = "always"\n'


def project(tmp_path: Path, name: str, config: str):
    p = make_project(tmp_path / name, schemas=[], config=config)
    p.write_schema("tiny", TINY)
    return p


def doit(p, *args: str, cache: str = "off") -> subprocess.Popen:
    env = {**os.environ, "ATOMIK_CACHE": cache}
    return subprocess.Popen(
        [sys.executable, "-m", "doit", *args],
        cwd=p.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(proc: subprocess.Popen) -> tuple[int, str]:
    out, _ = proc.communicate(timeout=900)
    return proc.returncode, out


def steady(report: dict) -> dict:
    """A report without what differs between two runs of the same thing: how long it took."""
    out = {k: v for k, v in report.items() if k != "seconds"}
    if "attempts" in out:
        out["attempts"] = [{k: v for k, v in a.items() if k != "seconds"} for a in out["attempts"]]
    return out


def test_a_cluster_run_gives_the_bitstream_and_reports_of_a_local_run(tmp_path):
    here = project(tmp_path, "local", HW)
    there = project(tmp_path, "cluster", HW + '[cluster]\nscheduler = "local:2"\n')
    code, out = finish(doit(here, "synth:tiny", "sim:uart:tiny"))
    assert code == 0, out
    code, out = finish(doit(there, "-n", "2", "synth:tiny", "sim:uart:tiny", cache=str(tmp_path / "store")))
    assert code == 0, out
    assert "synth:tiny: ran on tcp://127.0.0.1:" in out and "sim:uart:tiny: ran on tcp://127.0.0.1:" in out
    for kind in ("synth", "sim-uart"):
        a = json.loads(Path(here.layout.report(kind, "tiny")).read_text())
        b = json.loads(Path(there.layout.report(kind, "tiny")).read_text())
        assert steady(a) == steady(b) and "cached" not in b
    fs = sorted(Path(here.layout.synth_dir("tiny")).glob("*.fs"))
    assert fs and fs[0].read_bytes() == (Path(there.layout.synth_dir("tiny")) / fs[0].name).read_bytes()
    assert not (there.root / "build" / "cluster" / "scheduler.json").exists()  # the LocalCluster was stopped


def test_a_task_whose_worker_dies_is_run_on_another(tmp_path):
    from distributed import Client

    p = project(tmp_path, "p", HW + '[cluster]\nscheduler = "local:2"\n')
    proc = doit(p, "synth:tiny", cache=str(tmp_path / "store"))
    address_file = p.root / "build" / "cluster" / "scheduler.json"
    deadline = time.monotonic() + 300
    killed = None
    while killed is None and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if not address_file.exists():
            continue
        with Client(json.loads(address_file.read_text())["address"], timeout=10) as client:
            busy = [w for w, tasks in client.processing().items() if tasks]
            if busy:
                pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed = busy[0]
    assert killed, "the synthesis never reached a worker"
    code, out = finish(proc)
    assert code == 0, out
    ran_on = [line.split("ran on ")[1] for line in out.splitlines() if "synth:tiny: ran on" in line]
    assert ran_on and ran_on[0] != killed
    assert json.loads(Path(p.layout.report("synth", "tiny")).read_text())["status"] == "passed"


def test_a_proof_runs_on_the_cluster_and_its_counterexample_lands_in_the_project(tmp_path):
    """prove:<schema> on a worker that has no checkout: the project's template override travels with it, and the
    counterexample's vector is written into this project's regressions/, not the worker's temp folder."""
    p = project(
        tmp_path, "prove", '[sdk]\nconsume = false\n[hardware]\nsimulate = false\n[cluster]\nscheduler = "local:1"\n'
    )
    store = str(tmp_path / "store")
    code, out = finish(doit(p, "prove:tiny", cache=store))
    assert code == 0, out
    assert "prove:tiny: ran on tcp://127.0.0.1:" in out
    assert json.loads(Path(p.layout.report("prove", "tiny")).read_text())["proof"] == "proved"

    template = Path(__file__).resolve().parents[2] / "atomik_tasks/languages/verilog/templates/module.v.j2"
    acc = "{{ f.name }}_acc[{{ hi }}:{{ lo }}] ^ operand"
    (p.root / "templates/verilog").mkdir(parents=True)
    (p.root / "templates/verilog/module.v.j2").write_text(template.read_text().replace(acc, acc.replace("^", "|")))
    code, out = finish(doit(p, "prove:tiny", cache=store))
    assert code != 0 and "prove:tiny: ran on tcp://127.0.0.1:" in out, out
    report = json.loads(Path(p.layout.report("prove", "tiny")).read_text())
    assert report["proof"] == "counterexample" and "does not hold at cycle" in out
    assert (p.root / report["trace"]).read_text().startswith("$date"), "the worker's VCD did not come back"
    kept = (p.root / "regressions/tiny.txt").read_text()
    assert f"# prove: property {report['property']} failed" in kept and "scenario formal_1\naccumulate value" in kept
