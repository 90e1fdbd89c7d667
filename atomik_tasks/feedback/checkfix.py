"""The failed checks of one schema as `doit fix:<schema>` sees them: each report's error classified, with the
knowledge base's fix (the install command of a missing tool, run with --apply as root; one more run of a
transient failure; the seeds synth tries) or its advice."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..layout import Layout
from . import learned
from .kb import KnowledgeBase, Match
from .messages import report_failure

_INSTALL = re.compile(r"(apt-get install|pip install) ([A-Za-z0-9][\w.+-]*)")
_NPM = re.compile(r"npm install (?:--[\w-]+ )*--prefix (\S+) ([@\w][\w./@^~-]*)")


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


def install_command(message: str) -> list[str] | None:
    """The command that installs the tool a ToolMissing message names."""
    npm = _NPM.search(message)
    if npm:  # a build tool npm installs into the venv
        return ["npm", "install", "--global", "--no-audit", "--no-fund", "--prefix", npm.group(1), npm.group(2)]
    m = _INSTALL.search(message)
    if not m:
        return None
    if m.group(1) == "pip install":
        return [sys.executable, "-m", "pip", "install", "-q", m.group(2)]
    return ["apt-get", "install", "-y", "-qq", "--no-install-recommends", m.group(2)]


def install(layout: Layout, match: Match, message: str) -> bool:
    """Run the install command (apt-get only as root); True when it ran and succeeded."""
    cmd = install_command(message)
    if cmd is None:
        print(f"    no install command in the message: {match.entry.advice}")
        return False
    if cmd[0] == "apt-get" and (os.geteuid() != 0 or not shutil.which("apt-get")):
        print(f"    as root run: {' '.join(cmd)}")
        return False
    print(f"    running: {' '.join(cmd)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    ok = subprocess.run(cmd, env=env).returncode == 0
    learned.count(layout, match.entry.id, ok)
    return ok


def fix_checks(layout: Layout, stem: str, kb: KnowledgeBase, apply: bool) -> int:
    """Print each failed check of a schema with its class and fix; returns how many are still open."""
    still_open = 0
    for report in failed_reports(layout, stem):
        task, error = report["task"], report.get("error", "")
        match = kb.match(report_failure(report), task.split(":", 1)[0])
        cls = match.entry.cls if match else "unknown"
        print(f"{task}: [{cls}] {error}")
        kind = match.entry.fix.kind if match else "person"
        if kind == "install":
            cmd = install_command(error)
            if apply and match and install(layout, match, error):
                print(f"    installed; re-run: doit {task}")
                continue
            if not apply:
                print(f"    fix: {' '.join(cmd) if cmd else match.entry.advice}  (doit fix:{stem} --apply runs it)")
        elif kind == "retry":
            print(f"    transient: re-run: doit {task}")
        elif kind == "timing":
            print(f"    {match.entry.advice}")
        else:
            print(f"    needs a person: {match.entry.advice if match else 'not in the knowledge base: read the log'}")
            print(f"    log: {report.get('log', '')}")
        still_open += 1
    return still_open
