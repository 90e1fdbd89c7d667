"""A synthesis, UART simulation or proof as a Dask future: the inputs go into the cache, a worker fetches them into a
temp folder of its own, runs the same stage function there and stores the outputs in the cache; the doit task
then restores them like a hit. Nothing but the cache is shared."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..cache.cached import Spec, open_store, restore, save, warn
from ..cache.keys import action_key, relative, tool_versions
from ..cache.store import Store, StoreError
from ..checks.runner import HEARTBEAT_MAX_S, HEARTBEAT_S
from ..config import Config, Section
from ..errors import CheckFailed
from ..fsio import write_atomic
from ..hardware.design import files_read
from ..hardware.formal.harness import files_read as formal_files_read
from ..hardware.formal.prove import TRACE, keep_regression, prove
from ..layout import Layout
from .connect import ClusterError, client


def _stage(layout: Layout, kind: str, stem: str, config: Config) -> bool:
    if kind == "prove":
        return prove(layout, stem, config.verify.prove_timeout_s)
    if kind == "synth":
        from ..feedback.timing import synthesize_closing_timing

        return synthesize_closing_timing(
            layout, stem, config.hardware, config.feedback, config.feedback.retry_transient
        )
    from ..feedback.retry import with_retry
    from ..hardware.sim import sim_uart

    task = f"sim:uart:{stem}"
    report, retry = layout.report("sim-uart", stem), config.feedback.retry_transient
    return with_retry(layout, task, report, retry, sim_uart, layout, stem, config.hardware.uart_records)


def run_remote(payload: dict[str, Any]) -> dict[str, Any]:
    """On a worker: fetch the inputs, run the stage, store what a passing run wrote. Picklable, module level."""
    from distributed import get_worker

    root = Path(tempfile.mkdtemp(prefix="atomik-task-"))
    began = time.monotonic()
    try:
        store = Store(payload["store"], False, 0)
        for rel, digest in payload["inputs"]:
            store.get_blob(digest, root / rel)
        if payload.get("learned"):
            write_atomic(root / "knowledge" / "learned.json", payload["learned"])
        layout = Layout(root)
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            ok = _stage(layout, payload["kind"], payload["stem"], payload["config"])
        spec: Spec = payload["spec"]
        local = Spec(
            spec.task,
            spec.kind,
            [],
            [str(root / p) for p in spec.outputs],
            spec.tools,
            spec.settings,
            str(root / spec.report) if spec.report else "",
            spec.globs,
        )
        report = Path(local.report).read_text("utf-8") if local.report and Path(local.report).exists() else ""
        passed = bool(report) and json.loads(report).get("status") == "passed"
        if ok is not False and passed:
            save(store, layout, local, payload["key"], payload["made_of"])
        learned = root / "knowledge" / "learned.json"
        return {
            "ok": ok is not False,
            "output": out.getvalue(),
            "report": report,
            "log": Path(layout.log(spec.task)).read_text("utf-8", errors="replace")
            if Path(layout.log(spec.task)).exists()
            else "",
            "learned": learned.read_text("utf-8") if learned.exists() else "",
            "worker": get_worker().address,
            "ran_s": time.monotonic() - began,
            "stored": ok is not False and passed,
            "trace": _read(Path(layout.work("prove", payload["stem"])) / TRACE) if payload["kind"] == "prove" else "",
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run_on_cluster(layout: Layout, spec: Spec, config: Config, local_action: Any, *args: Any) -> Any:
    """The doit action of a synthesis, UART simulation or proof when [cluster] is set."""
    store = open_store(config.cache, layout)
    if store is None:
        warn(f"{spec.task}: the cluster needs the result cache (it is off or unreachable)")
        return local_action(*args)
    kind, stem = spec.kind, spec.task.rsplit(":", 1)[-1]
    try:
        key, made_of = action_key(layout, kind, spec.inputs, tool_versions(layout, spec.tools), spec.settings)
        if restore(store, layout, spec, key):
            store.log("hit")
            print(f"{spec.task}: cached ({key[:12]})")
            return True
        store.log("miss")
        # the package's own files the worker has (its installed copy): only the project's travel
        began = time.monotonic()
        files = formal_files_read(layout, stem) if kind == "prove" else files_read(layout, stem, kind == "sim:uart")
        read = [(relative(layout, f), f) for f in files]
        inputs = [(rel, store.put_blob(Path(f))) for rel, f in read if not rel.startswith("pkg:")]
        upload_s = time.monotonic() - began
    except (StoreError, OSError) as exc:
        warn(f"{spec.task}: {exc}")
        return local_action(*args)
    learned = Path(layout.learned)
    payload = {
        "store": _shared_url(store),
        "inputs": inputs,
        "kind": kind,
        "stem": stem,
        "config": config,
        "key": key,
        "made_of": made_of,
        "learned": learned.read_text("utf-8") if learned.exists() else "",
        "spec": Spec(
            spec.task,
            spec.kind,
            [],
            [relative(layout, p) for p in spec.outputs],
            spec.tools,
            spec.settings,
            relative(layout, spec.report) if spec.report else "",
            spec.globs,
        ),
    }
    try:
        result = _submit(layout, config.cluster, spec.task, payload)
    except ClusterError as exc:  # unreachable at the start, or gone on the way: one line, then as configured
        if config.cluster.fallback == "fail":
            raise CheckFailed(f'{exc} ([cluster] fallback = "fail")') from None
        print(f'warning: {exc}; running it here ([cluster] fallback = "local")', file=sys.stderr)
        return local_action(*args)
    print(result["output"].rstrip("\n"))
    queued, ran = result.get("queued_s", 0.0), result.get("ran_s", 0.0)
    print(f"{spec.task}: upload {upload_s:.2f} s, queued {queued:.2f} s, ran {ran:.2f} s")  # the trace's split
    print(f"{spec.task}: ran on {result['worker']}")
    if result["learned"]:
        _merge_learned(layout, result["learned"])
    if result["stored"]:
        restore(store, layout, spec, key, mark=False)
        return True
    for path, text in ((spec.report, result["report"]), (layout.log(spec.task), result["log"])):
        if path and text:
            write_atomic(Path(path), text)
    if kind == "prove" and result["report"]:  # the counterexample's vector and trace belong to the project
        keep_regression(layout, stem, json.loads(result["report"]))
        if result.get("trace"):  # written where the local run writes it, whatever path the worker's report says
            write_atomic(Path(layout.work("prove", stem)) / TRACE, result["trace"])
    return False


def _read(path: Path) -> str:
    return path.read_text("utf-8", errors="replace") if path.exists() else ""


def _shared_url(store: Store) -> str:
    return store.url if "://" in store.url else str(Path(store.url).expanduser().resolve())


class ClusterGone(ClusterError):
    """No worker could take the task, or the scheduler stopped answering: [cluster] fallback decides."""


POLL_S = 0.5


def _wait(dask: Any, future: Any, task: str, wait_s: float) -> dict[str, Any]:
    """The future's result, saying now and then where the task is (queued, running on which worker, for how
    long), like the synthesis heartbeat. ClusterGone after wait_s seconds with no worker, or with the scheduler
    not answering (both read from the client's own state: no call that could hang)."""
    start, address = time.monotonic(), dask.scheduler.address
    gap, next_beat = HEARTBEAT_S, start + HEARTBEAT_S
    lost_since: float | None = None
    while True:
        if future.done():
            if future.status in ("finished", "error"):
                result = future.result()  # the task's own error (a killed worker twice) is raised as it is
                return {**result, "queued_s": max(0.0, time.monotonic() - start - result.get("ran_s", 0.0))}
            raise ClusterGone(f"{task}: the scheduler {address} stopped answering (the task was {future.status})")
        time.sleep(POLL_S)
        now = time.monotonic()
        workers = dask.scheduler_info().get("workers", {}) if dask.status == "running" else {}
        if workers:
            lost_since = None
        elif lost_since is None:
            lost_since = now
        elif now - lost_since > wait_s:
            if dask.status == "running":
                raise ClusterGone(f"{task}: no worker is connected for {wait_s:g} s ({address})")
            raise ClusterGone(f"{task}: the scheduler {address} stopped answering for {wait_s:g} s")
        if now >= next_beat:
            where = _where(dask, future) if dask.status == "running" else "waiting for the scheduler"
            print(f"    ... {task}: {where}, {now - start:.0f} s", file=sys.__stderr__, flush=True)
            gap = min(2 * gap, HEARTBEAT_MAX_S)
            next_beat = now + gap


def _where(dask: Any, future: Any) -> str:
    try:
        busy = [w for w, keys in dask.processing().items() if future.key in keys]
    except Exception:  # a progress line must never fail the task it reports on
        busy = []
    return f"running on {busy[0]}" if busy else "queued on the cluster"


def _resources(dask: Any) -> dict[str, int] | None:
    """One synthesis per worker through the `synth` resource where the workers offer it (the LocalCluster this
    tool starts does); plain `dask worker`s get the task without it (one per thread they run)."""
    workers = dask.scheduler_info().get("workers", {}).values()
    return {"synth": 1} if any("synth" in (w.get("resources") or {}) for w in workers) else None


def _submit(layout: Layout, cluster: Section, task: str, payload: dict[str, Any]) -> dict[str, Any]:
    try:
        from distributed import KilledWorker
    except ImportError:
        raise CheckFailed("dask.distributed is not installed: pip install 'atomik-tasks[cluster]'") from None
    dask = client(str(cluster.scheduler), layout)
    try:
        future = dask.submit(
            run_remote, payload, resources=_resources(dask), pure=False, key=f"{task}-{payload['key'][:12]}"
        )
        return _wait(dask, future, task, float(cluster.wait_s))
    except KilledWorker as exc:
        raise CheckFailed(f"{task}: the worker running it died, and again on another worker ({exc})") from None
    finally:
        with contextlib.suppress(Exception):
            dask.close(timeout=2)


def _merge_learned(layout: Layout, text: str) -> None:
    """The timing winners a worker recorded join the project's knowledge/learned.json."""
    from ..feedback import learned

    try:
        timing = json.loads(text).get("timing", {})
    except ValueError:
        return
    for design, result in timing.items():
        if learned.timing(layout, design) != result:
            learned.record_timing(layout, design, result)
