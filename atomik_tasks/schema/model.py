"""Normalize a valid schema document into the model every target view is cut from.

The model is plain JSON data (dicts, lists, ints, strings) with every default
filled in, so it can be written to a file, hashed, and read back unchanged.
"""

from __future__ import annotations

from typing import Any

from . import naming

DEFAULT_TARGET_MHZ = 94.5


def _int(value: Any) -> int:
    # JSON Schema counts 64.0 as an integer; the model holds real ints.
    return int(value)


def normalize(doc: dict[str, Any], stem: str) -> dict[str, Any]:
    """Model of a document that passed validation. stem: the schema file's name without .json."""
    cat = doc["catalogue"]
    sch = doc["schema"]
    ops = sch["operations"]
    fields = [
        {
            "name": name,
            "type": spec["type"],
            "width": _int(spec["width"]),
            "encoding": spec.get("encoding", "raw"),
            "compression": spec.get("compression", "none"),
            "default": _int(spec.get("default_value", 0)),
        }
        for name, spec in sch["delta_fields"].items()
    ]
    rollback = ops.get("rollback", {})
    rollback_on = bool(rollback.get("enabled", False))
    constraints = dict(sch.get("constraints", {}))
    constraints["target_frequency_mhz"] = float(constraints.get("target_frequency_mhz", DEFAULT_TARGET_MHZ))
    hw = doc.get("hardware")
    rtl = (hw or {}).get("rtl_params", {})
    synth = (hw or {}).get("synthesis_options", {})
    return {
        "stem": stem,
        "identity": {
            "vertical": cat["vertical"],
            "field": cat["field"],
            "object": cat["object"],
            "version": cat["version"],
            "author": cat.get("author", ""),
            "license": cat.get("license", ""),
            "description": cat.get("description", ""),
        },
        "fields": fields,
        "operations": {
            "accumulate": {"latency_cycles": _int(ops["accumulate"].get("latency_cycles", 1))},
            "reconstruct": {
                "enabled": bool(ops.get("reconstruct", {}).get("enabled", True)),
                "latency_cycles": _int(ops.get("reconstruct", {}).get("latency_cycles", 1)),
            },
            "rollback": {
                "enabled": rollback_on,
                "history_depth": _int(rollback.get("history_depth", 0)) if rollback_on else 0,
            },
        },
        "constraints": constraints,
        "hardware": {
            "present": hw is not None,
            "target_device": (hw or {}).get("target_device", ""),
            "data_width": _int(rtl.get("DATA_WIDTH", max(f["width"] for f in fields))),
            "enable_parallel": bool(rtl.get("ENABLE_PARALLEL", False)),
            "clock_domain": rtl.get("CLOCK_DOMAIN", "clk"),
            "optimization_goal": synth.get("optimization_goal", "speed"),
            "timing_constraints": synth.get("timing_constraints", {}),
        },
    }


def ident(model: dict[str, Any]) -> dict[str, str]:
    """The part of a model that package index files read: who the schema is, nothing else."""
    i = model["identity"]
    return {"stem": model["stem"], "vertical": i["vertical"], "field": i["field"], "object": i["object"]}


def identity(doc: Any) -> tuple[str, str, str] | None:
    """(vertical, field, object) when all three are strings, else None."""
    cat = doc.get("catalogue") if isinstance(doc, dict) else None
    if not isinstance(cat, dict):
        return None
    parts = tuple(cat.get(k) for k in ("vertical", "field", "object"))
    return parts if all(isinstance(p, str) for p in parts) else None  # type: ignore[return-value]


def identity_key(ident: tuple[str, str, str]) -> str:
    """The flat name every target derives from an identity; two schemas must not share it."""
    return "_".join(naming.snake(p) for p in ident)
