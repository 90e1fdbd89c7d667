"""A model's diagnosis, against a loopback server speaking the Messages API (the real anthropic SDK over HTTP on
127.0.0.1; nothing reaches the network): off without a key, refused over budget, the ledger equal to the usage
the server returned, a bad diff rejected, a good one verified in a scratch copy and learned, the second identical
failure at 0 tokens, an API error that leaves the build as it was, and the key nowhere on disk."""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from llm_server import Script, serve
from projects import SOFTWARE_ONLY, make_project, minimal_schema

KEY = "sk-ant-test-0123456789-secret"


def broken() -> dict:
    """A schema the knowledge base cannot repair: no field at all (what field was meant is not clear)."""
    doc = minimal_schema()
    doc["schema"]["delta_fields"] = {}
    return doc


def fixed_text(text: str) -> str:
    doc = json.loads(text)
    doc["schema"]["delta_fields"] = {"value": {"type": "delta_stream", "width": 32}}
    return json.dumps(doc, indent=2)


def diff(old: str, new: str, path: str = "schemas/empty.json") -> str:
    lines = difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"a/{path}", f"b/{path}")
    return "".join(lines)


@pytest.fixture()
def server():
    script = Script()
    srv, url = serve(script)
    yield script, url
    srv.shutdown()


def project(tmp_path: Path, config: str = SOFTWARE_ONLY):
    p = make_project(tmp_path / "p", schemas=[], config=config)
    p.write_schema("empty", broken())
    return p


def doit(p, *args: str, key: bool, url: str, extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "ATOMIK_LLM", "ATOMIK_RUN"))}
    env["ANTHROPIC_BASE_URL"] = url
    if key:
        env["ANTHROPIC_API_KEY"] = KEY
    env.update(extra or {})
    return subprocess.run(
        [sys.executable, "-m", "doit", *args], cwd=p.root, capture_output=True, text=True, timeout=1200, env=env
    )


def escalate(p, url: str) -> None:
    out = doit(p, "validate:empty", key=False, url=url)
    assert out.returncode != 0 and "needs a person: validate:empty [empty-object]" in out.stdout, out.stdout
    assert Path(p.layout.escalation("validate:empty")).exists()


def ledger(p) -> list[dict]:
    path = Path(p.layout.ledger)
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_without_a_key_nothing_is_sent(tmp_path, server):
    script, url = server
    p = project(tmp_path, SOFTWARE_ONLY + "[llm]\nauto = true\n")
    escalate(p, url)
    out = doit(p, "diagnose:validate:empty", key=False, url=url)
    assert out.returncode == 0
    assert "off (set ANTHROPIC_API_KEY to let a model diagnose it); the build result is unchanged" in out.stdout
    plain = doit(p, key=False, url=url)  # auto is on, but there is no key
    assert plain.returncode != 0 and script.requests == [] and ledger(p) == []
    assert json.loads((p.root / "build/reports/run.json").read_text())["llm"] == {"calls": 0, "tokens": 0} | {
        k: 0 for k in ("input", "output", "cache_read", "cache_write")
    } | {"cost_usd": 0}


def test_a_call_over_the_budget_is_refused_before_it_is_made(tmp_path, server):
    script, url = server
    p = project(tmp_path)
    escalate(p, url)
    out = doit(p, "diagnose:validate:empty", key=True, url=url, extra={"ATOMIK_LLM_BUDGET": "500"})
    assert out.returncode == 0
    assert "model call refused: it could spend" in out.stdout and "the run budget has 500 left" in out.stdout
    assert script.calls("/v1/messages") == [] and ledger(p) == []


def test_a_good_fix_is_verified_learned_and_costs_nothing_the_second_time(tmp_path, server):
    script, url = server
    p = project(tmp_path)
    escalate(p, url)
    old = p.schema("empty").read_text()
    usage = {
        "input_tokens": 1234,
        "output_tokens": 210,
        "cache_read_input_tokens": 900,
        "cache_creation_input_tokens": 0,
    }
    script.tool_answer(
        {"cause": "delta_fields is empty", "confidence": 0.8, "target": "schema", "diff": diff(old, fixed_text(old))},
        usage,
    )
    out = doit(p, "diagnose:validate:empty", key=True, url=url)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "verified: validate:empty verify:" in out.stdout and "learned as learned." in out.stdout
    assert p.schema("empty").read_text() == old  # proposed only: --apply writes it
    request = script.calls("/v1/messages")[0]["body"]
    assert request["system"][0]["cache_control"] == {"type": "ephemeral"}  # the stable part is cached
    assert request["tool_choice"] == {"type": "tool", "name": "propose_fix"}
    lines = ledger(p)
    assert len(lines) == 1 and lines[0]["outcome"] == "verified" and lines[0]["task"] == "validate:empty"
    assert lines[0]["usage"] == {"input": 1234, "output": 210, "cache_read": 900, "cache_write": 0}
    assert lines[0]["estimate"]["how"] == "count_tokens" and lines[0]["estimate"]["total"] > 0
    assert "actual 2344 tokens" in out.stdout

    # the same failure again: the learned fix, no call, and --apply writes it
    again = doit(p, "diagnose:validate:empty", "--apply", key=True, url=url)
    assert "a fix learned before (learned." in again.stdout and "0 tokens" in again.stdout
    assert len(script.calls("/v1/messages")) == 1 and len(ledger(p)) == 1
    assert "applied to the project" in again.stdout
    assert doit(p, "validate:empty", key=False, url=url).returncode == 0

    # the key is nowhere on disk: not in the ledger, the reports, the logs or what was learned
    for path in [*p.root.rglob("*.json"), *p.root.rglob("*.jsonl"), *p.root.rglob("*.log")]:
        assert KEY not in path.read_text(errors="replace"), path


def test_a_diff_that_does_not_apply_or_leaves_the_project_is_rejected(tmp_path, server):
    script, url = server
    p = project(tmp_path)
    escalate(p, url)
    old = p.schema("empty").read_text()
    usage = {"input_tokens": 500, "output_tokens": 80}
    stale = diff(old.replace('"Compute"', '"Video"'), fixed_text(old))  # against a text the file does not have
    script.tool_answer({"cause": "x", "confidence": 0.5, "target": "schema", "diff": stale}, usage)
    outside = diff("a\n", "b\n", path="build/sdk/c/include/atomik/atomik.h")
    script.tool_answer({"cause": "y", "confidence": 0.5, "target": "template", "diff": outside}, usage)
    first = doit(p, "diagnose:validate:empty", key=True, url=url)
    assert "rejected: the diff does not apply" in first.stdout
    second = doit(p, "diagnose:validate:empty", key=True, url=url)
    assert "rejected: the diff touches build/sdk/c/include/atomik/atomik.h" in second.stdout
    assert [line["outcome"] for line in ledger(p)] == ["rejected", "rejected"]
    assert [line["level"] for line in ledger(p)] == ["small", "strong"]  # after a rejection: the strongest
    assert p.schema("empty").read_text() == old
    learned = p.root / "knowledge" / "learned.json"
    assert not learned.exists() or json.loads(learned.read_text())["entries"] == []


def test_an_api_error_leaves_the_build_as_it_was(tmp_path, server):
    script, url = server
    p = project(tmp_path, SOFTWARE_ONLY + "[llm]\nauto = true\nmax_retries = 1\n")
    escalate(p, url)
    before = doit(p, key=False, url=url)
    script.error(401, "authentication_error", "invalid x-api-key")
    refused = doit(p, "diagnose:validate:empty", key=True, url=url)
    assert refused.returncode == 0 and "the API refused the key (ANTHROPIC_API_KEY)" in refused.stdout
    script.error(529, "overloaded_error", "Overloaded")
    script.error(529, "overloaded_error", "Overloaded")
    after = doit(p, key=True, url=url)  # auto: the run's escalation goes to the model, which is overloaded
    assert "the API answered 529" in after.stdout
    assert len(script.calls("/v1/messages")) == 3  # the 401 once, the 529 once plus one SDK retry
    assert after.returncode == before.returncode
    run = json.loads((p.root / "build/reports/run.json").read_text())
    assert run["status"] == "failed" and run["llm"]["calls"] == 1 and run["llm"]["tokens"] == 0
    assert [line["outcome"][:6] for line in ledger(p)] == ["error:", "error:"]
    summed = doit(p, "ledger", key=False, url=url)
    assert "by day:" in summed.stdout and "by model:" in summed.stdout and "validate:empty" in summed.stdout
