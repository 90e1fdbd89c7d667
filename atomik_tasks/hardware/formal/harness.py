"""The instance a proof runs on: the generated module's template rendered with two bits per field and the history
at its proved depth, and its formal harness (`atomik-tasks docs formal` says why it stands for the module)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...languages import hdl
from ...layout import Layout
from ..design import template_environment

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: A history up to this deep is proved as generated; a deeper one on the same template at REDUCED_DEPTH.
EXACT_MAX_DEPTH = 3
#: The reduced depth keeps the template's branch: a power of two wraps its pointer by overflow, any other depth
#: by a compare with the last index (module.v.j2), so each is reduced to a depth that takes the same branch.
REDUCED_DEPTH = {True: 2, False: 3}


def _power_of_two(n: int) -> bool:
    return n > 1 and n & (n - 1) == 0


def instance_depth(depth: int) -> int:
    if depth <= EXACT_MAX_DEPTH:
        return depth
    return REDUCED_DEPTH[_power_of_two(depth)]


#: Bits per field in the proved instance (see lanes()).
LANES = 2


def lanes(view: dict[str, Any]) -> dict[str, Any]:
    """The view with every field LANES bits wide. The module's data path is bit-sliced: bit b of a field's value
    and accumulator is written from bit b of the operand under enables that no data bit reaches, so every bit
    lane is the same logic; two lanes per field carry its default's bits (lane 0 a 0 if the default has one,
    lane 1 a 1 if it has one), so both reset values of a lane are proved. What is not per bit keeps its shape:
    a field whose registers are written in several slices (each with its own copy of the enables), or whose
    zero flag is tested in several parts, gets its two lanes in two slices, or two parts, of one bit."""
    fields = []
    for f in view["fields"]:
        ones, zeros = f["default"] != 0, f["default"] != (1 << f["width"]) - 1
        shape = {key: 1 if f["width"] > bits else LANES for key, bits in hdl().partition.items()}
        fields.append({**f, "width": LANES, "default": (int(ones) << 1) | int(not zeros), **shape})
    return {**view, "fields": fields, "hardware": {**view["hardware"], "data_width": LANES}}


def _counter_widths(depth: int) -> dict[str, int]:
    """The reference model's counters hold no more than the proved depth needs: a count of events (cw bits, up
    to depth) and the cycles a rollback keeps the module busy (bw bits, up to 3 x depth + 1). Every state bit the
    harness spares is one the prover never has to reason about."""
    return {"cw": max(1, depth.bit_length()), "bw": (3 * depth + 1).bit_length()}


@dataclass(frozen=True)
class Instance:
    key: str
    top: str
    module: str  # RTL text of the module proved
    harness: str
    schema_depth: int
    depth: int  # the history depth of the module proved
    properties: tuple[str, ...]


def instance(layout: Layout, view: dict[str, Any]) -> Instance:
    """The module to prove: the HDL's template (with the project's overrides, as generate uses them) rendered for
    the schema with LANES bits per field and the history at its proved depth."""
    lang = hdl()
    schema_depth = int(view["history_depth"])
    depth = instance_depth(schema_depth)
    reduced = lanes({**view, "history_depth": depth})
    ctx = lang.context(reduced)
    path = lang.module_path(ctx["key"])
    module = lang.render_schema(reduced, layout.template_override(lang.name))[path]
    harness = (
        template_environment(str(TEMPLATES))
        .get_template("harness.v.j2")
        .render({**ctx, "depth": depth, "nfields": len(ctx["fields"]), **_counter_widths(depth)})
    )
    props = tuple(
        line.split("// property:", 1)[1].strip()
        for line in harness.splitlines()
        if line.strip().startswith("assert (") and "// property:" in line
    )
    return Instance(ctx["key"], f"formal_{ctx['key']}", module, harness, schema_depth, depth, props)


def files_read(layout: Layout, stem: str) -> list[str]:
    """Every file of the project a proof reads: the module's view and the project's HDL template overrides (what a
    cluster worker with no shared checkout needs; the package's own files it has)."""
    override = layout.template_override(hdl().name)
    files = [layout.view(hdl().name, stem)]
    if override:
        files += [str(p) for p in sorted(Path(override).rglob("*"))]
    return [f for f in files if Path(f).is_file()]
