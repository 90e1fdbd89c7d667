"""Hypothesis strategies for valid ATOMiK schemas (shared by the property test and bench/fuzz.py)."""

from __future__ import annotations

from hypothesis import strategies as st

WIDTHS = [8, 16, 32, 64, 128, 256]
# Names the generators use themselves (constants, methods, registers, keywords): a field may be called any of
# them, and each either builds in every language or is rejected by validation with the reason.
VOCABULARY = """count limbs history history_depth history_count version widths width defaults default field_names
names description new init load reset state acc initial index field_index check set_initial xor_in of rollback
accumulate reconstruct is_accumulator_zero zero error result value delta obj clk rst rst_n sel busy op data key max
mask fields depth ptr cnt size hist valid ready out value_in op_load acc_zero hist_count field limbs_of fmt to_string
equals hash clone debug display main test tests module exports require constructor prototype length bigint number
string object array class def type int for wire reg fn let var function return self this end begin input output
auto char""".split()
FIELD_NAME = st.one_of(
    st.from_regex(r"[a-z][a-z0-9]{0,6}(_[a-z0-9]{1,4})?", fullmatch=True), st.sampled_from(VOCABULARY)
)
IDENT = st.from_regex(r"[A-Z][a-z]{2,8}[0-9]?", fullmatch=True)


@st.composite
def schemas(draw, index: int = 0) -> dict:
    hardware = draw(st.booleans())
    names = draw(st.lists(FIELD_NAME, min_size=1, max_size=8, unique_by=lambda n: n.replace("_", "")))
    if hardware:
        widths = [draw(st.sampled_from(WIDTHS))] * len(names)
    else:
        widths = [draw(st.sampled_from(WIDTHS)) for _ in names]
    fields = {}
    for name, width in zip(names, widths, strict=True):
        spec = {"type": draw(st.sampled_from(["delta_stream", "bitmask_delta", "parameter_delta"])), "width": width}
        if draw(st.booleans()):
            spec["default_value"] = draw(st.integers(0, 2**width - 1))
        fields[name] = spec
    ops: dict = {"accumulate": {"enabled": True}}
    if draw(st.booleans()):
        ops["reconstruct"] = {"enabled": draw(st.booleans())}
    if draw(st.booleans()):
        ops["rollback"] = {"enabled": True, "history_depth": draw(st.sampled_from([1, 2, 3, 7, 16, 100]))}
    doc = {
        "catalogue": {
            "vertical": draw(st.sampled_from(["Video", "Edge", "Network", "Finance", "Science", "Compute"])),
            "field": draw(IDENT),
            "object": draw(IDENT) + f"X{index}",
            "version": "1.0.0",
            "author": "hypothesis",
            "license": "MIT",
            "description": "Random schema.",
        },
        "schema": {"delta_fields": fields, "operations": ops},
    }
    if hardware:
        doc["hardware"] = {"target_device": "GW1NR-9", "rtl_params": {"DATA_WIDTH": widths[0]}}
    return doc
