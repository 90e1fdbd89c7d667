"""knowledge/learned.json: a project's learned entries, every entry's success and failure counts, and the
place-and-route settings that closed timing per design hash.

Tasks run in parallel (`doit -n 2`): every change is a read-modify-write under an exclusive lock, written
atomically. A damaged file is never overwritten: the loop goes on without learning and says why once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..fsio import locked, write_atomic
from ..layout import Layout
from .kb import SCHEMA_VERSION, Entry, KnowledgeBase, KnowledgeError, merged, parse


def empty() -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "entries": [], "counts": {}, "timing": {}}


def read(layout: Layout) -> dict[str, Any]:
    """The learned file's data (empty when there is none); KnowledgeError when it cannot be read."""
    path = Path(layout.learned)
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return empty()
    except (OSError, ValueError) as exc:
        raise KnowledgeError(f"{layout.display(path)}: not readable JSON ({exc}); fix or remove it") from None
    parse({"schema_version": data.get("schema_version"), "entries": data.get("entries", [])}, layout.display(path))
    return {**empty(), **data}


def knowledge(layout: Layout) -> KnowledgeBase:
    data = read(layout)
    return merged(parse({"schema_version": SCHEMA_VERSION, "entries": data["entries"]}, layout.display(layout.learned)))


def update(layout: Layout, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply change(data) to the learned file under the lock; written only when it changed."""
    with locked(Path(layout.feedback) / "learned.lock"):
        data = read(layout)
        before = json.dumps(data, sort_keys=True)
        change(data)
        text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        if json.dumps(data, sort_keys=True) != before:
            write_atomic(Path(layout.learned), text)


def count(layout: Layout, entry_id: str, success: bool) -> None:
    """One more attempt of an entry's fix, and whether it worked."""

    def change(data: dict[str, Any]) -> None:
        counts = data["counts"].setdefault(entry_id, {"success": 0, "failure": 0})
        counts["success" if success else "failure"] += 1

    update(layout, change)


def learn(layout: Layout, entry: Entry) -> None:
    """Add (or replace, by id) a learned entry."""

    def change(data: dict[str, Any]) -> None:
        data["entries"] = [e for e in data["entries"] if e.get("id") != entry.id] + [entry.to_dict()]

    update(layout, change)


def timing(layout: Layout, design: str) -> dict[str, Any] | None:
    """The settings recorded for a design hash, or None."""
    found = read(layout)["timing"].get(design)
    return found if isinstance(found, dict) else None


def record_timing(layout: Layout, design: str, result: dict[str, Any]) -> None:
    def change(data: dict[str, Any]) -> None:
        data["timing"][design] = result

    update(layout, change)
