"""`doit diff`: what changed in each schema since its last successful build, and what that will rebuild.

The document of each schema's last successful normalize is kept in build/model/<stem>.source.json. Which
targets will regenerate comes from doit's own state (read by the graph's doit adapter and passed in as
stored_md5): the md5 doit stored for each generate task's view file, against the md5 of the view the current
document would produce. Nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..fsio import dump_json
from ..languages.normalize import check_schema, views
from ..layout import VECTORS_VIEW, Layout

LONG = 40  # strings longer than this are reported as "changed", not printed
# Keys nothing generated depends on today (`atomik-tasks docs schema-spec`, "Keys that have no effect today").
NO_EFFECT = re.compile(
    r"^schema\.delta_fields\.[^.]+\.(type|encoding|compression)\b"
    r"|^schema\.operations\.(accumulate|reconstruct)\.latency_cycles\b"
)


def structural(old: Any, new: Any, path: str = "") -> list[str]:
    """Field-level differences with dotted JSON paths."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new), key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in old:
                out.append(f"{sub} added: {_show(new[key])}")
            elif key not in new:
                out.append(f"{sub} removed")
            else:
                out += structural(old[key], new[key], sub)
        return out
    if old == new and type(old) is type(new):
        return []
    if isinstance(old, str) and isinstance(new, str) and (len(old) > LONG or len(new) > LONG or "\n" in old + new):
        return [f"{path} changed"]
    return [f"{path}: {_show(old)} \u2192 {_show(new)}"]


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= LONG else text[:LONG] + "..."


StoredMd5 = Callable[[str, str], "str | None"]  # (task, file) -> the md5 doit stored for that dependency


Downstream = Callable[[list[str]], list[str]]  # changed files -> the tasks that will run again (from the graph)


def report(layout: Layout, stored_md5: StoredMd5 | None, downstream: Downstream | None = None) -> list[str]:
    """One block per schema; stored_md5 is None before the first build (every target will generate).
    downstream: every task that reads a changed view, directly or through what it writes (hardware included)."""
    lines = []
    for stem in layout.stems():
        path = Path(layout.schema(stem))
        diags, model = check_schema(path, layout.display(path), [])
        errors = [d for d in diags if d.severity == "error"]
        if model is None:
            lines.append(f"{stem}: invalid ({len(errors)} error(s)): doit validate:{stem}")
            continue
        snapshot = Path(layout.model(stem, "source"))
        current = json.loads(path.read_text("utf-8"))
        if not snapshot.exists():
            lines.append(f"{stem}: new schema: every target will generate and verify")
            continue
        changes = structural(json.loads(snapshot.read_text("utf-8")), current)
        rebuild, changed = [], []
        for name, view in views(model).items():
            task = f"generate:{name}:{stem}" if name != VECTORS_VIEW else f"vectors:{stem}"
            new_md5 = hashlib.md5(dump_json(view).encode("utf-8")).hexdigest()
            if stored_md5 is None or stored_md5(task, layout.view(name, stem)) != new_md5:
                rebuild.append(name.lstrip("_"))
                changed.append(layout.view(name, stem))
        if not changes and not rebuild:
            lines.append(f"{stem}: up to date")
            continue
        lines.append(f"{stem}: {len(changes)} change(s)")
        lines += [f"  {c}{' (no effect on generated code today)' if NO_EFFECT.match(c) else ''}" for c in changes]
        if rebuild:
            lines.append(f"  regenerates and re-verifies: {', '.join(sorted(rebuild))}")
            if downstream is not None:
                stages = sorted({t.removesuffix(f":{stem}") for t in downstream(changed)})
                lines.append(f"  runs again: {', '.join(stages)}")
        else:
            lines.append("  no generated code changes (validation runs again)")
    return lines
