"""Shared test vectors: operation sequences with the reference model's results, for every SDK to replay.

Format (`atomik-tasks docs vectors`), one operation per line, fields separated by one space, values in lowercase hex:

    scenario <name>                 start again from a new object
    load <field> <hex>
    accumulate <field> <hex>
    reconstruct <field> <hex>       expected value
    zero <field> <0|1>              expected is_accumulator_zero
    rollback <n> <undone>           n in decimal; expected count undone in decimal

The Verilog testbench reads the same sequence as fixed-width hex records (write_hex).
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

from ..fsio import read_json, write_if_changed
from ..layout import VECTORS_VIEW, Layout
from .semantics import ReferenceObject

Op = tuple  # ("load", field, value) | ("accumulate", field, value) | ("reconstruct", field, expected) | ...

OPCODES = {"scenario": 0x06, "load": 0x01, "accumulate": 0x02, "reconstruct": 0x03, "zero": 0x04, "rollback": 0x05}
END = 0xFF
RANDOM_OPS = 150


def view(model: dict[str, Any]) -> dict[str, Any]:
    """The part of a model the vectors depend on."""
    return {
        "fields": [{k: f[k] for k in ("name", "width", "default")} for f in model["fields"]],
        "reconstruct": model["operations"]["reconstruct"]["enabled"],
        "history_depth": model["operations"]["rollback"]["history_depth"],
    }


class _Recorder:
    """Runs operations on the reference model and records each with its result."""

    def __init__(self, vview: dict[str, Any]):
        self.view = vview
        self.ops: list[Op] = []
        self.obj: ReferenceObject

    def scenario(self, name: str) -> None:
        self.ops.append(("scenario", name))
        self.obj = ReferenceObject(
            {
                "fields": self.view["fields"],
                "operations": {
                    "reconstruct": {"enabled": self.view["reconstruct"]},
                    "rollback": {
                        "enabled": self.view["history_depth"] > 0,
                        "history_depth": self.view["history_depth"],
                    },
                },
            }
        )

    def load(self, field: str, value: int) -> None:
        self.obj.load(field, value)
        self.ops.append(("load", field, value))

    def accumulate(self, field: str, delta: int) -> None:
        self.obj.accumulate(field, delta)
        self.ops.append(("accumulate", field, delta))

    def check(self, field: str) -> None:
        if self.view["reconstruct"]:
            self.ops.append(("reconstruct", field, self.obj.reconstruct(field)))
        self.ops.append(("zero", field, int(self.obj.is_accumulator_zero(field))))

    def check_all(self) -> None:
        for f in self.view["fields"]:
            self.check(f["name"])

    def rollback(self, n: int) -> None:
        undone = self.obj.rollback(n)
        self.ops.append(("rollback", n, undone))


class _Walk:
    """The recorder, the fields and the random source one vector set is drawn from."""

    def __init__(self, vview: dict[str, Any]):
        seed = hashlib.sha256(json.dumps(vview, sort_keys=True).encode()).hexdigest()
        self.rng = random.Random(seed)
        self.fields = [(f["name"], f["width"]) for f in vview["fields"]]
        self.depth = vview["history_depth"]
        self.r = _Recorder(vview)

    def value(self, width: int) -> int:
        """All ones, zero, alternating bits or random: the edges every SDK gets wrong first."""
        kind = self.rng.random()
        if kind < 0.15:
            return (1 << width) - 1
        if kind < 0.25:
            return 0
        if kind < 0.35:
            return int("55" * (width // 8), 16)
        return self.rng.getrandbits(width)


def _max_and_zero(w: _Walk) -> None:
    r = w.r
    r.scenario("max_and_zero")
    for name, width in w.fields:
        top = (1 << width) - 1
        r.load(name, top)
        r.check(name)
        r.accumulate(name, top)
        r.check(name)
        r.accumulate(name, top)
        r.check(name)
        r.load(name, 0)
        r.check(name)


def _identity_and_self_inverse(w: _Walk) -> None:
    r = w.r
    r.scenario("identity_and_self_inverse")
    for name, width in w.fields:
        r.load(name, w.value(width))
        r.accumulate(name, 0)
        r.check(name)
        delta = w.value(width) | 1
        r.accumulate(name, delta)
        r.check(name)
        r.accumulate(name, delta)
        r.check(name)


def _load_after_accumulate(w: _Walk) -> None:
    r = w.r
    r.scenario("load_after_accumulate")
    for name, width in w.fields:
        r.accumulate(name, w.value(width) | 1)
        r.load(name, w.value(width))
        r.check(name)
        if w.depth:
            r.rollback(1)
            r.check(name)


def _rollback(w: _Walk) -> None:
    r = w.r
    r.scenario("rollback_counts")
    r.rollback(0)
    r.rollback(1)
    for name, width in w.fields:
        r.accumulate(name, w.value(width))
    r.check_all()
    r.rollback(0)
    r.rollback(1)
    r.check_all()
    r.rollback(len(w.fields) + 5)
    r.check_all()
    r.rollback(1)

    r.scenario("history_wrap")
    for i in range(w.depth + 3):
        name, width = w.fields[i % len(w.fields)]
        r.accumulate(name, w.value(width))
    r.check_all()
    r.rollback(w.depth + 10)
    r.check_all()


def _random_walk(w: _Walk) -> None:
    r = w.r
    r.scenario("random_walk")
    for _ in range(RANDOM_OPS):
        name, width = w.rng.choice(w.fields)
        kind = w.rng.random()
        if kind < 0.1:
            r.load(name, w.value(width))
        elif kind < 0.75 or not w.depth:
            r.accumulate(name, w.value(width))
        else:
            r.rollback(w.rng.choice([0, 1, 2, 3, w.depth, w.depth + 1]))
        r.check(name)


def generate(vview: dict[str, Any]) -> list[Op]:
    """Deterministic vectors for one view: the seed is the view's own hash."""
    w = _Walk(vview)
    w.r.scenario("defaults")
    w.r.check_all()
    _max_and_zero(w)
    _identity_and_self_inverse(w)
    _load_after_accumulate(w)
    if w.depth:
        _rollback(w)
    _random_walk(w)
    return w.r.ops


def read_regressions(text: str, vview: dict[str, Any]) -> list[list[Op]]:
    """Scenarios of a regressions file: `scenario <name>`, then `load|accumulate <field> <hex>`, `rollback <n>`
    (no expected values: the reference model gives them). `#` starts a comment. Operations the view cannot take
    (a field it no longer has, a rollback without history) end that scenario, so an edited schema never breaks
    its vectors."""
    fields = {f["name"]: f["width"] for f in vview["fields"]}
    out: list[list[Op]] = []
    skip = False
    for raw in text.splitlines():
        parts = raw.split("#", 1)[0].split()
        if not parts:
            continue
        if parts[0] == "scenario" and len(parts) == 2:
            out.append([("scenario", parts[1])])
            skip = False
        elif not out or skip:
            continue
        elif parts[0] in ("load", "accumulate") and len(parts) == 3 and parts[1] in fields:
            value = int(parts[2], 16)
            if value >> fields[parts[1]]:
                skip = True
                continue
            out[-1].append((parts[0], parts[1], value))
        elif parts[0] == "rollback" and len(parts) == 2 and parts[1].isdigit() and vview["history_depth"]:
            out[-1].append(("rollback", int(parts[1])))
        else:
            skip = True
    return out


def _replay(vview: dict[str, Any], scenarios: list[list[Op]]) -> list[Op]:
    """The regression scenarios with the reference model's results: every field checked after each operation."""
    r = _Recorder(vview)
    for ops in scenarios:
        r.scenario(ops[0][1])
        r.check_all()
        for op in ops[1:]:
            if op[0] == "load":
                r.load(op[1], op[2])
            elif op[0] == "accumulate":
                r.accumulate(op[1], op[2])
            else:
                r.rollback(op[1])
            r.check_all()
    return r.ops


def to_text(ops: list[Op]) -> str:
    lines = ["# atomik-tasks shared test vectors; format: `atomik-tasks docs vectors`"]
    for op in ops:
        kind = op[0]
        if kind == "scenario":
            lines.append(f"scenario {op[1]}")
        elif kind == "rollback":
            lines.append(f"rollback {op[1]} {op[2]}")
        else:
            lines.append(f"{kind} {op[1]} {op[2]:x}")
    return "\n".join(lines) + "\n"


def parse_text(text: str) -> list[Op]:
    """Read the text format back (the Python SDK tests and the hardware driver use it)."""
    ops: list[Op] = []
    for raw in text.splitlines():
        parts = raw.split()
        if not parts or parts[0].startswith("#"):
            continue
        kind = parts[0]
        if kind == "scenario":
            ops.append((kind, parts[1]))
        elif kind == "rollback":
            ops.append((kind, int(parts[1]), int(parts[2])))
        else:
            ops.append((kind, parts[1], int(parts[2], 16)))
    return ops


def record_width(vview: dict[str, Any]) -> int:
    """Bits of one hex record: opcode 8, field 8, argument 32, expected count 32, value DATA_WIDTH."""
    return 80 + max(f["width"] for f in vview["fields"])


def to_hex(ops: list[Op], vview: dict[str, Any]) -> str:
    """Fixed-width records, one per line, for the Verilog testbench: [op:8][field:8][arg:32][expect:32][value:W].

    arg: the rollback count n, or the expected zero flag; expect: the expected rollback result;
    value: the loaded, accumulated or expected reconstructed value.
    """
    width = max(f["width"] for f in vview["fields"])
    index = {f["name"]: i for i, f in enumerate(vview["fields"])}
    digits = record_width(vview) // 4
    lines = []
    for op in ops:
        kind = op[0]
        field, arg, expect, val = 0, 0, 0, 0
        if kind == "rollback":
            arg, expect = op[1], op[2]
        elif kind == "zero":
            field, arg = index[op[1]], op[2]
        elif kind != "scenario":
            field, val = index[op[1]], op[2]
        rec = (
            (OPCODES[kind] << (width + 72)) | (field << (width + 64)) | (arg << (width + 32)) | (expect << width) | val
        )
        lines.append(f"{rec:0{digits}x}")
    lines.append(f"{END << (width + 72):0{digits}x}")
    return "\n".join(lines) + "\n"


def write_vectors(layout: Layout, stem: str) -> None:
    """build/vectors/<stem>.txt (software) and .hex (Verilog testbench) from the reference model, the project's
    regressions/<stem>.txt scenarios last."""
    vview = read_json(Path(layout.view(VECTORS_VIEW, stem)))
    ops = generate(vview)
    regressions = Path(layout.regressions(stem))
    if regressions.exists():
        ops += _replay(vview, read_regressions(regressions.read_text("utf-8"), vview))
    write_if_changed(Path(layout.vectors(stem, "txt")), to_text(ops))
    write_if_changed(Path(layout.vectors(stem, "hex")), to_hex(ops, vview))
