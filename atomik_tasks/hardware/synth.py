"""synth:<schema>: the board design through its family's flow to a bitstream and a resource report.

When timing is missed, a TimingPolicy (the feedback stage supplies one) may ask for more place-and-route runs
with other settings; every attempt is in the report, and the best one's outputs are kept.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..checks.runner import Context, run_check
from ..config import Section
from ..errors import CheckFailed
from ..fsio import read_json
from ..languages import hdl
from ..languages.check import Counts
from ..layout import Layout
from ..tools import Tool, find_tool
from . import boards, families, fit
from .boards import Board
from .design import Design, design


@dataclass
class Attempt:
    """One place-and-route run: its extra options and what it reached."""

    options: list[str]
    fmax_mhz: float
    met: bool
    seconds: float
    result: dict[str, Any] = field(default_factory=dict)  # utilisation and per-clock Fmax

    def to_dict(self) -> dict[str, Any]:
        return {"options": self.options, "fmax_mhz": self.fmax_mhz, "met": self.met, "seconds": self.seconds}


class TimingPolicy(Protocol):
    def first(self, design_hash: str) -> list[str] | None:
        """The options of the first run: a recorded winner's ([] when the defaults won), or None."""
        ...

    def next(self, design_hash: str, attempts: list[Attempt], target_mhz: float, board: Board) -> list[str] | str:
        """The options of another run, or why there is none."""
        ...

    def done(self, design_hash: str, attempts: list[Attempt], best: Attempt, target_mhz: float) -> None: ...


class OneRun:
    """No timing closure: one run with the tool's defaults."""

    def first(self, design_hash: str) -> list[str] | None:
        return None

    def next(self, design_hash: str, attempts: list[Attempt], target_mhz: float, board: Board) -> list[str] | str:
        return "timing closure is off"

    def done(self, design_hash: str, attempts: list[Attempt], best: Attempt, target_mhz: float) -> None:
        pass


def design_hash(d: Design, board: Board, target_mhz: float) -> str:
    """What a place-and-route result depends on: the RTL, the constraints, the device and the target."""
    h = hashlib.sha256(f"{board.device}\0{target_mhz:g}\0".encode())
    for name in [*d.rtl, str(d.constraint_file(families.of(board).constraint_suffix))]:
        h.update(hashlib.sha256(Path(name).read_bytes()).digest())
    return h.hexdigest()[:32]


def synthesize(layout: Layout, stem: str, hw: Section, policy: TimingPolicy | None = None) -> bool:
    board = boards.get(hw.board)
    family = families.of(board)

    def check(ctx: Context) -> Counts:
        view = read_json(Path(layout.view(hdl().name, stem)))
        target_mhz = float(view["target_frequency_mhz"])
        ctx.extra.update(board=board.name, device=board.device, flow=hw.flow, target_mhz=target_mhz)
        estimate = fit.check(view, board, family)  # DoesNotFit, in a second, before any tool runs
        ctx.extra["fit"] = estimate.to_dict()
        d = design(layout, stem)
        if hw.flow not in family.flows:
            raise CheckFailed(f'the {family.name} family has no {hw.flow} flow: use flow = "open"')
        if hw.flow == "vendor":
            return family.vendor_flow(ctx, d, board)
        return _close_timing(ctx, family, d, board, hw, target_mhz, policy or OneRun())

    return run_check(layout, f"synth:{stem}", hdl().name, stem, check, layout.report("synth", stem), "synth")


def _close_timing(
    ctx: Context, family: Any, d: Design, board: Board, hw: Section, target_mhz: float, policy: TimingPolicy
) -> Counts:
    work = Path(ctx.layout.synth_dir(ctx.stem))
    key = design_hash(d, board, target_mhz) if d.constraint_file(family.constraint_suffix).exists() else ""
    usage = family.module_usage(ctx, d, work)  # runs while place and route does
    try:
        return _attempts(ctx, family, d, board, hw, target_mhz, policy, work, key, usage)
    finally:
        if usage is not None:
            usage.cancel()  # a no-op once its result was read


def _attempts(
    ctx: Context,
    family: Any,
    d: Design,
    board: Board,
    hw: Section,
    target_mhz: float,
    policy: TimingPolicy,
    work: Path,
    key: str,
    usage: Any,
) -> Counts:
    attempts: list[Attempt] = []
    recorded = policy.first(key)
    if recorded is not None:
        used = " ".join(recorded) or "the tool's defaults"
        ctx.notes.append(f"timing: used the settings recorded for this design ({used})")
    options = recorded or []
    while True:
        start = time.monotonic()
        result = family.place_and_route(ctx, d, board, target_mhz, options, again=bool(attempts))
        attempts.append(
            Attempt(options, result["fmax_mhz"], result["timing_met"], round(time.monotonic() - start, 1), result)
        )
        _keep(work, family.pnr_outputs(work, d.top), work / "attempts" / str(len(attempts)))
        if result["timing_met"]:
            break
        nxt = policy.next(key, attempts, target_mhz, board)
        if isinstance(nxt, str):
            ctx.notes.append(f"timing: {nxt}")
            break
        options = nxt
    best = max(attempts, key=lambda a: (a.met, a.fmax_mhz))
    if best is not attempts[-1]:
        _keep(work / "attempts" / str(attempts.index(best) + 1), family.pnr_outputs(work, d.top), work)
    policy.done(key, attempts, best, target_mhz)
    ctx.extra.update(best.result, design_hash=key, attempts=[a.to_dict() for a in attempts], settings=best.options)
    if usage is not None:
        ctx.extra["modules"], why = usage.result()
        if why:
            ctx.notes.append(f"modules: none counted: {why}")
    if not best.met:
        message = f"timing not met: Fmax {best.fmax_mhz:.1f} MHz < target {target_mhz:g} MHz"
        if len(attempts) > 1:
            message += f" (best of {len(attempts)} place-and-route runs)"
        limit = family.describe_path(best.result.get("critical_path") or {})
        if limit:
            message += f"; limiting path: {limit}"
        if hw.timing == "fail":
            raise CheckFailed(message + ' (timing = "fail")')
        ctx.notes.append("warning: " + message)
    elif len(attempts) > 1:
        ctx.notes.append(f"timing met on run {attempts.index(best) + 1} of {len(attempts)} ({' '.join(best.options)})")
    return Counts(1, 1, 0)


def _keep(src: Path, names: list[Path], dst: Path) -> None:
    """Copy one attempt's outputs (by name) from src to dst."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in names:
        if (src / name.name).exists():
            shutil.copy2(src / name.name, dst / name.name)


def synth_tools(hw: Section) -> tuple:
    """The tools whose versions a synthesis result depends on."""
    return tuple(families.of(boards.get(hw.board)).synth_tools)


def missing_synth_tools(hw: Section) -> list[Tool]:
    """The board's synthesis tools that are not installed (synthesize = "auto" builds only without any)."""
    family = families.of(boards.get(hw.board))
    return [t for t in family.synth_tools if not find_tool(t)]


def bitstream(layout: Layout, stem: str, hw: Section) -> Path:
    board = boards.get(hw.board)
    return families.of(board).bitstream(Path(layout.synth_dir(stem)), design(layout, stem).top)
