"""prove:<schema>: yosys writes the harness (harness.py) as an AIGER model, yosys-abc's PDR proves every
assertion for every input sequence (an unbounded proof) or returns a counterexample. A counterexample is replayed
in Icarus through the same harness: a VCD of every signal, the first property that fails, and the operations the
module accepted, written as a scenario of regressions/<schema>.txt so every SDK replays it from the next run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...checks.runner import Context, run_check
from ...errors import CheckFailed, Counterexample
from ...fsio import read_json, write_atomic, write_if_changed
from ...languages import hdl
from ...languages.check import Counts
from ...layout import Layout
from . import ABC, IVERILOG, VVP, YOSYS
from .harness import LANES, Instance, instance

# The model both the prover and the replay read: the harness flattened, the history's memory as registers; the
# property and operation wires kept for the replay to print.
PREPARE = (
    "read_verilog -formal module.v harness.v; prep -top {top}; setattr -set keep 1 w:prop_* w:do_* w:ref_idle;"
    " flatten; memory_map; opt -fast; async2sync"
)
# -zinit: a register with no initial value starts from a free input of the first frame (any power-up state: the
# harness only assumes a reset in the first cycle); the map names those inputs (`init` lines).
SCRIPT = PREPARE + (
    "; setundef -anyseq; opt -keepdc -fast; techmap; dffunmap; abc -g AND -fast; opt_clean;"
    " write_aiger -I -B -zinit -map model.aim model.aig"
)
# `version` first: the report names the ABC that gave the verdict (it has no --version of its own).
PDR = "version; read_aiger model.aig; fold; strash; pdr; write_cex -a cex.aiw"
# The same model for Icarus: the replay sets each register the witness gives a power-up value, so it sees what
# the prover saw.
SIM_MODEL = PREPARE + "; chformal -remove; opt_clean; write_verilog -noattr sim_model.v"
TRACE = "trace.vcd"  # a counterexample's waveform, in the proof's work folder
INPUTS = ("rst_n", "field_sel", "op_load", "op_accumulate", "data_in", "op_rollback", "rollback_n")


def prove(layout: Layout, stem: str, timeout_s: int = 1800) -> bool:
    def check(ctx: Context) -> Counts:
        view = read_json(Path(layout.view(hdl().name, stem)))
        inst = instance(layout, view)
        work = ctx.work
        write_if_changed(work / "module.v", inst.module)
        write_if_changed(work / "harness.v", inst.harness)
        ctx.run([ctx.tool(YOSYS), "-q", "-p", SCRIPT.format(top=inst.top)], cwd=work)
        (work / "cex.aiw").unlink(missing_ok=True)
        out = ctx.run([ctx.tool(ABC), "-c", PDR], cwd=work, timeout=timeout_s)
        abc = re.search(r"ABC \d[\w.]*", out)
        ctx.extra.update(
            method="pdr",
            unbounded=True,
            solver=f"{abc.group(0) if abc else 'ABC'} (yosys-abc), pdr",
            instance={"history_depth": inst.depth, "schema_history_depth": inst.schema_depth, "lanes": LANES},
            properties=list(inst.properties),
        )
        if "Property proved" in out:
            frames = re.findall(r"Invariant F\[(\d+)\]", out)
            ctx.extra.update(proof="proved", depth=int(frames[-1]) if frames else None)
            ctx.extra["properties_proved"] = list(inst.properties)
            return Counts(len(inst.properties), len(inst.properties), 0)
        frame = re.search(r"asserted in frame (\d+)", out)
        if not frame:
            raise CheckFailed(f"yosys-abc gave no verdict:\n{out.strip()[-500:]}")
        ctx.extra.update(depth=int(frame.group(1)), properties_proved=[])
        fields = [f["name"] for f in view["fields"]]
        raise Counterexample(_counterexample(ctx, layout, stem, inst, fields, int(frame.group(1))))

    return run_check(layout, f"prove:{stem}", hdl().name, stem, check, layout.report("prove", stem), "prove")


@dataclass
class Witness:
    """ABC's counterexample (cex.aiw) named by yosys' map (model.aim): the power-up value of each register bit
    that has no initial value, and each cycle's inputs."""

    power_up: dict[tuple[str, int], int]
    frames: list[dict[str, int]]


def _witness(work: Path) -> Witness:
    inputs: dict[int, tuple[str, int]] = {}
    inits: dict[int, list[tuple[str, int]]] = {}
    for line in (work / "model.aim").read_text().splitlines():
        parts = line.split()
        if parts[:1] == ["input"] and len(parts) == 4:
            inputs[int(parts[1])] = (parts[3], int(parts[2]))
        elif parts[:1] == ["init"] and len(parts) == 4:  # one input, every name the register bit has
            inits.setdefault(int(parts[1]), []).append((parts[3], int(parts[2])))
    text = (work / "cex.aiw").read_text()
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]
    frames = []
    for line in lines[1:]:  # the first line holds the latches' initial values (all 0 with -zinit)
        if not set(line) <= {"0", "1"}:
            break
        values: dict[str, int] = {}
        for index, (name, bit) in inputs.items():
            if index < len(line) and line[index] == "1":
                values[name] = values.get(name, 0) | (1 << bit)
        frames.append(values)
    first = lines[1] if len(lines) > 1 else ""
    power_up = {
        named: int(first[index] == "1") for index, names in inits.items() if index < len(first) for named in names
    }
    return Witness(power_up, frames)


def _registers(netlist: str) -> dict[str, int]:
    """The registers a yosys netlist declares (escaped names without their backslash) and their widths."""
    found = re.findall(r"^\s*reg\s+(?:\[(\d+):(\d+)\]\s*)?\\?(\S+?)\s*[;=]", netlist, re.M)
    return {name: abs(int(hi or 0) - int(lo or 0)) + 1 for hi, lo, name in found}


def _replay_bench(inst: Instance, witness: Witness, registers: dict[str, int], vcd: str, quiet: bool = False) -> str:
    """An Icarus testbench that drives the harness with the witness, dumps every signal and prints, per cycle,
    the operations the reference accepted or ignored (the module busy) and the properties that do not hold.
    quiet: no operation is raised while the reference is busy (the witness' own are dropped)."""
    rollback = inst.depth > 0
    used = [p for p in INPUTS if rollback or p not in ("op_rollback", "rollback_n")]
    lines = ["`timescale 1ns / 1ps", "module replay;", "    reg clk = 1'b0;"]
    lines += [f"    reg [31:0] {p} = 0;" for p in used]
    conn = ", ".join(f".{p}({p})" for p in used)
    lines.append(f"    {inst.top} h (.clk(clk), {conn});")
    props = " ".join(f'if (!h.prop_{p}) $display("property {p} fails at cycle %0d", cycle);' for p in inst.properties)
    ops = ['$display("cycle %0d rst_n %0d", cycle, rst_n);']
    ops.append('if (h.do_load) $display("op load %0d %0h", field_sel, data_in);')
    ops.append('if (h.do_accumulate) $display("op accumulate %0d %0h", field_sel, data_in);')
    if rollback:
        ops.append('if (h.do_rollback) $display("op rollback %0d", rollback_n);')
        busy = "rst_n && !h.ref_idle"
        ops.append(f'if ({busy} && op_load) $display("busy load %0d %0h", field_sel, data_in);')
        ops.append(f'if ({busy} && !op_load && op_accumulate) $display("busy accumulate %0d %0h", field_sel, data_in);')
        ops.append(
            f'if ({busy} && !op_load && !op_accumulate && op_rollback) $display("busy rollback %0d", rollback_n);'
        )
    lines += ["    integer cycle;", "    initial begin"]
    power_up: dict[str, int] = {}
    for (name, bit), value in witness.power_up.items():
        if name in registers:  # a register's other names are wires of the netlist
            power_up[name] = power_up.get(name, 0) | (value << bit)
    lines += [f"        h.\\{name} = {registers[name]}'d{value};" for name, value in sorted(power_up.items())]
    lines += [f'        $dumpfile("{vcd}");', "        $dumpvars(0, replay);"]
    strobes = ("op_load", "op_accumulate", "op_rollback") if quiet and rollback else ()
    for t, values in enumerate(witness.frames):
        lines.append(f"        cycle = {t};")
        lines += [f"        {p} = {values.get(p, 0)};" for p in used if p not in strobes]
        lines += [f"        {p} = h.ref_idle ? {values.get(p, 0)} : 0;" for p in strobes]
        lines.append(f"        #1; {' '.join(ops)} {props}")
        lines.append("        clk = 1'b1; #1; clk = 1'b0;")
    lines += ["        $finish;", "    end", "endmodule", ""]
    return "\n".join(lines)


def _counterexample(ctx: Context, layout: Layout, stem: str, inst: Instance, fields: list[str], frame: int) -> str:
    """Replay the witness; write the regression scenario; the one block that says what failed, where and how."""
    work = ctx.work
    ctx.run([ctx.tool(YOSYS), "-q", "-p", SIM_MODEL.format(top=inst.top)], cwd=work)
    registers, witness = _registers((work / "sim_model.v").read_text()), _witness(work)
    out = _replay(ctx, _replay_bench(inst, witness, registers, TRACE))
    if _ignored(_events(out, fields, _failing(out, frame)[1])):
        # the solver often raises operations while busy that play no part: without them, does it still fail?
        quiet = _replay(ctx, _replay_bench(inst, witness, registers, "trace_quiet.vcd", quiet=True))
        if "fails at cycle" in quiet:
            out = quiet
            (work / "trace_quiet.vcd").replace(work / TRACE)
    prop, cycle = _failing(out, frame)
    events = _events(out, fields, cycle)
    scenarios = _scenarios(events)
    trace = layout.display(work / TRACE)
    ctx.extra.update(proof="counterexample", property=prop, cycle=cycle, trace=trace, regression=scenarios)
    added = keep_regression(layout, stem, ctx.extra)
    block = "\n".join(f"    {line}" for line in _scenario_lines(scenarios, "formal"))
    ignored = _ignored(events)
    if ignored:  # the failure needs them: timing that no vector (one operation after another) can say
        ctx.extra["ignored_while_busy"] = ignored
        block += (
            "\n  with operations raised while busy, which the module must ignore: a vector cannot say this, so the"
            " scenario alone may pass; the proof keeps catching it:\n"
        )
        block += "\n".join(f"    {op}" for op in ignored)
    where = layout.display(layout.regressions(stem))
    return (
        f"property {prop} does not hold at cycle {cycle} (pdr; history depth {inst.depth}, {LANES} bits per field)\n"
        f"  counterexample: {trace}\n"
        f"  as a test vector ({'added to' if added else 'already in'} {where}; every SDK replays it from the next"
        f" `doit`):\n{block}"
    )


def _replay(ctx: Context, bench: str) -> str:
    work = ctx.work
    write_if_changed(work / "replay.v", bench)
    ctx.run([ctx.tool(IVERILOG), "-g2012", "-o", "replay.vvp", "replay.v", "sim_model.v"], cwd=work)
    return ctx.run([ctx.tool(VVP), "-n", "replay.vvp"], cwd=work)


def _failing(out: str, frame: int) -> tuple[str, int]:
    """The first property the replay saw fail, and its cycle (ABC's frame when the replay saw none)."""
    failing = re.search(r"property (\S+) fails at cycle (\d+)", out)
    return (failing.group(1), int(failing.group(2))) if failing else ("(not found in the replay)", frame)


def _events(out: str, fields: list[str], failed: int) -> list[tuple[int, str, str]]:
    """The replay's lines before the failing cycle as (cycle, what, operation): what is "reset", "op" (the
    reference took it) or "busy" (raised while busy: ignored); the operation in the regressions format."""
    events, cycle = [], 0
    for line in out.splitlines():
        parts = line.split()
        if parts[:1] == ["cycle"]:
            cycle = int(parts[1])
            if cycle >= failed:  # the failing cycle's own inputs reach no register before it is judged
                break
            if parts[3] == "0":
                events.append((cycle, "reset", ""))
        elif parts[:1] in (["op"], ["busy"]) and parts[1] in ("load", "accumulate"):
            events.append((cycle, parts[0], f"{parts[1]} {fields[int(parts[2])]} {int(parts[3], 16):x}"))
        elif parts[:1] in (["op"], ["busy"]):
            events.append((cycle, parts[0], f"rollback {int(parts[2])}"))
    return events


def _scenarios(events: list[tuple[int, str, str]]) -> list[list[str]]:
    """The operations the reference took, one scenario per reset (a scenario of the vectors starts with a
    reset): the last two, so that a reset that forgets to clear something shows."""
    scenarios: list[list[str]] = [[]]
    for _cycle, what, op in events:
        if what == "reset" and scenarios[-1]:
            scenarios.append([])  # a reset after operations: the next scenario starts here
        elif what == "op":
            scenarios[-1].append(op)
    return scenarios[-2:]


def _ignored(events: list[tuple[int, str, str]]) -> list[str]:
    """The operations raised while the module was busy (which it must ignore)."""
    return [f"{op} at cycle {cycle}" for cycle, what, op in events if what == "busy"]


def _scenario_lines(scenarios: list[list[str]], name: str) -> list[str]:
    lines: list[str] = []
    for i, ops in enumerate(scenarios):
        lines += [f"scenario {name}{'_reset' * i}", *ops]
    return lines


def keep_regression(layout: Layout, stem: str, report: dict[str, Any]) -> bool:
    """Append a counterexample's scenarios (report["regression"]) to the project's regressions/<stem>.txt,
    unless the file holds the same operations already; True when added. Called where the proof ran, and again
    by the cluster client, whose worker wrote its copy in a folder of its own."""
    scenarios = report.get("regression")
    if report.get("proof") != "counterexample" or not isinstance(scenarios, list):
        return False
    path = Path(layout.regressions(stem))
    old = path.read_text("utf-8") if path.exists() else ""
    if _unnamed(_scenario_lines(scenarios, "")) in _unnamed(old.splitlines()):
        return False
    n = sum(line.startswith("# prove:") for line in old.splitlines()) + 1
    header = f"# prove: property {report.get('property')} failed at cycle {report.get('cycle')}"
    text = "".join(f"{line}\n" for line in [header, *_scenario_lines(scenarios, f"formal_{n}")])
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, old + text)
    return True


def _unnamed(lines: list[str]) -> str:
    """Lines with scenario names and comments dropped, one string: the same operations compare equal."""
    kept = [("scenario" if line.startswith("scenario") else line) for line in lines if not line.startswith("#")]
    return "\n" + "\n".join(kept) + "\n"
