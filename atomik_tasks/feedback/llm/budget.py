"""The hard token budget: per run and per calendar month. A call is made only when its worst case fits what is
left of both: the prompt's tokens plus max_tokens, times every attempt the SDK may make (a timed-out attempt may
have been billed). Warnings at 50, 75 and 90 %."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from ...errors import AtomikError
from ...layout import Layout
from . import ledger

WARN_AT = (50, 75, 90)


class BudgetRefused(AtomikError):
    """A call that could spend more than is left; nothing was sent."""


@dataclass
class Budget:
    run_limit: int
    month_limit: int
    run_spent: int
    month_spent: int
    warned: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, layout: Layout, run_limit: int, month_limit: int) -> Budget:
        entries = ledger.read(layout)
        month = datetime.now(UTC).strftime("%Y-%m")
        return cls(
            run_limit, month_limit, ledger.spent(entries, run=ledger.run_id()), ledger.spent(entries, month=month)
        )

    @property
    def left(self) -> int:
        return max(0, min(self.run_limit - self.run_spent, self.month_limit - self.month_spent))

    @property
    def used_pct(self) -> float:
        """The larger share spent, of the run's or the month's budget."""
        run = 100 * self.run_spent / self.run_limit if self.run_limit else 100.0
        month = 100 * self.month_spent / self.month_limit if self.month_limit else 100.0
        return max(run, month)

    def check(self, worst_case: int) -> None:
        if worst_case > self.left:
            which = "run" if self.run_limit - self.run_spent <= self.month_limit - self.month_spent else "month"
            raise BudgetRefused(
                f"model call refused: it could spend {worst_case} tokens and the {which} budget has {self.left} left "
                f"(run {self.run_spent}/{self.run_limit}, month {self.month_spent}/{self.month_limit}; "
                "ATOMIK_LLM_BUDGET or [llm] in atomik.toml)"
            )

    def charge(self, n: int) -> list[str]:
        """Count n tokens; the warnings crossed by them."""
        self.run_spent += n
        self.month_spent += n
        out = []
        for pct in WARN_AT:
            if self.used_pct >= pct and pct not in self.warned:
                self.warned.add(pct)
                out.append(
                    f"warning: {pct} % of the model budget is spent (run {self.run_spent}/{self.run_limit}, "
                    f"month {self.month_spent}/{self.month_limit} tokens)"
                )
        return out
