"""Timing closure at zero tokens: when synth:<schema> misses its target, other place-and-route settings (the
family's: seeds for the nextpnr families), up to
[feedback] timing_attempts runs; the winning settings are recorded in knowledge/learned.json by design hash,
so the next build of the same design starts with them and makes no extra run.

No run is spent where seeds cannot help: a target above what the device reaches at all, or further above the
Fmax reached than seeds move it ([feedback] timing_reach_pct).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..config import Section
from ..layout import Layout

if TYPE_CHECKING:
    from ..hardware.boards import Board
    from ..hardware.synth import Attempt

ENTRY = "synth.timing"  # the knowledge-base entry whose fix this is


class SeedSweep:
    def __init__(self, layout: Layout, task: str, fb: Section):
        self.layout = layout
        self.task = task
        self.max_runs = max(1, int(fb.timing_attempts))
        self.reach = float(fb.timing_reach_pct) / 100.0
        self.known: dict | None = None
        from . import record  # here, not at the top: task creation imports this module on every `doit`

        record.clear(layout, task)

    def first(self, design_hash: str) -> list[str] | None:
        from . import learned

        self.known = learned.timing(self.layout, design_hash) if design_hash else None
        return list(self.known["options"]) if self.known else None

    def next(self, design_hash: str, attempts: list[Attempt], target_mhz: float, board: Board) -> list[str] | str:
        best = max(a.fmax_mhz for a in attempts)
        if self.known:
            return (
                f"the recorded settings reached {self.known['fmax_mhz']:.1f} MHz before; no other run "
                "(remove the design's entry from knowledge/learned.json to sweep again)"
            )
        if board.fmax_ceiling_mhz and target_mhz > board.fmax_ceiling_mhz:
            return (
                f"target {target_mhz:g} MHz is beyond the {board.series} (no design reaches more than about "
                f"{board.fmax_ceiling_mhz:g} MHz on it); best Fmax {best:.1f} MHz; no seed tried"
            )
        if target_mhz > best * (1 + self.reach):
            return (
                f"target {target_mhz:g} MHz is {100 * (target_mhz / best - 1):.0f} % above the Fmax reached "
                f"({best:.1f} MHz); seeds move it by a few percent, so none was tried: the limit is in the RTL"
            )
        if len(attempts) >= self.max_runs:
            return f"{len(attempts)} place-and-route runs ([feedback] timing_attempts = {self.max_runs})"
        from ..hardware import families

        return families.of(board).attempt_options(len(attempts) + 1)

    def done(self, design_hash: str, attempts: list[Attempt], best: Attempt, target_mhz: float) -> None:
        from . import learned, record
        from .record import Attempt as Tried

        tried = [
            Tried(
                self.task, "timing-not-met", ENTRY, " ".join(a.options) or "the tool's defaults", i, _outcome(a, best)
            )
            for i, a in enumerate(attempts, 1)
            if i > 1 or not a.met
        ]
        record.save(self.layout, self.task, tried if len(attempts) > 1 else [])
        if len(attempts) > 1 and design_hash:
            learned.count(self.layout, ENTRY, best.met)
        if design_hash and not self.known and len(attempts) > 1:
            learned.record_timing(
                self.layout,
                design_hash,
                {
                    "options": best.options,
                    "fmax_mhz": best.fmax_mhz,
                    "met": best.met,
                    "target_mhz": target_mhz,
                    "runs": len(attempts),
                },
            )


def _outcome(a: Attempt, best: Attempt) -> str:
    if a is best:
        return "fixed" if a.met else "failed"
    return "failed"


def policy(layout: Layout, stem: str, fb: Section) -> SeedSweep:
    return SeedSweep(layout, f"synth:{stem}", fb)


def synthesize_closing_timing(layout: Layout, stem: str, hw: Section, fb: Section, retry: bool) -> bool:
    """synth:<schema> with the seed sweep, and one retry of a transient failure."""
    from ..hardware.synth import synthesize
    from .retry import with_retry

    task = f"synth:{stem}"
    return with_retry(
        layout, task, layout.report("synth", stem), retry, synthesize, layout, stem, hw, policy(layout, stem, fb)
    )
