"""`doit diagnose:<task>`: one escalated failure, diagnosed.

A fix learned from an earlier diagnosis is tried first, at 0 tokens. Otherwise, when a key is set: route to a
model, build the prompt under its cap, estimate the call (the API's token count, or a local estimate) and refuse
it unless its worst case fits the budget, call, write the ledger line, try the proposed diff in a scratch copy,
and learn it when the checks pass there. Nothing here fails or hangs the build: every problem is one line.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
from pathlib import Path
from typing import Any

from ... import languages
from ...config import Config
from ...errors import AtomikError
from ...layout import Layout
from .. import learned
from ..kb import Entry, Fix
from . import client, ledger, prompt, router, trial
from .budget import Budget, BudgetRefused

HISTORY = 10  # calls of a kind that predict the next one
MIN_PROMPT = 1500  # below this a prompt says too little to be worth a call


def read_escalation(layout: Layout, task: str) -> dict[str, Any] | None:
    try:
        data = json.loads(Path(layout.escalation(task)).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def kind_of(task: str) -> str:
    """The kind a call's history is kept by: validate, verify:c, sim:uart, synth."""
    parts = task.split(":")
    return ":".join(parts[:2]) if parts[0] in ("verify", "sim") else parts[0]


def _schema_facts(layout: Layout, stem: str) -> tuple[int, bool]:
    try:
        doc = json.loads(Path(layout.schema(stem)).read_text("utf-8"))
        fields = doc.get("schema", {}).get("delta_fields", {})
        return (len(fields) if isinstance(fields, dict) else 0), isinstance(doc.get("hardware"), dict)
    except (OSError, ValueError, AttributeError):
        return 0, False


def predict(
    entries: list[dict[str, Any]], kind: str, counted: int | None, chars: int, max_tokens: int
) -> dict[str, Any]:
    """The call's tokens before it is made: the prompt's (the API's count, or characters scaled by what earlier
    calls of this kind turned out to be) plus the answer's (the median of earlier answers of this kind)."""
    past = [e for e in entries if e.get("kind") == kind and e.get("usage")][-HISTORY:]
    outputs = [int(e["usage"].get("output", 0)) for e in past]
    output = int(statistics.median(outputs)) if outputs else max_tokens // 2
    if counted is not None:
        return {"input": counted, "output": output, "total": counted + output, "how": "count_tokens"}
    sized = [e for e in past if e.get("chars")]
    per_char = (
        statistics.median((ledger.tokens(e) - int(e["usage"].get("output", 0))) / e["chars"] for e in sized)
        if sized
        else 1 / prompt.CHARS_PER_TOKEN
    )
    estimate = int(chars * per_char) + 1
    return {"input": estimate, "output": output, "total": estimate + output, "how": "local"}


def _learn(layout: Layout, task: str, escalation: dict[str, Any], fix: dict[str, Any]) -> str:
    digest = hashlib.sha256(escalation["normalized"].encode()).hexdigest()[:12]
    entry = Entry(
        id=f"learned.{digest}",
        stage=task.split(":", 1)[0],
        tool="",
        language=task.split(":")[1] if task.startswith("verify:") else "",
        signature="^" + re.escape(escalation["normalized"]) + "$",
        cls=f"learned-{fix.get('target', 'schema')}-fix",
        fix=Fix("patch", {"diff": fix["diff"], "target": fix.get("target", "schema")}),
        advice=str(fix.get("cause", ""))[:300],
        examples=(escalation["normalized"],),
    )
    learned.learn(layout, entry)
    return entry.id


def _try(layout: Layout, task: str, diff: str, apply: bool) -> trial.Trial:
    result = trial.run(layout, task, diff)
    print(f"    {'verified' if result.ok else 'rejected'}: {result.why}")
    if result.ok and apply:
        why = trial.apply(Path(layout.root), diff)
        print(f"    {'applied to the project' if not why else 'not applied: ' + why}")
    elif result.ok:
        print(f"    apply it: doit diagnose:{task} --apply")
    return result


def diagnose(layout: Layout, task: str, config: Config, apply: bool = False) -> bool:
    """Diagnose one escalated task; True unless something unexpected broke (a failed diagnosis is not that)."""
    escalation = read_escalation(layout, task)
    if escalation is None:
        print(f"diagnose: {task} has no escalation (only a failure the knowledge base could not fix has one)")
        return True
    kb = learned.knowledge(layout)
    match = kb.match(escalation.get("message", ""), task.split(":", 1)[0])
    if match and match.entry.fix.kind == "patch":
        print(f"diagnose {task}: a fix learned before ({match.entry.id}), 0 tokens")
        ok = _try(layout, task, str(match.entry.fix.params.get("diff", "")), apply).ok
        learned.count(layout, match.entry.id, ok)
        return True
    if not client.enabled():
        print(f"diagnose {task}: off (set {client.KEY_ENV} to let a model diagnose it); the build result is unchanged")
        return True
    try:
        _with_model(layout, task, escalation, config, apply, match is not None and match.how == "fuzzy")
    except (BudgetRefused, client.ModelError) as exc:
        print(f"diagnose {task}: {exc}")
    return True


def _with_model(layout: Layout, task: str, escalation: dict[str, Any], config: Config, apply: bool, near: bool) -> None:
    llm = config.llm
    kind = kind_of(task)
    stem = task.rsplit(":", 1)[-1] if ":" in task else ""
    language = task.split(":")[1] if task.startswith("verify:") else ""
    lang = languages.all_languages().get(language)
    fields, hardware = _schema_facts(layout, stem)
    entries = ledger.read(layout)
    budget = Budget.load(layout, int(llm.run_budget_tokens), int(llm.month_budget_tokens))
    failed_before = any(e.get("task") == task and e.get("outcome") == "rejected" for e in entries)
    nearest = escalation.get("nearest") or []
    signals = router.Signals(
        task,
        near_miss=near or bool(nearest and nearest[0].get("score", 0) >= 85),
        fields=fields,
        hardware=hardware,
        hardware_task=task.startswith(("synth:", "sim:")),
        failed_before=failed_before,
        budget_pct=budget.used_pct,
        error_lines=escalation.get("message", "").count("\n") + 1,
    )
    route = router.choose(signals, llm)
    shipped = lang.folder / "templates" if lang else None
    # under budget pressure the prompt shrinks to what the budget still allows, rather than being refused
    room = budget.left // (1 + int(llm.max_retries)) - int(llm.max_output_tokens)
    cap = max(MIN_PROMPT, min(int(llm.prompt_cap_tokens), room))
    built = prompt.build(layout, escalation, stem, language, shipped, cap)
    sdk = client.make(llm)
    counted = client.count(sdk, route.model, built)
    guess = predict(entries, kind, counted, len(built.system) + len(built.user), int(llm.max_output_tokens))
    worst = (guess["input"] + int(llm.max_output_tokens)) * (1 + int(llm.max_retries))
    print(f"diagnose {task}: {route.model} ({'; '.join(route.reasons)}; stable part cached)")
    for note in built.notes:
        print(f"    prompt {note}")
    print(f"    prompt ~{guess['input']} tokens ({guess['how']}), estimate {guess['total']} tokens, at most {worst}")
    budget.check(worst)
    line: dict[str, Any] = {
        "task": task,
        "kind": kind,
        "model": route.model,
        "level": route.level,
        "reasons": route.reasons,
        "estimate": guess,
        "chars": len(built.system) + len(built.user),
        "cut_tokens": built.cut_tokens,
    }
    try:
        fix, usage = client.ask(sdk, route.model, built, int(llm.max_output_tokens))
    except client.ModelError as exc:
        charged = worst if exc.billed_unknown else 0
        ledger.append(layout, {**line, "usage": {}, "charged": charged, "cost_usd": 0.0, "outcome": f"error: {exc}"})
        raise
    actual = ledger.tokens({"usage": usage})
    off = 100 * (guess["total"] - actual) / actual if actual else 0.0
    print(
        f"    actual {actual} tokens (input {usage['input']}, cache read {usage['cache_read']}, "
        f"output {usage['output']}; estimate off by {off:+.0f} %)"
    )
    for warning in budget.charge(actual):
        print(f"    {warning}")
    outcome = "no fix"
    if fix is None:
        print("    the answer held no proposed fix")
    else:
        print(f"    cause ({fix.get('confidence', '?')}): {fix.get('cause', '')}")
        result = _try(layout, task, fix["diff"], apply)
        outcome = "verified" if result.ok else "rejected"
        if result.ok:
            print(f"    learned as {_learn(layout, task, escalation, fix)}: the same failure costs 0 tokens next time")
    ledger.append(layout, {**line, "usage": usage, "cost_usd": route.cost(usage), "outcome": outcome})


def run_diagnoses(layout: Layout, tasks: list[str], config: Config) -> None:
    """[llm] auto: diagnose this run's escalations (never raises)."""
    for task in tasks:
        try:
            diagnose(layout, task, config)
        except (AtomikError, OSError) as exc:
            print(f"diagnose {task}: {exc}")
