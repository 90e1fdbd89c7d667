"""Running Edalize flows (the flow API, not the legacy backends) from a task."""

from __future__ import annotations

import contextlib
import os
from importlib import import_module
from pathlib import Path
from typing import Any

from .verify import VerifyContext, VerifyFailure, excerpt


def run_flow(ctx: VerifyContext, flow_name: str, edam: dict[str, Any], work: Path, run: bool = False) -> str:
    """Configure, build and (for sim, or with run) run an Edalize flow (flow API); return what the tools printed.

    Output goes to <work>/<flow>.log and the task's log. A failure raises VerifyFailure with its first lines.
    """
    flow_cls = getattr(import_module(f"edalize.flows.{flow_name}"), flow_name.capitalize())
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
                if flow_name == "sim" or run:
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
        raise VerifyFailure(f"edalize {flow_name} flow failed ({failure}):\n{excerpt(out)}")
    return out
