"""What a board design says when asked who it is (the UART protocol's `I`): a 24-bit id of the schema it was
generated from, so `hwtest` can tell a board loaded with another design from one that does not answer."""

from __future__ import annotations

import hashlib
import json
from typing import Any

ID_BYTES = 3


def design_id(view: dict[str, Any]) -> int:
    """The id of a design, from its Verilog view: identity and version, fields, operations, data width."""
    ident = view["identity"]
    what = {
        "identity": [ident[k] for k in ("vertical", "field", "object", "version")],
        "fields": [[f["name"], f["width"], f["default"]] for f in view["fields"]],
        "reconstruct": view["reconstruct"],
        "history_depth": view["history_depth"],
    }
    digest = hashlib.sha256(json.dumps(what, sort_keys=True).encode()).digest()
    return int.from_bytes(digest[:ID_BYTES], "big")


def describe(view: dict[str, Any]) -> str:
    """How a person names a design: its schema's identity and version, and its id."""
    ident = view["identity"]
    return f"{ident['vertical']}/{ident['field']}/{ident['object']} {ident['version']} (id {design_id(view):06x})"
