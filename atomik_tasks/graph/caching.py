"""Cacheable tasks: their actions go through the result cache (atomik_tasks/cache/), keyed by the same file
dependencies doit checks, plus tool versions and the settings that change the result."""

from __future__ import annotations

from typing import Any

from ..cache.cached import Spec, run_cached
from ..cluster import KINDS as CLUSTER_KINDS
from ..tools import Tool
from .doitapi import call
from .project import Project


def cached_action(
    p: Project,
    task: str,
    inputs: list[str],
    outputs: list[str],
    fn: Any,
    *args: Any,
    tools: tuple[Tool, ...] = (),
    settings: dict[str, Any] | None = None,
    report: str = "",
    globs: list[str] | None = None,
) -> tuple[Any, list[Any]]:
    """The doit action of a cacheable task: fn(*args) unless the cache holds its result."""
    kind = ":".join(task.split(":")[:-1]) or task
    spec = Spec(task, kind, list(inputs), outputs, tools, settings or {}, report, globs or [])
    if p.config.cluster.scheduler and kind in CLUSTER_KINDS:
        return (call, [on_cluster, p.layout, spec, p.config, fn, *args])
    return (call, [run_cached, p.layout, spec, p.config.cache, fn, *args])


def on_cluster(layout: Any, spec: Spec, config: Any, fn: Any, *args: Any) -> Any:
    from ..cluster.remote import run_on_cluster  # dask only when a cluster task runs

    return run_on_cluster(layout, spec, config, fn, *args)


def show_cache(p: Project, clear: bool = False) -> Any:
    return call(_show_cache, p, clear)


def _show_cache(p: Project, clear: bool) -> None:
    from ..cache.cached import open_store

    store = open_store(p.config.cache)
    if store is None:
        print('the result cache is off ([cache] url = "off" or ATOMIK_CACHE=off)')
        return
    if clear:
        store.clear()
        print(f"cleared {store.url}")
        return
    entries = store.entries()
    actions = sum(1 for path, _, _ in entries if "/ac/" in path)
    size = sum(size for _, size, _ in entries)
    hits, lookups = store.hit_rate()
    rate = f"{100 * hits / lookups:.0f} % of the last {lookups} lookups" if lookups else "no lookups yet"
    mode = " (read-only)" if store.read_only else ""
    cap = f" of {store.max_bytes / 2**20:.0f} MB" if store.local and store.max_bytes else ""
    blobs = len(entries) - actions
    print(f"{store.url}{mode}: {actions} results, {blobs} blobs, {size / 2**20:.1f} MB{cap}; hits: {rate}")


def cache_task(p: Project) -> dict[str, Any]:
    return {
        "basename": "cache",
        "doc": "the result cache: where it is, its size and hit rate (--clear empties it)",
        "actions": [(show_cache, [p])],
        "params": [{"name": "clear", "long": "clear", "type": bool, "default": False, "help": "empty the cache"}],
        "uptodate": [False],
        "verbosity": 2,
    }
