"""A cluster of one's own, started the way the Dask documentation says: `dask scheduler`, then `dask worker
tcp://...` (plain workers: no resources), each a process in its own folder, the result cache on S3 (moto's
server on 127.0.0.1, the real S3 wire protocol). A killed worker or scheduler is said in one line and the task
runs here, or fails, as [cluster] fallback says."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from projects import make_project
from test_cluster import HW, TINY

BIN = os.path.dirname(sys.executable)


@pytest.fixture
def s3(tmp_path):
    boto3 = pytest.importorskip("boto3", reason="moto[server] brings boto3: pip install -e '.[dev]'")
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    bucket = f"atomik-{uuid.uuid4().hex[:12]}"  # moto keeps its buckets for the whole process
    env = {
        "FSSPEC_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "ATOMIK_CACHE": f"s3://{bucket}/cache",
    }
    boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    ).create_bucket(Bucket=bucket)
    yield env
    server.stop()


class Cluster:
    """`dask scheduler` and `dask worker` processes, each in a folder of its own."""

    def __init__(self, root: Path, env: dict[str, str]):
        self.root, self.env, self.procs = root, {**os.environ, **env}, {}
        folder = root / "scheduler"
        folder.mkdir(parents=True)
        info = folder / "scheduler.json"
        self.procs["scheduler"] = self._start(
            "scheduler",
            ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(info)],
        )
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        self.address = json.loads(info.read_text())["address"]

    def _start(self, name: str, args: list[str]) -> subprocess.Popen:
        folder = self.root / name
        folder.mkdir(parents=True, exist_ok=True)
        log = (folder / "log").open("w")
        return subprocess.Popen([f"{BIN}/dask", *args], cwd=folder, env=self.env, stdout=log, stderr=log)

    def worker(self, name: str = "worker") -> None:
        self.procs[name] = self._start(name, ["worker", self.address, "--nthreads", "1", "--no-dashboard"])
        from distributed import Client

        with Client(self.address, timeout=30) as client:
            client.wait_for_workers(len([n for n in self.procs if n != "scheduler"]), timeout=60)

    def busy(self) -> bool:
        from distributed import Client

        with Client(self.address, timeout=10) as client:
            return any(client.processing().values())

    def kill(self, name: str) -> None:
        self.procs[name].send_signal(signal.SIGKILL)
        self.procs[name].wait()

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()


@pytest.fixture
def cluster(tmp_path, s3):
    c = Cluster(tmp_path / "cluster", s3)
    yield c
    c.stop()


def project(tmp_path: Path, name: str, extra: str = ""):
    p = make_project(tmp_path / name, schemas=[], config=HW + extra)
    p.write_schema("tiny", TINY)
    return p


def start(p, env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "doit", *(args or ("synth:tiny",))],
        cwd=p.root,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(proc: subprocess.Popen) -> str:
    out, _ = proc.communicate(timeout=900)
    assert proc.returncode == 0, out
    return out


def test_plain_workers_run_a_synthesis_and_a_second_clone_restores_it_from_s3(tmp_path, s3, cluster):
    cluster.worker()
    env = {**s3, "ATOMIK_CLUSTER": cluster.address}
    start_s = time.monotonic()
    out = finish(start(project(tmp_path, "a"), env))
    took = time.monotonic() - start_s
    assert "synth:tiny: ran on tcp://127.0.0.1:" in out, out
    print(f"one synthesis on a hand-started cluster: {took:.1f} s")
    if took > 7:  # the first heartbeat comes after 5 s: where the task is
        assert re.search(r"\.\.\. synth:tiny: (running on tcp://127\.0\.0\.1:\d+|queued on the cluster), 5 s", out), out
    trace = json.loads((tmp_path / "a" / "build/reports/trace.json").read_text())
    lanes = {e["tid"]: e["args"]["name"] for e in trace["traceEvents"] if e["name"] == "thread_name"}
    parts = [e for e in trace["traceEvents"] if e.get("cat") == "cluster"]
    assert [e["name"] for e in parts] == ["synth:tiny upload", "synth:tiny queue", "synth:tiny run"]
    assert lanes[parts[0]["tid"]].startswith("worker tcp://127.0.0.1:")
    b = project(tmp_path, "b")
    again = finish(start(b, env))
    assert "synth:tiny: cached (" in again and "ran on" not in again
    assert sorted(Path(b.layout.synth_dir("tiny")).glob("*.fs"))


def _kill_mid_run(cluster: Cluster, proc: subprocess.Popen, name: str) -> None:
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if cluster.busy():
            cluster.kill(name)
            return
        time.sleep(0.2)
    raise AssertionError(f"the synthesis never reached the worker:\n{proc.communicate()[0]}")


@pytest.mark.parametrize("killed", ["worker", "scheduler"])
def test_a_cluster_that_goes_away_mid_run_is_said_in_one_line_and_the_task_runs_here(tmp_path, s3, cluster, killed):
    cluster.worker()
    p = project(tmp_path, "p", "[cluster]\nwait_s = 3\n")
    proc = start(p, {**s3, "ATOMIK_CLUSTER": cluster.address})
    _kill_mid_run(cluster, proc, killed)
    out = finish(proc)
    if killed == "worker":
        why = f"no worker is connected for 3 s ({cluster.address})"
    else:
        why = f"the scheduler {cluster.address} stopped answering"
    lines = [line for line in out.splitlines() if line.strip().startswith("warning: synth:tiny:")]
    assert len(lines) == 1 and why in lines[0], out
    assert lines[0].endswith('; running it here ([cluster] fallback = "local")'), lines
    assert "ran on" not in out
    assert json.loads(Path(p.layout.report("synth", "tiny")).read_text())["status"] == "passed"


def test_fallback_fail_fails_the_task_with_one_line(tmp_path, s3, cluster):
    p = project(tmp_path, "p", '[cluster]\nwait_s = 6\nfallback = "fail"\n')  # a scheduler with no worker
    proc = start(p, {**s3, "ATOMIK_CLUSTER": cluster.address})
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode != 0
    assert f'synth:tiny: no worker is connected for 6 s ({cluster.address}) ([cluster] fallback = "fail")' in out
    assert re.search(r"\.\.\. synth:tiny: queued on the cluster, [56] s", out), out  # where it waited
