"""build/context.json: the state of the project in under 1,000 tokens for a coding agent."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..fsio import dump_json
from ..layout import Layout

CONTEXT_LIMIT = 4000  # characters: about 1,000 tokens at 4 characters a token


def context(layout: Layout, run: dict[str, Any]) -> dict[str, Any]:
    """The state of the project for a coding agent: small, and the same for the same state."""
    schemas = {}
    stale = []
    for stem in layout.stems():
        digest = hashlib.sha256(Path(layout.schema(stem)).read_bytes()).hexdigest()[:16]
        schemas[stem] = digest
        result = Path(layout.model(stem, "result"))
        built = json.loads(result.read_text("utf-8")).get("source_sha256", "")[:16] if result.exists() else ""
        if built != digest:
            stale.append(stem)
    by_kind: dict[str, dict[str, list[int]]] = {}
    failing = []
    for task, r in sorted(run["results"].items()):
        kind = task.rsplit(":", 1)[0]
        counts = by_kind.setdefault(kind, {"passed": [0], "failed": [0]})
        if r["status"] == "stale":  # a result whose task is out of date: the schema's checks must run again
            if r.get("schema") in schemas and r["schema"] not in stale:
                stale.append(r["schema"])
            continue
        counts["passed" if r["status"] == "passed" else "failed"][0] += 1
        if r["status"] != "passed":
            failing.append({"task": task, "cause": (r.get("error") or "failed")[:160]})
    for t in run["tasks"]:
        if t["status"] == "failure" and t["name"] not in run["results"]:
            failing.append({"task": t["name"], "cause": t.get("cause", "failed")[:160]})
    verdicts = {f["task"]: f for f in run.get("feedback", []) if f["outcome"] in ("open", "escalated")}
    for item in failing:  # the failure's class and the command that fixes it (or that it needs a person)
        verdict = verdicts.get(item["task"])
        if verdict:
            item["class"] = verdict["class"]
            item["fix"] = verdict.get("fix") or "needs a person: " + verdict.get("advice", "")[:120]
    state = {
        "schemas": schemas,
        "checks": {k: f"{v['passed'][0]} passed, {v['failed'][0]} failed" for k, v in by_kind.items()},
        "failing": failing[:10],
        "stale": sorted(stale),
        "last_run": run["status"],
    }
    if len(dump_json(state)) > CONTEXT_LIMIT:
        state["checks"] = {
            "total": f"{sum(v['passed'][0] for v in by_kind.values())} passed, "
            f"{sum(v['failed'][0] for v in by_kind.values())} failed"
        }
        state["failing"] = failing[:3]
    return state
