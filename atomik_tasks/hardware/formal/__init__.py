"""prove:<schema>: the generated module meets the algebra of `atomik-tasks docs semantics` for every input, not
only for the vectors. A harness (templates/harness.v.j2) wraps the module with free inputs and a reference model
of its own; yosys writes it as an AIGER model and yosys-abc's PDR proves its assertions for every input sequence.
The instance proved and why it stands for the schema's module: `atomik-tasks docs formal`."""

from __future__ import annotations

from ...tools import Tool

YOSYS = Tool("yosys", "yosys", "write the formal harness as an AIGER model")
ABC = Tool("yosys-abc", "yosys", "prove the generated RTL (PDR, an unbounded model check)")
IVERILOG = Tool("iverilog", "iverilog", "replay a proof's counterexample")
VVP = Tool("vvp", "iverilog", "replay a proof's counterexample")

#: What prove:<schema> runs.
TOOLS = (YOSYS, ABC, IVERILOG, VVP)
