"""Fit before synthesis: the block RAM and LUTs a schema's board design needs on a board's device, estimated
from the schema in well under a second, so a design that cannot fit fails before minutes of synthesis, with the
field or setting to change. Block RAM is counted exactly (the history ring's shape tiled over the device's
block shapes); LUTs by the family's LutModel, fitted to measured reports (docs/boards.md gives the error)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..errors import DoesNotFit
from ..languages import hdl
from . import families
from .boards import Board, all_boards
from .families import Device, Family

#: A LUT estimate this far over the device is refused; closer, synthesis decides (the estimate's error is
#: within it on every measured design).
LUT_REFUSE_RATIO = 1.25


@dataclass(frozen=True)
class Estimate:
    luts: int
    luts_available: int
    bram_blocks: int
    bram_available: int
    history_bits: int  # the rollback history ring: entries x (delta + field select) bits
    history_in_bram: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _history(view: dict[str, Any]) -> tuple[int, int]:
    """(entries, bits per entry) of the history ring; (0, 0) without rollback."""
    depth = int(view["history_depth"])
    if depth <= 0:
        return 0, 0
    ctx = hdl().context(view)
    return depth, int(ctx["data_width"]) + int(ctx["sel_w"])


def estimate(view: dict[str, Any], family: Family, device: Device) -> Estimate:
    model = family.lut_model
    depth, width = _history(view)
    bits = depth * width
    in_bram = depth >= model.min_bram_depth
    state_bits = sum(int(f["width"]) for f in view["fields"])
    luts = model.base + model.per_bit * state_bits
    if depth:
        luts += model.rollback + (0 if in_bram else model.per_logic_history_bit * bits)
    blocks = device.blocks_for(depth, width) if in_bram and depth else 0
    return Estimate(round(luts), device.luts, blocks, device.bram_blocks, bits, in_bram)


def _deepest_history(depth: int, width: int, device: Device) -> int:
    """The largest history depth up to `depth` whose ring of `width`-bit entries fits the device's block RAM
    (0: none does)."""
    low, high = 0, depth
    while low < high:
        mid = (low + high + 1) // 2
        if device.blocks_for(mid, width) <= device.bram_blocks:
            low = mid
        else:
            high = mid - 1
    return low


def _roomier(board: Board, need: str, amount: int) -> list[str]:
    """Boards whose device has more of `need` ("luts" or "bram_blocks" by bits) than `amount`."""
    out = []
    for other in all_boards().values():
        dev = families.of(other).devices.get(other.series)
        if dev and other.name != board.name and (dev.luts if need == "luts" else dev.bram_bits) > amount:
            out.append(other.name)
    return out


def check(view: dict[str, Any], board: Board, family: Family) -> Estimate:
    """The estimate, or DoesNotFit with one line: what does not fit, by how much, and what to change."""
    device = family.device(board)
    est = estimate(view, family, device)
    where = f"{view['stem']} does not fit the {board.name} ({board.device})"
    if est.bram_blocks > est.bram_available:
        depth, width = _history(view)
        deepest = _deepest_history(depth, width, device)
        others = _roomier(board, "bram", est.history_bits)
        raise DoesNotFit(
            f"{where}: its rollback history ({depth} entries x {width} bits) needs {est.bram_blocks} block RAMs,"
            f" the device has {est.bram_available}; set schema.operations.rollback.history_depth to {deepest} or"
            f" less, or narrow schema.delta_fields"
            + (f", or choose a board with more block RAM ([hardware] board: {', '.join(others)})" if others else "")
        )
    if est.luts > LUT_REFUSE_RATIO * est.luts_available:
        others = _roomier(board, "luts", est.luts)
        raise DoesNotFit(
            f"{where}: it needs about {est.luts:,} LUTs, the device has {est.luts_available:,}; narrow or remove"
            f" schema.delta_fields"
            + (f", or choose a larger board ([hardware] board: {', '.join(others)})" if others else "")
        )
    return est
