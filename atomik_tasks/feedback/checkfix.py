"""The failed checks of one schema as `doit fix:<schema>` sees them: each report's error classified, with the
knowledge base's fix (`atomik-tasks tools --install` for a missing tool, run with --apply; one more run of a
transient failure; the seeds synth tries) or its advice."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..layout import Layout
from ..tools import INSTALL_ALL, find
from . import learned
from .kb import KnowledgeBase, Match
from .messages import report_failure


def failed_reports(layout: Layout, stem: str) -> list[dict[str, Any]]:
    """The failed check reports of a schema (verify, simulation, synthesis)."""
    out = []
    for path in sorted(Path(layout.reports).glob(f"*-{stem}.json")):
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("schema") == stem and data.get("status") == "failed":
            out.append(data)
    return out


def install(layout: Layout, match: Match, command: str) -> bool:
    """`atomik-tasks tools --install` (every missing tool, apt-get only as root); True when `command` is
    found afterwards (an install that ran but left the tool missing is a failure, and is said)."""
    print(f"    running: {INSTALL_ALL}")
    run = subprocess.run([sys.executable, "-m", "atomik_tasks", "tools", "--install"], capture_output=True, text=True)
    ok = bool(command) and find(command) is not None
    if not ok:
        lines = [line for line in (run.stderr or run.stdout).splitlines() if line.startswith(("missing", "atomik"))]
        print(f"    {command or 'the tool'} is still missing: {'; '.join(lines[-2:]) or match.entry.advice}")
    learned.count(layout, match.entry.id, ok)
    return ok


def fix_checks(layout: Layout, stem: str, kb: KnowledgeBase, apply: bool) -> int:
    """Print each failed check of a schema with its class and fix; returns how many are still open."""
    still_open = 0
    for report in failed_reports(layout, stem):
        task, error = report["task"], report.get("error", "")
        match = kb.match_failure(
            report_failure(report), task.split(":", 1)[0], report.get("missing_tool", ""), report.get("failure", "")
        )
        cls = match.entry.cls if match else "unknown"
        print(f"{task}: [{cls}] {error}")
        kind = match.entry.fix.kind if match else "person"
        if kind == "install" and match:
            if apply and install(layout, match, report.get("missing_tool", "")):
                print(f"    installed; re-run: doit {task}")
                continue
            if not apply:
                print(f"    fix: {INSTALL_ALL}  (doit fix:{stem} --apply runs it)")
        elif kind == "retry":
            print(f"    transient: re-run: doit {task}")
        elif kind == "timing":
            print(f"    {match.entry.advice}")
        else:
            print(f"    needs a person: {match.entry.advice if match else 'not in the knowledge base: read the log'}")
            print(f"    log: {report.get('log', '')}")
        still_open += 1
    return still_open
