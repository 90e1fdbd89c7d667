"""Running Edalize flows (the flow API, not the legacy backends) from a task. Edalize itself is imported only
when a flow runs."""

from __future__ import annotations

import contextlib
import copy
import os
from importlib import import_module
from pathlib import Path
from typing import Any

from ..errors import CheckFailed
from ..languages.check import CheckContext
from ..tools import Tool
from .excerpt import excerpt

MAKE = Tool("make", "make", "run Edalize flows")


def run_flow(ctx: CheckContext, flow_name: str, edam: dict[str, Any], work: Path) -> str:
    """Configure, build and (for sim) run an Edalize flow (flow API); return what the tools printed.

    Output goes to <work>/<flow>.log and the task's log. A failure raises CheckFailed with its first lines.
    """
    ctx.tool(MAKE)  # Edalize's build runner
    flow_cls = getattr(import_module(f"edalize.flows.{flow_name}"), flow_name.capitalize())
    with _pristine(flow_cls):
        return _run(ctx, flow_name, flow_cls, copy.deepcopy(edam), work)


@contextlib.contextmanager
def _pristine(flow_cls: type):
    """Edalize 0.6.8's merge_dict writes into the flow class's own tool-option dicts, so list options
    (nextpnr_options, verilator_options) pile up from one flow to the next in a process: --freq 100 --freq 27.
    Restore them after every run."""
    saved = {name: copy.deepcopy(getattr(flow_cls, name)) for name in _CLASS_STATE if hasattr(flow_cls, name)}
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(flow_cls, name, value)


_CLASS_STATE = ("_flow", "FLOW_DEFINED_TOOL_OPTIONS")


def _run(ctx: CheckContext, flow_name: str, flow_cls: type, edam: dict[str, Any], work: Path) -> str:
    work.mkdir(parents=True, exist_ok=True)
    log = work / f"{flow_name}.log"
    with log.open("w", encoding="utf-8") as fh:
        flow = flow_cls(edam, str(work), verbose=False)
        flow.stdout = fh
        flow.stderr = fh
        env_path = os.environ.get("PATH", "")
        try:
            os.environ["PATH"] = ctx.env()["PATH"]
            with contextlib.redirect_stdout(fh):
                flow.configure()
                flow.build()
                if flow_name == "sim":
                    flow.run()
            failure = None
        except RuntimeError as exc:
            failure = str(exc)
        finally:
            os.environ["PATH"] = env_path
    out = log.read_text(encoding="utf-8", errors="replace")
    with ctx.log.open("a", encoding="utf-8") as fh:
        fh.write(f"$ edalize {flow_name} flow in {work}\n{out}\n")
    if failure:
        raise CheckFailed(f"edalize {flow_name} flow failed ({failure}):\n{excerpt(out)}")
    return out
