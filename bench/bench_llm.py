"""Benchmark of the model diagnosis' bookkeeping, against a loopback server speaking the Messages API (no
network, no real model):

1. prompt sizes for typical failures of the shipped schemas (a schema the knowledge base cannot repair, a broken
   C template, a broken Verilog template): tokens before and after the cap, what was cut;
2. estimate against actual over 12 calls of one kind, the server answering with usage drawn around a typical
   answer: the error of each estimate, and the mean error after 10 calls (goal: within 25 %).

Usage: python bench/bench_llm.py
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from llm_server import Script, serve  # noqa: E402

from atomik_tasks.config import Section  # noqa: E402
from atomik_tasks.feedback.kb import merged  # noqa: E402
from atomik_tasks.feedback.llm import client, ledger, prompt  # noqa: E402
from atomik_tasks.feedback.llm.diagnose import predict  # noqa: E402
from atomik_tasks.feedback.record import escalate  # noqa: E402
from atomik_tasks.languages import all_languages  # noqa: E402
from atomik_tasks.layout import Layout  # noqa: E402

CAP = 6000
FAILURES = {
    "validate": "spec:minProperties schema.delta_fields: {} should be non-empty",
    "verify:c": "gcc exited 1: src/price_tick.c:41:5: error: expected ';' before 'return'\n"
    "  src/price_tick.c:41:5: error: expected ';' before 'return'",
    "verify:verilog": "%Error: rtl/atomik_finance_trading_price_tick.v:57:3: syntax error, unexpected endmodule",
}


def prompt_sizes(layout: Layout) -> None:
    kb = merged([])
    print(f"{'failure':<44} {'prompt':>7} {'cut':>6} {'sent':>6}  notes")
    for stem in layout.stems():
        for kind, message in FAILURES.items():
            task = f"{kind}:{stem}"
            esc = escalate(layout, task, message, kb, kb.match(message), "bench")
            language = kind.split(":")[1] if ":" in kind else ""
            shipped = all_languages()[language].folder / "templates" if language else None
            p = prompt.build(layout, esc, stem, language, shipped, CAP)
            full = p.estimate + p.cut_tokens
            print(f"{task:<44} {full:>7} {p.cut_tokens:>6} {p.estimate:>6}  {'; '.join(p.notes[:1])}")


def estimates(layout: Layout) -> None:
    script = Script()
    server, url = serve(script)
    sdk = client.make(Section({"timeout_s": 10, "max_retries": 0}))
    sdk = sdk.with_options(base_url=url, api_key="sk-bench")
    rng = random.Random(11)
    p = prompt.fit([prompt.Part("failing task", "verify:c:x " + "context " * 400, 9)], prompt.stable(), CAP)
    errors = []
    print(f"{'call':>4} {'estimate':>9} {'actual':>7} {'error':>7}")
    for i in range(1, 13):
        counted = client.count(sdk, "claude-bench", p)
        guess = predict(ledger.read(layout), "verify:c", counted, len(p.system) + len(p.user), 1500)
        # the server's answer: the prompt as counted (a few tokens of framing more) and an answer of ~300 tokens
        usage = {"input_tokens": counted + rng.randint(0, 12), "output_tokens": int(rng.gauss(300, 45))}
        script.tool_answer({"cause": "c", "confidence": 0.5, "target": "schema", "diff": ""}, usage)
        _fix, got = client.ask(sdk, "claude-bench", p, 1500)
        actual = ledger.tokens({"usage": got})
        error = 100 * abs(guess["total"] - actual) / actual
        errors.append(error)
        ledger.append(
            layout,
            {
                "task": "verify:c:x",
                "kind": "verify:c",
                "model": "claude-bench",
                "usage": got,
                "estimate": guess,
                "chars": len(p.system) + len(p.user),
                "outcome": "bench",
            },
        )
        print(f"{i:>4} {guess['total']:>9} {actual:>7} {error:>6.1f} %")
    server.shutdown()
    late = errors[10:]
    print(
        f"mean error: calls 1-3 {sum(errors[:3]) / 3:.1f} %, "
        f"after 10 calls {sum(late) / len(late):.1f} % (goal: within 25 %)"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(ROOT / "schemas", root / "schemas")
        shutil.copy(ROOT / "dodo.py", root / "dodo.py")
        # views and context.json exist in a project that has built: what the prompt draws from
        subprocess.run([sys.executable, "-m", "doit", "normalize"], cwd=root, capture_output=True, check=True)
        layout = Layout(root)
        prompt_sizes(layout)
        estimates(layout)


if __name__ == "__main__":
    main()
