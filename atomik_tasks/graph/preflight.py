"""What a plain `doit` needs before it starts, and what it leaves out:

- `tools`: the first task of a plain `doit`. Up to date when every tool the configured stages run is installed
  (a few PATH lookups); otherwise it fails at once with one line naming the missing tools and the one command
  that installs them, instead of one failed check per missing tool;
- the stages a plain `doit` leaves out, each with why (said in the run's summary).
"""

from __future__ import annotations

from typing import Any

from .. import tools
from ..checks.edaflows import MAKE
from ..hardware.sim import sim_tools
from ..hardware.synth import missing_synth_tools, synth_tools
from ..reports.html import DOT
from ..tools import Tool
from .project import Project

# What this `doit` call's plain run leaves out, and its default tasks: the reporter says the first in its
# summary when it runs the second (it runs in this process; doit gives a reporter no access to DOIT_CONFIG).
PLAIN_RUN: dict[str, list[str]] = {"left_out": [], "tasks": []}


def needed_tools(p: Project) -> list[Tool]:
    """The tools of the stages a plain `doit` runs with this project's settings."""
    hw, need = p.config.hardware, [DOT]
    for language in p.languages.values():
        need += [*language.tools, *(language.consume_tools if p.config.sdk.consume else [])]
    if hw.simulate:
        need += sim_tools()
    if hw.synthesize == "always":
        need += [MAKE, *synth_tools(hw)]
    return list(dict.fromkeys(need))


def check_tools(p: Project) -> Any:
    absent = tools.missing(needed_tools(p))
    if not absent:
        return None
    from doit.exceptions import TaskFailed

    names = ", ".join(f"{t.command} ({t.source})" for t in absent)
    return TaskFailed(f"missing tools: {names}; install them all with `{tools.INSTALL_ALL}`")


def tools_task(p: Project) -> dict[str, Any]:
    return {
        "basename": "tools",
        "doc": "every tool the configured stages run is installed (`atomik-tasks tools` lists them)",
        "actions": [(check_tools, [p])],
        "uptodate": [lambda: not tools.missing(needed_tools(p))],
        "verbosity": 2,
    }


def left_out(p: Project) -> list[str]:
    """The stages a plain `doit` does not run with these settings and tools, each with why."""
    hw, out = p.config.hardware, []
    if not p.config.sdk.consume:
        out.append("consume ([sdk] consume = false)")
    if not hw.simulate:
        out.append("sim:uart ([hardware] simulate = false)")
    if hw.synthesize == "never":
        out.append('synth ([hardware] synthesize = "never")')
    elif hw.synthesize == "auto":
        absent = missing_synth_tools(hw)
        if absent:
            names = ", ".join(t.command for t in absent)
            out.append(f'synth ({names} not installed: `{tools.INSTALL_ALL}`, or synthesize = "never")')
    return out
