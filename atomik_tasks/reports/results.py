"""The results of the checks (verify, simulation, synthesis reports) by task, for the schemas that exist now."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..fsio import write_atomic
from ..layout import PACKAGE_CHECK, Layout


def load_results(layout: Layout) -> dict[str, dict[str, Any]]:
    """verify-, sim-uart- and synth- reports by task name, for the schemas that exist now.

    Parsed reports are cached by (mtime, size) in reports/.results-cache.json: a run reads only the reports
    its tasks rewrote (reading every report again cost a no-op run at 30 schemas about 10 ms).
    """
    reports = Path(layout.reports)
    stems = {*layout.stems(), PACKAGE_CHECK}
    cache_path = reports / ".results-cache.json"
    try:
        cache = json.loads(cache_path.read_text("utf-8"))
    except (OSError, ValueError):
        cache = {}
    fresh: dict[str, list[Any]] = {}
    for entry in sorted(scan(reports), key=lambda e: e.name):
        if not entry.name.endswith(".json") or entry.name in ("run.json", cache_path.name) or not entry.is_file():
            continue
        st = entry.stat()
        stamp = [st.st_mtime_ns, st.st_size]
        hit = cache.get(entry.name)
        if isinstance(hit, list) and len(hit) == 2 and hit[0] == stamp:
            fresh[entry.name] = hit
            continue
        try:
            data = json.loads(Path(entry.path).read_text("utf-8"))
        except (OSError, ValueError):
            continue
        fresh[entry.name] = [stamp, data if isinstance(data, dict) and "task" in data else None]
    if fresh != cache:
        write_atomic(cache_path, json.dumps(fresh, sort_keys=True, separators=(",", ":")))
    out = {}
    for _stamp, data in fresh.values():
        if data is not None and data.get("schema") in stems:
            out[data["task"]] = data
    return out


def scan(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return list(it)
    except FileNotFoundError:
        return []
