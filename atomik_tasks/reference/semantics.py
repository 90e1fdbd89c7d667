"""The executable form of `atomik-tasks docs semantics`: the model every generated SDK must match."""

from __future__ import annotations

from collections import deque
from typing import Any


class SemanticsError(ValueError):
    """An operation was called with input the semantics reject."""


class ReferenceObject:
    """One ATOMiK object: per field an initial state and an accumulator, plus a bounded history."""

    def __init__(self, model: dict[str, Any]):
        self.widths = {f["name"]: f["width"] for f in model["fields"]}
        self.defaults = {f["name"]: f["default"] for f in model["fields"]}
        self.reconstruct_enabled = model["operations"]["reconstruct"]["enabled"]
        rollback = model["operations"]["rollback"]
        self.history_depth = rollback["history_depth"] if rollback["enabled"] else 0
        self.initial = dict(self.defaults)
        self.acc = dict.fromkeys(self.widths, 0)
        self.history: deque[tuple[str, int]] = deque(maxlen=self.history_depth or None)

    def _check(self, field: str, value: int) -> None:
        if field not in self.widths:
            raise SemanticsError(f"unknown field {field!r}")
        if isinstance(value, bool) or not isinstance(value, int):
            raise SemanticsError(f"{field}: value must be an integer, got {type(value).__name__}")
        if value < 0 or value >> self.widths[field]:
            raise SemanticsError(f"{field}: {value} is outside 0..2**{self.widths[field]}-1")

    def load(self, field: str, value: int) -> None:
        """Set the initial state, clear the accumulator and the whole history."""
        self._check(field, value)
        self.initial[field] = value
        self.acc[field] = 0
        self.history.clear()

    def accumulate(self, field: str, delta: int) -> None:
        self._check(field, delta)
        self.acc[field] ^= delta
        if self.history_depth:
            self.history.append((field, delta))  # a full deque drops its oldest entry

    def reconstruct(self, field: str) -> int:
        if not self.reconstruct_enabled:
            raise SemanticsError("reconstruct is not enabled for this schema")
        self._check(field, 0)
        return self.initial[field] ^ self.acc[field]

    def is_accumulator_zero(self, field: str) -> bool:
        self._check(field, 0)
        return self.acc[field] == 0

    def rollback(self, n: int) -> int:
        """Undo the last n accumulate events (all fields together); return how many were undone."""
        if not self.history_depth:
            raise SemanticsError("rollback is not enabled for this schema")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise SemanticsError(f"rollback count must be a non-negative integer, got {n!r}")
        undone = 0
        while undone < n and self.history:
            field, delta = self.history.pop()
            self.acc[field] ^= delta
            undone += 1
        return undone

    def history_count(self) -> int:
        return len(self.history)
