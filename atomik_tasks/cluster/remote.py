"""A synthesis or UART simulation as a Dask future: the inputs go into the cache, a worker fetches them into a
temp folder of its own, runs the same stage function there and stores the outputs in the cache; the doit task
then restores them like a hit. Nothing but the cache is shared."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..cache.cached import Spec, open_store, restore, save, warn
from ..cache.keys import action_key, relative, tool_versions
from ..cache.store import Store, StoreError
from ..config import Config, Section
from ..errors import CheckFailed
from ..fsio import write_atomic
from ..hardware.design import files_read
from ..layout import Layout
from .connect import ClusterError, client

KINDS = ("synth", "sim:uart")


def _stage(layout: Layout, kind: str, stem: str, config: Config) -> bool:
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
            "stored": ok is not False and passed,
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run_on_cluster(layout: Layout, spec: Spec, config: Config, local_action: Any, *args: Any) -> Any:
    """The doit action of a synthesis or UART simulation when [cluster] is set."""
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
        read = [(relative(layout, f), f) for f in files_read(layout, stem, kind == "sim:uart")]
        inputs = [(rel, store.put_blob(Path(f))) for rel, f in read if not rel.startswith("pkg:")]
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
    result = _submit(layout, config.cluster, spec.task, payload)
    print(result["output"].rstrip("\n"))
    print(f"{spec.task}: ran on {result['worker']}")
    if result["learned"]:
        _merge_learned(layout, result["learned"])
    if result["stored"]:
        restore(store, layout, spec, key, mark=False)
        return True
    for path, text in ((spec.report, result["report"]), (layout.log(spec.task), result["log"])):
        if path and text:
            write_atomic(Path(path), text)
    return False


def _shared_url(store: Store) -> str:
    return store.url if "://" in store.url else str(Path(store.url).expanduser().resolve())


def _submit(layout: Layout, cluster: Section, task: str, payload: dict[str, Any]) -> dict[str, Any]:
    try:
        from distributed import KilledWorker
    except ImportError:
        raise CheckFailed("dask.distributed is not installed: pip install -e '.[cluster]'") from None
    try:
        dask = client(str(cluster.scheduler), layout)
    except ClusterError as exc:
        raise CheckFailed(str(exc)) from None
    try:
        future = dask.submit(
            run_remote, payload, resources={"synth": 1}, pure=False, key=f"{task}-{payload['key'][:12]}"
        )
        return future.result()
    except KilledWorker as exc:
        raise CheckFailed(f"{task}: the worker running it died, and again on another worker ({exc})") from None
    finally:
        dask.close()


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
