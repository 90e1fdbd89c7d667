"""knowledge/llm-ledger.jsonl: one line per model call (time, run, task, kind, model, the usage the API
returned, the estimate made before the call, cost, outcome), outside build/ so budgets span `make clean`."""

from __future__ import annotations

import fcntl
import json
import os
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ...layout import Layout

RUN_ENV = "ATOMIK_RUN_ID"  # set once per `doit` call; its worker processes inherit it


def run_id() -> str:
    return os.environ.setdefault(RUN_ENV, datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + f"-{os.getpid()}")


def read(layout: Layout) -> list[dict[str, Any]]:
    """Every line that parses (a line cut short by a crash is skipped, never fatal)."""
    try:
        text = Path(layout.ledger).read_text("utf-8")
    except FileNotFoundError:
        return []
    out = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            out.append(entry)
    return out


def append(layout: Layout, entry: dict[str, Any]) -> None:
    """One line, appended under a lock (parallel tasks share the file)."""
    path = Path(layout.ledger)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"time": datetime.now(UTC).isoformat(timespec="seconds"), "run": run_id(), **entry})
    with path.open("a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(line + "\n")
        fcntl.flock(fh, fcntl.LOCK_UN)


def tokens(entry: dict[str, Any]) -> int:
    """What a call cost in tokens: input (cache reads and writes included) and output."""
    u = entry.get("usage", {})
    return sum(int(u.get(k, 0)) for k in ("input", "output", "cache_read", "cache_write"))


def spent(entries: list[dict[str, Any]], run: str | None = None, month: str | None = None) -> int:
    """Tokens charged to one run, or to one month ("2026-11")."""
    return sum(
        int(e.get("charged", tokens(e)))
        for e in entries
        if (run is None or e.get("run") == run) and (month is None or str(e.get("time", "")).startswith(month))
    )


def summary(entries: list[dict[str, Any]]) -> list[str]:
    """`doit ledger`: tokens and cost by day, by model and by task."""
    if not entries:
        return ["the ledger is empty: no model was called"]
    lines = []
    for key, title in (("day", "by day"), ("model", "by model"), ("task", "by task")):
        sums: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0.0])
        for e in entries:
            name = str(e.get("time", ""))[:10] if key == "day" else str(e.get(key, "?"))
            s = sums[name]
            s[0] += 1
            s[1] += tokens(e)
            s[2] += int(e.get("usage", {}).get("cache_read", 0))
            s[3] += float(e.get("cost_usd", 0.0))
        lines.append(f"{title}:")
        lines += [
            f"  {n:<40} {int(c):>4} calls {int(t):>9} tokens {int(r):>8} cache reads  ${usd:.4f}"
            for n, (c, t, r, usd) in sorted(sums.items())
        ]
    total = sum(float(e.get("cost_usd", 0.0)) for e in entries)
    lines.append(f"total: {len(entries)} calls, {sum(tokens(e) for e in entries)} tokens, ${total:.4f}")
    return lines


def run_totals(layout: Layout, run: str) -> dict[str, Any]:
    """This run's calls and tokens, for run.json and the HTML page."""
    mine = [e for e in read(layout) if e.get("run") == run]
    usage = {
        k: sum(int(e.get("usage", {}).get(k, 0)) for e in mine)
        for k in ("input", "output", "cache_read", "cache_write")
    }
    return {
        "calls": len(mine),
        "tokens": sum(tokens(e) for e in mine),
        **usage,
        "cost_usd": round(sum(float(e.get("cost_usd", 0)) for e in mine), 6),
    }
