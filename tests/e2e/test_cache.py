"""The result cache with real stores: a directory (file://) and an S3 endpoint served by moto on 127.0.0.1 (the
real S3 wire protocol). Two clones at different paths share hits; a corrupt entry, an unreachable store and a
read-only store degrade, never corrupt; a small cap evicts the least recently used."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from projects import SCHEMAS, SOFTWARE_ONLY, make_project

EDGE = next(s for s in SCHEMAS if s.stem == "edge-sensor-imu")
TASKS = ("vectors:edge-sensor-imu", "verify:python:edge-sensor-imu")


def doit(root: Path, store: str, *args: str, extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "ATOMIK_CACHE": store, **(extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "doit", *(args or TASKS)], cwd=root, capture_output=True, text=True, timeout=900, env=env
    )


def clone(tmp_path: Path, name: str):
    return make_project(tmp_path / name / "deeper" / "p", schemas=[EDGE])  # another path, another depth


def report(p) -> dict:
    return json.loads(Path(p.layout.report("verify-python", "edge-sensor-imu")).read_text())


def blobs(store: Path) -> list[Path]:
    return sorted((store / "cas").iterdir()) if (store / "cas").exists() else []


def test_two_clones_at_different_paths_share_hits(tmp_path):
    store = tmp_path / "store"
    a, b = clone(tmp_path, "a"), clone(tmp_path, "b")
    first = doit(a.root, str(store))
    assert first.returncode == 0, first.stdout + first.stderr
    assert "cached (" not in first.stdout and report(a)["status"] == "passed"
    second = doit(b.root, str(store))
    assert second.returncode == 0, second.stdout + second.stderr
    assert (
        "verify:python:edge-sensor-imu: cached (" in second.stdout
        and "vectors:edge-sensor-imu: cached (" in second.stdout
    )
    got, want = report(b), report(a)
    assert got["cached"] is True and {k: v for k, v in got.items() if k not in ("cached", "cache_key")} == want
    for suffix in ("txt", "hex"):
        assert (
            Path(b.layout.vectors("edge-sensor-imu", suffix)).read_bytes()
            == Path(a.layout.vectors("edge-sensor-imu", suffix)).read_bytes()
        )
    run = json.loads((b.root / "build/reports/run.json").read_text())
    assert run["results"]["verify:python:edge-sensor-imu"]["cached"] is True
    assert 'name="edge-sensor-imu" time=' in (b.root / "build/reports/junit.xml").read_text()
    assert "<system-out>cached</system-out>" in (b.root / "build/reports/junit.xml").read_text()
    assert "passed (cached)" in (b.root / "build/reports/index.html").read_text()
    # the restored outputs are up to date for doit as well: the next run executes nothing
    assert re.search(r"^0 executed, \d+ up to date, 0 failed in [\d.]+ s$", doit(b.root, str(store)).stdout, re.M)
    noop = doit(b.root, str(store))
    assert "0 executed" in noop.stdout
    # a schema edit misses: its tasks run again, and the edited result is stored beside the first
    b.edit_schema("edge-sensor-imu", lambda d: d["schema"]["operations"]["rollback"].update(history_depth=8))
    edited = doit(b.root, str(store))
    assert "cached (" not in edited.stdout and edited.returncode == 0
    shown = doit(b.root, str(store), "cache")
    assert "4 results" in shown.stdout and "hits: 40 % of the last 5 lookups" in shown.stdout


def test_a_corrupt_entry_is_reported_and_ignored(tmp_path):
    store = tmp_path / "store"
    a, b = clone(tmp_path, "a"), clone(tmp_path, "b")
    assert doit(a.root, str(store)).returncode == 0
    for blob in blobs(store):
        blob.write_bytes(blob.read_bytes() + b"tampered")
    out = doit(b.root, str(store))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "does not match its digest (corrupt entry, ignored); running it instead" in out.stdout
    assert "cached (" not in out.stdout and report(b)["status"] == "passed" and "cached" not in report(b)
    # the corrupt blobs were replaced by good ones: a third clone hits
    c = clone(tmp_path, "c")
    assert "cached (" in doit(c.root, str(store)).stdout


def test_an_unreachable_store_is_a_miss_with_one_warning(tmp_path):
    a = clone(tmp_path, "a")
    env = {"FSSPEC_S3_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"}
    out = doit(a.root, "s3://nowhere/cache", extra=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert report(a)["status"] == "passed"
    warnings = [line.strip() for line in out.stdout.splitlines() if line.strip().startswith("warning:")]
    assert len(warnings) == 1 and "Could not connect" in warnings[0] and "running it instead" in warnings[0]


def test_a_read_only_cache_uses_hits_and_stores_nothing(tmp_path):
    store = tmp_path / "store"
    a, b = clone(tmp_path, "a"), clone(tmp_path, "b")
    ro = {"ATOMIK_CACHE_READONLY": "1"}
    assert doit(a.root, str(store), extra=ro).returncode == 0
    assert blobs(store) == []  # nothing stored
    assert doit(a.root, str(store), "forget").returncode == 0
    assert doit(a.root, str(store)).returncode == 0  # writable: stored now
    stored = blobs(store)
    out = doit(b.root, str(store), extra=ro)
    assert "cached (" in out.stdout and blobs(store) == stored


def test_a_size_cap_evicts_the_least_recently_used(tmp_path):
    store = tmp_path / "store"
    a = clone(tmp_path, "a")
    (a.root / "atomik.toml").write_text(SOFTWARE_ONLY + "[cache]\nmax_mb = 0.004\n")  # 4 KB
    assert doit(a.root, str(store)).returncode == 0
    size = sum(p.stat().st_size for p in store.rglob("*") if p.is_file() and p.name != "events.log")
    assert 0 < size <= 4096


def test_an_s3_store_served_on_loopback(tmp_path):
    boto3 = pytest.importorskip("boto3", reason="moto[server] brings boto3: pip install -e '.[dev]'")
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        env = {
            "FSSPEC_S3_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
        ).create_bucket(Bucket="atomik")
        a, b = clone(tmp_path, "a"), clone(tmp_path, "b")
        assert doit(a.root, "s3://atomik/cache", extra=env).returncode == 0
        out = doit(b.root, "s3://atomik/cache", extra=env)
        assert out.returncode == 0 and "verify:python:edge-sensor-imu: cached (" in out.stdout, out.stdout + out.stderr
        assert report(b)["cached"] is True
    finally:
        server.stop()


def _poison(store: Path, task_report: str, extra: dict) -> Path:
    """Add one more output to the store's entry of verify:python (the one whose outputs hold task_report)."""
    for entry in (store / "ac").iterdir():
        data = json.loads(entry.read_text())
        if any(o["path"] == task_report for o in data["outputs"]):
            data["outputs"].append(extra)
            entry.write_text(json.dumps(data))
            return entry
    raise AssertionError("no entry of verify:python in the store")


@pytest.mark.parametrize("target", ["dodo.py", "schemas/edge-sensor-imu.json", "link", "other-task"])
def test_a_poisoned_entry_writes_nothing_outside_what_the_task_declares(tmp_path, target):
    """A team store is written by many machines: an entry naming a path its task does not declare (a source
    file, a path through a symlink, another task's output) is a miss with one warning, removed, and nothing
    of it is written."""
    store = tmp_path / "store"
    a, b = clone(tmp_path, "a"), clone(tmp_path, "b")
    assert doit(a.root, str(store)).returncode == 0
    evil = b"import os\nraise SystemExit('poisoned')\n"
    digest = __import__("hashlib").sha256(evil).hexdigest()
    (store / "cas" / digest).write_bytes(evil)
    outside = tmp_path / "outside"
    outside.mkdir()
    if target == "link":  # build/reports/evil -> a folder outside the project
        (b.root / "build" / "reports").mkdir(parents=True)
        (b.root / "build" / "reports" / "evil").symlink_to(outside)
        path = "build/reports/evil/x.py"
    elif target == "other-task":
        path = "build/reports/verify-c-edge-sensor-imu.json"
    else:
        path = target
    before = (b.root / path).read_bytes() if (b.root / path).is_file() else None
    entry = _poison(store, "build/reports/verify-python-edge-sensor-imu.json", {"path": path, "sha256": digest})
    run = doit(b.root, str(store))
    assert run.returncode == 0, run.stdout + run.stderr
    said = run.stdout + run.stderr
    assert "does not declare" in said and path in said, said
    assert "verify:python:edge-sensor-imu: cached (" not in run.stdout  # it ran instead
    after = (b.root / path).read_bytes() if (b.root / path).is_file() else None
    assert after == before and not list(outside.iterdir())
    # the bad entry was removed; the run stored its own in its place, without the extra output
    assert path not in [o["path"] for o in json.loads(entry.read_text())["outputs"]]
    again = doit(b.root, str(store), "list")
    assert again.returncode == 0 and "poisoned" not in again.stderr
