"""The diagnosis' pure parts: the router's choice for each signal, the prompt under its cap, the budget's
refusal and warnings, and the estimate learned from the ledger."""

from __future__ import annotations

import json

import pytest

from atomik_tasks.config import Section
from atomik_tasks.feedback.llm import prompt, router
from atomik_tasks.feedback.llm.budget import Budget, BudgetRefused
from atomik_tasks.feedback.llm.diagnose import predict
from atomik_tasks.feedback.llm.trial import check_paths

LLM = Section(
    {
        "model_small": "s",
        "model_mid": "m",
        "model_strong": "l",
        "price_small": "1/5",
        "price_mid": "3/15",
        "price_strong": "5/25",
    }
)


def signals(**over) -> router.Signals:
    base = dict(
        task="verify:c:x",
        near_miss=False,
        fields=8,
        hardware=True,
        hardware_task=False,
        failed_before=False,
        budget_pct=0.0,
    )
    return router.Signals(**{**base, **over})


@pytest.mark.parametrize(
    "over, level, reason",
    [
        ({}, "mid", "unknown failure"),
        ({"near_miss": True}, "small", "near miss of a known class"),
        ({"fields": 3, "hardware": False}, "small", "small schema (3 fields, no hardware section)"),
        ({"fields": 3, "hardware": True}, "mid", "unknown failure"),
        ({"task": "synth:x", "hardware_task": True}, "strong", "hardware or timing failure"),
        ({"failed_before": True, "near_miss": True}, "strong", "an earlier diagnosis of this task was rejected"),
        ({"failed_before": True, "budget_pct": 85.0}, "mid", "stepped down: 85 % of the budget spent"),
        ({"budget_pct": 81.0}, "small", "stepped down: 81 % of the budget spent"),
    ],
)
def test_the_router_picks_the_cheapest_model_expected_to_succeed(over, level, reason):
    route = router.choose(signals(**over), LLM)
    assert route.level == level and route.model == {"small": "s", "mid": "m", "strong": "l"}[level]
    assert reason in route.reasons and any(r.startswith("complexity ") for r in route.reasons)


def test_cost_counts_cache_reads_at_a_tenth():
    route = router.choose(signals(), LLM)  # mid: 3/15 USD per million
    assert route.cost({"input": 1_000_000, "output": 0}) == 3.0
    assert route.cost({"input": 0, "cache_read": 1_000_000, "output": 100_000}) == pytest.approx(0.3 + 1.5)


def test_the_prompt_stays_under_its_cap_and_says_what_was_cut():
    parts = [
        prompt.Part("failing task", "verify:c:x", 9),
        prompt.Part("error (normalized)", "gcc exited <n>: <path>: error: x", 9),
        prompt.Part(
            "template templates/c/module.c.j2", "\n".join(f"{i:4} {{# note #}} line {i}" for i in range(3000)), 3
        ),
        prompt.Part("build/context.json", json.dumps({"k": "v" * 20000}), 1),
    ]
    fitted = prompt.fit(parts, "instructions " * 100, 2000)
    assert fitted.estimate <= 2000
    assert "verify:c:x" in fitted.user and "gcc exited" in fitted.user  # what matters most survives
    assert fitted.cut_tokens > 5000 and any("tokens cut to fit the cap of 2000" in n for n in fitted.notes)
    assert "{# note #}" not in fitted.user  # compressed before anything was cut
    small = prompt.fit([prompt.Part("failing task", "verify:c:x", 9)], "i", 2000)
    assert small.cut_tokens == 0 and small.notes == []


def test_the_budget_refuses_what_could_exceed_it_and_warns_on_the_way():
    b = Budget(run_limit=1000, month_limit=100_000, run_spent=0, month_spent=0)
    b.check(1000)
    with pytest.raises(BudgetRefused, match="the run budget has 1000 left"):
        b.check(1001)
    assert b.charge(500) == ["warning: 50 % of the model budget is spent (run 500/1000, month 500/100000 tokens)"]
    assert [w.split(" %")[0] for w in b.charge(400)] == ["warning: 75", "warning: 90"]
    with pytest.raises(BudgetRefused, match="has 100 left"):
        b.check(101)
    month = Budget(run_limit=10_000, month_limit=1000, run_spent=0, month_spent=990)
    with pytest.raises(BudgetRefused, match="the month budget has 10 left"):
        month.check(11)


def test_the_estimate_learns_the_answers_length_from_the_ledger():
    past = [{"kind": "validate", "usage": {"input": 1000, "output": out}, "chars": 4000} for out in (200, 220, 240)]
    guess = predict(past, "validate", 1500, 6000, 2000)
    assert guess == {"input": 1500, "output": 220, "total": 1720, "how": "count_tokens"}
    local = predict(past, "validate", None, 8000, 2000)  # 1000 tokens for 4000 characters before
    assert local["input"] == 2001 and local["how"] == "local"
    assert predict([], "synth", None, 400, 2000) == {"input": 101, "output": 1000, "total": 1101, "how": "local"}


@pytest.mark.parametrize(
    "path, ok",
    [
        ("schemas/x.json", True),
        ("templates/c/module.c.j2", True),
        ("build/sdk/c/x.h", False),
        ("../outside", False),
        ("/etc/passwd", False),
        ("atomik_tasks/feedback/kb.py", False),
    ],
)
def test_a_diff_may_touch_only_schemas_and_templates(path, ok):
    text = f"--- a/{path}\n+++ b/{path}\n@@ -1 +1 @@\n-a\n+b\n"
    assert (check_paths(text) == "") is ok
