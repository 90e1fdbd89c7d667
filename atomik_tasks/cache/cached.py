"""A cacheable task: restore its outputs on a hit (digests checked), else run it and store what a passing run
wrote. A failure of the cache is a miss with one warning line, never a failed or wrong build."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ..config import Section
from ..fsio import write_json
from ..layout import Layout
from ..tools import Tool
from .keys import action_key, relative, tool_versions
from .store import DEFAULT_DIR, Store, StoreError

OFF = "off"


@dataclass
class Spec:
    """What a task's cache entry is made of. outputs: absolute paths a hit restores; report: the JSON report
    among them (marked "cached" on a hit, and only a passing one is stored), or "" for a task without one."""

    task: str
    kind: str
    inputs: list[str]
    outputs: list[str]
    tools: tuple[Tool, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)
    report: str = ""
    globs: list[str] = field(default_factory=list)  # more outputs, found when stored (a bitstream's name)


def warn(message: str) -> None:
    print(f"warning: {message}; running it instead", file=sys.stderr)


UNREACHABLE_S = 300  # a store that could not be reached is not asked again for this long


def _marker(layout: Layout, url: str) -> Path:
    return Path(layout.build, "cache", f"unreachable-{hashlib.sha256(url.encode()).hexdigest()[:12]}")


def open_store(cache: Section, layout: Layout | None = None) -> Store | None:
    """The configured store, or None when the cache is off, cannot be opened, or was unreachable a moment ago
    (every task would otherwise wait for the same timeout)."""
    url = str(cache.url).strip() or DEFAULT_DIR
    if url == OFF:
        return None
    if layout is not None:
        marker = _marker(layout, url)
        try:
            if time.time() - marker.stat().st_mtime < UNREACHABLE_S:
                return None
        except FileNotFoundError:
            pass
    try:
        return Store(url, bool(cache.read_only), int(float(cache.max_mb) * 1024 * 1024))
    except StoreError as exc:
        warn(str(exc))
        return None


def _unreachable(layout: Layout, store: Store, exc: StoreError) -> bool:
    """A store that cannot be reached (not one entry that is bad) is skipped by the next tasks for a while."""
    if exc.bad_entry:
        return False
    marker = _marker(layout, store.url)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(exc)[:300], "utf-8")
    return True


def _passed(spec: Spec) -> bool:
    if not spec.report:
        return True
    try:
        return json.loads(Path(spec.report).read_text("utf-8")).get("status") == "passed"
    except (OSError, ValueError):
        return False


def declared(layout: Layout, spec: Spec, rel: str) -> bool:
    """Whether an entry's output path is one this task declares: one of its outputs, or a match of one of its
    globs, inside build/ and reached through no symbolic link. A store is written by many machines: an entry
    naming anything else (dodo.py, a schema, another task's output) is never written, as Bazel materializes
    only an action's declared outputs."""
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not rel.startswith("build/"):
        return False
    outputs = {relative(layout, p) for p in spec.outputs}
    by_glob = any(
        path.parent == PurePosixPath(g).parent and fnmatch.fnmatchcase(path.name, PurePosixPath(g).name)
        for g in spec.globs
    )
    if rel not in outputs and not by_glob:
        return False
    build = os.path.realpath(layout.build)
    parent = os.path.realpath(os.path.join(layout.root, os.path.dirname(rel)))
    dest = os.path.join(layout.root, rel)
    return (parent == build or parent.startswith(build + os.sep)) and not os.path.islink(dest)


def restore(store: Store, layout: Layout, spec: Spec, key: str, mark: bool = True) -> bool:
    """Every output from the store, or none of them (what was restored before a failure is removed). mark: say
    "cached" in the report (not for a result a cluster worker just made for this run). An entry that names an
    output the task does not declare is bad: nothing of it is written, and it is removed from the store."""
    entry = store.get_action(key)
    if entry is None:
        return False
    try:
        undeclared = [o["path"] for o in entry["outputs"] if not declared(layout, spec, str(o["path"]))]
    except (KeyError, TypeError):
        undeclared = ["(an output without a path)"]
    if undeclared:
        store.remove_action(key)
        raise StoreError(
            f"ac/{key[:12]} names an output {spec.task} does not declare ({undeclared[0]}): entry ignored and removed",
            bad_entry=True,
        )
    done: list[Path] = []
    first: StoreError | None = None
    try:
        for out in entry["outputs"]:
            dest = Path(layout.root, out["path"])
            try:
                store.get_blob(out["sha256"], dest)
                done.append(dest)
            except StoreError as exc:
                if not exc.bad_entry:
                    raise
                # a corrupt blob is removed as it is read: read the entry's other blobs too, so that every
                # corrupt one is gone and the run that follows stores them all again
                first = first or exc
        if first is not None:
            raise first
    except (StoreError, KeyError, TypeError) as exc:
        for path in done:
            path.unlink(missing_ok=True)
        bad = not isinstance(exc, StoreError) or exc.bad_entry
        raise StoreError(str(exc), bad_entry=bad) from None
    if spec.report and mark:
        report = json.loads(Path(spec.report).read_text("utf-8"))
        write_json(Path(spec.report), {**report, "cached": True, "cache_key": key[:16]})
    return True


def save(store: Store, layout: Layout, spec: Spec, key: str, made_of: dict[str, Any]) -> None:
    outputs = []
    found = [str(p) for pattern in spec.globs for p in sorted(Path(layout.root).glob(pattern))]
    for path in [*spec.outputs, *found]:
        if os.path.isfile(path):
            outputs.append({"path": relative(layout, path), "sha256": store.put_blob(Path(path))})
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    store.put_action(key, {"task": spec.task, "outputs": outputs, "made_of": made_of, "stored": stamp})
    store.evict()


def run_cached(layout: Layout, spec: Spec, cache: Section, action: Callable[..., Any], *args: Any) -> Any:
    """action(*args) unless the store holds its result; its result (False fails the task)."""
    store = open_store(cache, layout)
    if store is None:
        return action(*args)
    try:
        key, made_of = action_key(layout, spec.kind, spec.inputs, tool_versions(layout, spec.tools), spec.settings)
    except OSError as exc:  # an input is missing: the task itself will say so
        warn(f"{spec.task}: no cache key ({exc})")
        return action(*args)
    try:
        if restore(store, layout, spec, key):
            store.log("hit")
            print(f"{spec.task}: cached ({key[:12]}){_counts(spec)}")
            return True
        store.log("miss")
    except StoreError as exc:
        warn(f"{spec.task}: {exc}")
        if _unreachable(layout, store, exc):
            store = None
    result = action(*args)
    if store is not None and result is not False and _passed(spec):
        try:
            save(store, layout, spec, key, made_of)
        except StoreError as exc:
            print(f"warning: {spec.task}: not stored in the cache ({exc})", file=sys.stderr)
            _unreachable(layout, store, exc)
    return result


def _counts(spec: Spec) -> str:
    if not spec.report:
        return ""
    data = json.loads(Path(spec.report).read_text("utf-8"))
    vectors = f", {data['vectors']} vectors" if data.get("vectors") is not None else ""
    return f": {data.get('passed', 0)} passed, {data.get('failed', 0)} failed{vectors}"
