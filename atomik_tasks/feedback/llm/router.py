"""Which model a diagnosis goes to: the cheapest expected to succeed.

small: a near miss of a known class, or a small schema (fewer than 5 fields, no hardware section);
mid: an unknown failure; strong: after a failed attempt on the same task, or for hardware and timing.
More than 80 % of the budget spent steps one level down. Every decision carries its reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...config import Section
from ...errors import ConfigError

LEVELS = ("small", "mid", "strong")
STEP_DOWN_PCT = 80.0


@dataclass(frozen=True)
class Signals:
    task: str
    near_miss: bool  # the knowledge base knows the class (a fuzzy match or a close nearest entry)
    fields: int  # the schema's field count (0 when unknown)
    hardware: bool  # the schema has a hardware section
    hardware_task: bool  # the failing task is a simulation or synthesis (timing)
    failed_before: bool  # an earlier diagnosis of this task was rejected
    budget_pct: float  # share of the budget already spent
    error_lines: int = 1

    @property
    def complexity(self) -> int:
        """A rough score the log shows: more fields, more error text and hardware make a harder case."""
        return (
            self.fields
            + min(self.error_lines, 20)
            + (10 if self.hardware_task else 0)
            + (10 if self.failed_before else 0)
        )


@dataclass(frozen=True)
class Route:
    level: str
    model: str
    price_in: float  # USD per million tokens
    price_out: float
    reasons: list[str] = field(default_factory=list)

    def cost(self, usage: dict[str, Any]) -> float:
        # cache reads cost a tenth of input, cache writes a quarter more (the API's pricing rule)
        tokens_in = usage.get("input", 0) + 0.1 * usage.get("cache_read", 0) + 1.25 * usage.get("cache_write", 0)
        return round((tokens_in * self.price_in + usage.get("output", 0) * self.price_out) / 1e6, 6)


def _price(text: str, key: str) -> tuple[float, float]:
    try:
        a, b = (float(x) for x in text.split("/"))
    except ValueError:
        raise ConfigError(
            f'[llm] {key} = {text!r}: write input/output USD per million tokens, e.g. "3.0/15.0"'
        ) from None
    return a, b


def choose(s: Signals, llm: Section) -> Route:
    reasons = []
    if s.failed_before:
        level = "strong"
        reasons.append("an earlier diagnosis of this task was rejected")
    elif s.hardware_task:
        level = "strong"
        reasons.append("hardware or timing failure")
    elif s.near_miss:
        level = "small"
        reasons.append("near miss of a known class")
    elif 0 < s.fields < 5 and not s.hardware:
        level = "small"
        reasons.append(f"small schema ({s.fields} fields, no hardware section)")
    else:
        level = "mid"
        reasons.append("unknown failure")
    if s.budget_pct > STEP_DOWN_PCT and level != "small":
        level = LEVELS[LEVELS.index(level) - 1]
        reasons.append(f"stepped down: {s.budget_pct:.0f} % of the budget spent")
    reasons.append(f"complexity {s.complexity}")
    reasons.append(f"budget {s.budget_pct:.0f} % spent")
    price_in, price_out = _price(getattr(llm, f"price_{level}"), f"price_{level}")
    return Route(level, getattr(llm, f"model_{level}"), price_in, price_out, reasons)
