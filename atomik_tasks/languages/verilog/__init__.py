"""Verilog RTL: one module per schema, atomik_<vertical>_<field>_<object>, honouring DATA_WIDTH."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from ...errors import CheckFailed
from ...fsio import read_json, write_if_changed
from ...layout import Layout
from ...tools import Tool
from .. import escape
from ..base import Language, grouped, names
from ..check import CheckContext, Consumer, Counts, vector_counts
from . import cores as fusesoc_cores
from .cores import core_files, tb_files

VERILATOR = Tool("verilator", "verilator", "lint the Verilog RTL")
IVERILOG = Tool("iverilog", "iverilog", "simulate the Verilog RTL")
VVP = Tool("vvp", "iverilog", "run Icarus simulations")
FUSESOC = Tool("fusesoc", "", "run a user's core that generates its module from a schema", pip="fusesoc")

# Edalize flow options, written once: the generated FuseSoC cores, verify:verilog and the board simulation
# all use these.
LINT_FLOW = {"tool": "verilator", "verilator_options": ["-Wall"]}
SIM_FLOW = {"tool": "icarus"}
#: The field registers are written in slices of SLICE_BITS, each with its own copy of the enables, and the zero
#: flag is tested in parts of ZERO_PART_BITS, one register each (module.v.j2). A field may carry its own
#: "slice_bits" / "zero_part_bits": the formal proof's instance does, to keep a wide field's several parts in two
#: lanes (`atomik-tasks docs formal`).
SLICE_BITS = 32
ZERO_PART_BITS = 16
VECTORS_PARAMETER = {"VECTORS": {"datatype": "str", "paramtype": "plusarg", "default": "vectors.hex"}}

RESERVED = frozenset(
    """always and assign automatic begin buf bufif0 bufif1 case casex casez cell cmos config deassign default
    defparam design disable edge else end endcase endconfig endfunction endgenerate endmodule endprimitive
    endspecify endtable endtask event for force forever fork function generate genvar highz0 highz1 if
    ifnone incdir include initial inout input instance integer join large liblist library localparam
    macromodule medium module nand negedge nmos nor noshowcancelled not notif0 notif1 or output parameter
    pmos posedge primitive pull0 pull1 pulldown pullup pulsestyle_onevent pulsestyle_ondetect rcmos real
    realtime reg release repeat rnmos rpmos rtran rtranif0 rtranif1 scalared showcancelled signed small
    specify specparam strong0 strong1 supply0 supply1 table task time tran tranif0 tranif1 tri tri0 tri1
    triand trior trireg unsigned use uwire vectored wait wand weak0 weak1 while wire wor xnor xor logic
    bit byte int shortint longint""".split()
)


def verilog_str(text: str) -> str:
    return escape.octal_bytes_str(text, "")


def _parts(width: int, step: int) -> list[tuple[int, int]]:
    """(lo, hi) of each part of a width-bit register cut every step bits, the last part the remainder."""
    return [(lo, min(width, lo + step) - 1) for lo in range(0, width, step)]


def lint_edam(name: str, files: list[str]) -> dict:
    """Verilator lint of `name` over files."""
    return {
        "name": name,
        "toplevel": name,
        "files": [{"name": f, "file_type": "verilogSource"} for f in files],
        "flow_options": LINT_FLOW,
    }


def sim_edam(name: str, files: list[str]) -> dict:
    """Icarus simulation of testbench `name`, reading its vectors from vectors.hex in the work root."""
    return {**lint_edam(name, files), "parameters": VECTORS_PARAMETER, "flow_options": SIM_FLOW}


class Verilog(Language):
    name = "verilog"
    role = "hdl"  # the hardware stage builds the board design, its simulation and synthesis from this module
    partition = {"slice_bits": SLICE_BITS, "zero_part_bits": ZERO_PART_BITS}  # noqa: RUF012 (read-only)
    sim_tools = (IVERILOG, VVP, VERILATOR)  # what a board design's lint and simulation run
    cores = fusesoc_cores  # the FuseSoC cores of every schema and the shared ones (core:<schema>)
    reserved = RESERVED
    tools = (VERILATOR, IVERILOG, VVP)
    reads_hardware = True
    reads_authorship = False  # the module is hardware: a comment must not re-run synthesis
    package_check = False  # each module is linted and simulated on its own
    consume_tools = (FUSESOC,)
    consumer_templates = ("consumer.core", "consumer_tb.v")

    def lint_edam(self, name: str, files: list[str]) -> dict:
        return lint_edam(name, files)

    def sim_edam(self, name: str, files: list[str]) -> dict:
        return sim_edam(name, files)

    def testbench_files(self, layout: Layout) -> list[str]:
        return tb_files(layout)

    def module_path(self, key: str) -> str:
        return f"rtl/atomik_{key}.v"

    def comment_lines(self, text):
        return escape.comment_lines(text, ascii_only=True)

    def filters(self):
        return {"vstr": verilog_str, "tojson": lambda v: json.dumps(v, sort_keys=True)}

    def tests(self):
        return {"power_of_two": lambda n: n > 0 and n & (n - 1) == 0}

    def context(self, view):
        ctx = super().context(view)
        n = len(ctx["fields"])
        depth = ctx["history_depth"]
        ctx["sel_w"] = max(1, (n - 1).bit_length())
        ctx["ptr_w"] = max(1, (depth - 1).bit_length())
        ctx["cnt_w"] = max(1, depth.bit_length())
        ctx["data_width"] = ctx["hardware"]["data_width"]
        for f in ctx["fields"]:
            f["slices"] = [
                {"hi": hi, "lo": lo, "default": (f["default"] >> lo) & ((1 << (hi - lo + 1)) - 1)}
                for lo, hi in _parts(f["width"], f.get("slice_bits", SLICE_BITS))
            ]
            f["zero_parts"] = [
                {"hi": hi, "lo": lo} for lo, hi in _parts(f["width"], f.get("zero_part_bits", ZERO_PART_BITS))
            ]
        ctx["lint_flow"] = LINT_FLOW
        ctx["sim_flow"] = SIM_FLOW
        return ctx

    def schema_outputs(self, names):
        return {
            self.module_path(names["key"]): "module.v.j2",
            f"tb/tb_atomik_{names['key']}.v": "tb.v.j2",
            f"atomik_{names['key']}.core": "core.j2",
        }

    def package_outputs(self, idents):
        return {"rtl/files.f": ("files.f.j2", {"groups": grouped(idents)})}

    def verify_deps(self, layout: Layout, stem: str) -> list[str]:
        return [layout.manifest("cores", stem), *tb_files(layout)]

    def verify_schema(self, ctx: CheckContext) -> Counts:
        """Verilator lint of the module, then the self-checking Icarus testbench over the shared vectors."""
        layout = ctx.layout
        key = names(read_json(Path(layout.model(ctx.stem, "ident"))))["key"]
        _core, rtl, tb, vectors = (str(p) for p in core_files(layout, key))
        shared = tb_files(layout)
        for tool in self.tools:
            ctx.tool(tool)
        ctx.run_flow("lint", lint_edam(f"atomik_{key}", [rtl]), ctx.work / "lint")
        work = ctx.work / "sim"
        work.mkdir(parents=True, exist_ok=True)
        write_if_changed(work / "vectors.hex", Path(vectors).read_bytes())
        out = ctx.run_flow("sim", sim_edam(f"tb_atomik_{key}", [*shared, rtl, tb]), work)
        return Counts(1, 1, 0) + vector_counts(out)  # the lint, then the simulation

    def consume(self, ctx: CheckContext, consumer: Consumer) -> Counts:
        """A user's core beside the shared cores: `fusesoc run` calls the atomik generator on its schema
        (validated and rendered by this package, as python3 on PATH runs it) and simulates the result."""
        schemas = consumer.project / "schemas"
        schemas.mkdir()
        shutil.copy2(consumer.schema, schemas / consumer.schema.name)
        for tool in (IVERILOG, VVP, FUSESOC):
            ctx.tool(tool)
        # the generator's python3 must be this one (it imports atomik_tasks): the venv's bin/ goes first
        path = os.pathsep.join([os.path.dirname(sys.executable), ctx.env()["PATH"]])
        fusesoc = [sys.executable, "-m", "fusesoc.main", "--cores-root", ctx.layout.cores_dir]
        fusesoc += ["--cores-root", str(consumer.project)]
        build = ["run", "--build-root", str(consumer.scratch / "fusesoc"), "--target", "sim"]
        env = ctx.env(PATH=path, XDG_CACHE_HOME=str(consumer.scratch / "cache"))
        out = ctx.run([*fusesoc, *build, "user:demo:atomik_consumer"], consumer.project, env=env)
        if "consumer: " not in out or " ok" not in out:
            raise CheckFailed(f"the consumer testbench did not report: {excerpt_of(out)}")
        return Counts(2, 2, 0)  # the generator ran inside fusesoc; the testbench passed

    def symbol(self, ctx, op, field):
        # Operations are strobes shared by all fields (op_*); each field has its own outputs.
        if op == "reconstruct":
            return f"{field['name']}_state"
        if op == "is_accumulator_zero":
            return f"{field['name']}_acc_zero"
        return f"op_{op}" if op in ("load", "accumulate", "rollback") else op


LANGUAGE = Verilog()


def excerpt_of(out: str) -> str:
    return " ".join(out.strip().splitlines()[-3:])[:300]
