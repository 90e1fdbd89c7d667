"""`doit diff`: what changed in each schema since its last successful build, and what that will rebuild.

The document of each schema's last successful normalize is kept in build/model/<stem>.source.json. Which
targets will regenerate comes from doit's own state: the md5 doit stored for each generate task's view
file, against the md5 of the view the current document would produce. Nothing is written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from . import targets, vectors
from .fsio import dump_json
from .paths import Layout

LONG = 40  # strings longer than this are reported as "changed", not printed


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


def source_snapshot(layout: Layout, stem: str) -> Path:
    return layout.model_dir / f"{stem}.source.json"


def _stored_md5(db: Any, task: str, dep: Path) -> str | None:
    state = db.get(task, str(dep))
    return state[2] if state else None


def report(layout: Layout) -> list[str]:
    from doit.dependency import JSONCodec, SqliteDB

    from .pipeline import check_schema, display_path

    db_path = layout.build / "doit.sqlite3"
    db = SqliteDB(str(db_path), JSONCodec()) if db_path.exists() else None
    lines = []
    for path in layout.schema_files():
        stem = path.stem
        diags, model = check_schema(path, display_path(layout, path), [])
        errors = [d for d in diags if d.severity == "error"]
        if model is None:
            lines.append(f"{stem}: invalid ({len(errors)} error(s)): doit validate:{stem}")
            continue
        snapshot = source_snapshot(layout, stem)
        current = json.loads(path.read_text("utf-8"))
        if not snapshot.exists():
            lines.append(f"{stem}: new schema: every target will generate and verify")
            continue
        changes = structural(json.loads(snapshot.read_text("utf-8")), current)
        views = {name: t.view(model) for name, t in targets.all_targets().items()}
        views["_vectors"] = vectors.view(model)
        rebuild = []
        for name, view in views.items():
            task = f"generate:{name}:{stem}" if name != "_vectors" else f"vectors:{stem}"
            new_md5 = hashlib.md5(dump_json(view).encode("utf-8")).hexdigest()
            if db is None or _stored_md5(db, task, layout.view(name, stem)) != new_md5:
                rebuild.append(name.lstrip("_"))
        if not changes and not rebuild:
            lines.append(f"{stem}: up to date")
            continue
        lines.append(f"{stem}: {len(changes)} change(s)")
        lines += [f"  {c}" for c in changes]
        if rebuild:
            lines.append(f"  regenerates and re-verifies: {', '.join(sorted(rebuild))}")
        else:
            lines.append("  no generated code changes (validation runs again)")
    return lines


def print_report(layout: Layout) -> None:
    for line in report(layout):
        print(line)
