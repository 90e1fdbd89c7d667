"""Verilog RTL: one module per schema, atomik_<vertical>_<field>_<object>, honouring DATA_WIDTH."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .. import escape
from ..edaflows import run_flow
from ..fsio import read_json, sha256_file, write_if_changed, write_json
from ..paths import Layout
from ..verify import Counts, VerifyContext, vector_counts
from .base import Target, grouped, names

TB_CORE = "atomik:tb:common"
TB_FILES = ["atomik_tb_clock.v"]  # in cores/atomik_tb/, shared by every testbench


def _vcomment(text: str) -> list[str]:
    return escape.comment_lines(text, ascii_only=True)


class VerilogTarget(Target):
    name = "verilog"
    reads_hardware = True

    def comment_lines(self, text):
        return _vcomment(text)

    def filters(self):
        return {"vstr": escape.verilog_str, "tojson": lambda v: json.dumps(v, sort_keys=True)}

    def context(self, view):
        ctx = super().context(view)
        n = len(ctx["fields"])
        depth = ctx["history_depth"]
        ctx["sel_w"] = max(1, (n - 1).bit_length())
        ctx["ptr_w"] = max(1, (depth - 1).bit_length())
        ctx["cnt_w"] = max(1, depth.bit_length())
        ctx["data_width"] = ctx["hardware"]["data_width"]
        return ctx

    def schema_outputs(self, names):
        return {
            f"rtl/atomik_{names['key']}.v": "module.v.j2",
            f"tb/tb_atomik_{names['key']}.v": "tb.v.j2",
            f"atomik_{names['key']}.core": "core.j2",
        }

    def package_outputs(self, idents):
        return {"rtl/files.f": ("files.f.j2", {"groups": grouped(idents)})}

    package_check = False  # each module is linted and simulated on its own

    # ---- FuseSoC cores: build/cores/<key>/ holds the core file, its RTL, testbench and vectors ----
    def extra_tasks(self, p: Any):
        from .. import pipeline
        from ..tasks import group

        yield group("core", None, "FuseSoC cores under build/cores/, one per schema")
        for stem in p.stems:
            ident = p.ident(stem)
            outputs = [str(f) for f in core_files(p.layout, names(ident))] if ident else []
            yield {
                "basename": "core",
                "name": stem,
                "doc": f"FuseSoC core of {stem} under build/cores/ (RTL, testbench, vectors)",
                "actions": [(write_core, [p.layout, stem])],
                "file_dep": [p.manifest(self.name, stem), f"{p.build}/vectors/{stem}.hex"],
                "task_dep": [f"validate:{stem}"],
                "targets": [core_manifest(p.layout, stem), *outputs],
                "clean": [(pipeline.remove_listed, [core_manifest(p.layout, stem), p.layout.build / "cores"])],
            }

    def verify_deps(self, p: Any, stem: str) -> list[str]:
        shared = [os.path.join(str(p.layout.root), "cores", "atomik_tb", f) for f in TB_FILES]
        return [str(core_manifest(p.layout, stem)), *shared]

    def verify_schema(self, ctx: VerifyContext) -> Counts:
        ident = read_json(ctx.layout.ident(ctx.stem))
        n = names(ident)
        core_dir = ctx.layout.build / "cores" / n["key"]
        rtl = str(core_dir / "rtl" / f"atomik_{n['key']}.v")
        tb = str(core_dir / "tb" / f"tb_atomik_{n['key']}.v")
        shared = [str(ctx.layout.root / "cores" / "atomik_tb" / f) for f in TB_FILES]
        for tool in ("verilator", "iverilog", "vvp", "make"):  # Edalize's build runner is make
            ctx.tool(tool)
        lint = {
            "name": f"atomik_{n['key']}",
            "toplevel": f"atomik_{n['key']}",
            "files": [{"name": rtl, "file_type": "verilogSource"}],
            "flow_options": {"tool": "verilator", "verilator_options": ["-Wall"]},
        }
        run_flow(ctx, "lint", lint, ctx.work / "lint")
        sim = {
            "name": f"tb_atomik_{n['key']}",
            "toplevel": f"tb_atomik_{n['key']}",
            "files": [{"name": f, "file_type": "verilogSource"} for f in (*shared, rtl, tb)],
            "parameters": {
                "VECTORS": {"datatype": "str", "paramtype": "plusarg", "default": "vectors.hex"},
            },
            "flow_options": {"tool": "icarus"},
        }
        work = ctx.work / "sim"
        work.mkdir(parents=True, exist_ok=True)
        write_if_changed(work / "vectors.hex", (core_dir / "vectors.hex").read_bytes())
        out = run_flow(ctx, "sim", sim, work)
        return Counts(1, 1, 0) + vector_counts(out)  # the lint, then the simulation

    def symbol(self, ctx, op, field):
        # Operations are strobes shared by all fields (op_*); each field has its own outputs.
        if op == "reconstruct":
            return f"{field['name']}_state"
        if op == "is_accumulator_zero":
            return f"{field['name']}_acc_zero"
        return f"op_{op}" if op in ("load", "accumulate", "rollback") else op


TARGET = VerilogTarget()


def core_manifest(layout: Layout, stem: str) -> Path:
    return layout.manifest("cores", stem)


def core_files(layout: Layout, n: dict[str, str]) -> list[Path]:
    root = layout.build / "cores" / n["key"]
    return [
        root / f"atomik_{n['key']}.core",
        root / "rtl" / f"atomik_{n['key']}.v",
        root / "tb" / f"tb_atomik_{n['key']}.v",
        root / "vectors.hex",
    ]


def write_core(layout: Layout, stem: str) -> None:
    """Copy one schema's RTL, testbench, core file and hex vectors into build/cores/<key>/.

    A core that points outside its own folder is deprecated in FuseSoC, so the folder holds copies.
    """
    n = names(read_json(layout.ident(stem)))
    sdk = layout.sdk("verilog")
    core, rtl, tb, vec = core_files(layout, n)
    write_if_changed(core, (sdk / core.name).read_bytes())
    write_if_changed(rtl, (sdk / "rtl" / rtl.name).read_bytes())
    write_if_changed(tb, (sdk / "tb" / tb.name).read_bytes())
    write_if_changed(vec, (layout.build / "vectors" / f"{stem}.hex").read_bytes())
    base = layout.build / "cores"
    write_json(core_manifest(layout, stem), {str(p.relative_to(base)): sha256_file(p) for p in (core, rtl, tb, vec)})
