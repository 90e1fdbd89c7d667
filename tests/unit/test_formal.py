"""The parts of prove:<schema> that need no prover: which instance is proved, and how a counterexample becomes
regression vectors that every SDK replays. The expected values are worked out by hand from docs/formal.md and
docs/vectors.md."""

from __future__ import annotations

import json
from pathlib import Path

from atomik_tasks.hardware.formal.harness import instance_depth, lanes
from atomik_tasks.hardware.formal.prove import keep_regression
from atomik_tasks.layout import Layout
from atomik_tasks.reference.vectors import read_regressions, to_text, write_vectors

VIEW = {
    "fields": [{"name": "a", "width": 8, "default": 0}, {"name": "b", "width": 8, "default": 0x81}],
    "reconstruct": True,
    "history_depth": 4,
}


def test_the_history_is_proved_at_its_own_depth_up_to_three_then_on_the_same_branch_of_the_template():
    # 1, 2, 3 as generated; a deeper power of two wraps by overflow (as 2 does); any other deeper depth by a
    # compare with the last index (as 3 does)
    cases = {0: 0, 1: 1, 2: 2, 3: 3, 4: 2, 5: 3, 6: 3, 64: 2, 100: 3, 512: 2, 4096: 2, 65536: 2, 65535: 3}
    assert {d: instance_depth(d) for d in cases} == cases


def test_two_lanes_carry_both_bit_values_of_a_default_and_a_wide_field_keeps_two_parts():
    view = {
        "fields": [
            {"name": "zero", "width": 16, "default": 0},
            {"name": "ones", "width": 16, "default": 0xFFFF},
            {"name": "mixed", "width": 64, "default": 0x8000_0000_0000_0001},
            {"name": "w24", "width": 24, "default": 4},
        ],
        "hardware": {"data_width": 64},
        "history_depth": 0,
    }
    got = {f["name"]: f for f in lanes(view)["fields"]}
    assert lanes(view)["hardware"]["data_width"] == 2
    assert [got[n]["width"] for n in got] == [2, 2, 2, 2]
    # lane 0 carries a 0 if the default has one, lane 1 a 1 if it has one
    assert (got["zero"]["default"], got["ones"]["default"], got["mixed"]["default"], got["w24"]["default"]) == (
        0b00,
        0b11,
        0b10,
        0b10,
    )
    # 16 bits: one slice (of 32) and one zero part (of 16), kept as one of two bits
    assert (got["zero"]["slice_bits"], got["zero"]["zero_part_bits"]) == (2, 2)
    # 24 bits: one slice, two zero parts -> two parts of one bit; 64 bits: two slices and four parts -> two of each
    assert (got["w24"]["slice_bits"], got["w24"]["zero_part_bits"]) == (2, 1)
    assert (got["mixed"]["slice_bits"], got["mixed"]["zero_part_bits"]) == (1, 1)


def test_regression_scenarios_are_read_and_what_the_schema_cannot_take_ends_a_scenario():
    text = """# prove: property a_state failed at cycle 9
scenario formal_1
accumulate a ff   # a comment
rollback 2
scenario formal_2
load b 1ff
accumulate a 1
scenario formal_3
accumulate gone 1
accumulate a 2
scenario formal_4
load b 3
"""
    got = read_regressions(text, VIEW)
    assert got == [
        [("scenario", "formal_1"), ("accumulate", "a", 0xFF), ("rollback", 2)],
        [("scenario", "formal_2")],  # 0x1ff does not fit 8 bits: the rest of the scenario is dropped
        [("scenario", "formal_3")],  # a field the schema no longer has
        [("scenario", "formal_4"), ("load", "b", 3)],
    ]
    assert read_regressions("scenario x\nrollback 1\naccumulate a 1\n", {**VIEW, "history_depth": 0}) == [
        [("scenario", "x")]
    ]


def test_the_vectors_replay_the_regressions_last_with_every_field_checked(tmp_path):
    lay = Layout(tmp_path)
    Path(lay.view("_vectors", "s")).parent.mkdir(parents=True)
    Path(lay.view("_vectors", "s")).write_text(json.dumps(VIEW))
    Path(lay.regressions("s")).parent.mkdir(parents=True)
    Path(lay.regressions("s")).write_text("scenario formal_1\naccumulate a 3\naccumulate b 1\nrollback 5\n")
    write_vectors(lay, "s")
    text = Path(lay.vectors("s", "txt")).read_text()
    tail = text[text.index("scenario formal_1") :].splitlines()
    # the reference model's results, by hand: b starts at 0x81; a rollback of 5 undoes the 2 events there are
    assert tail == [
        "scenario formal_1",
        "reconstruct a 0",
        "zero a 1",
        "reconstruct b 81",
        "zero b 1",
        "accumulate a 3",
        "reconstruct a 3",
        "zero a 0",
        "reconstruct b 81",
        "zero b 1",
        "accumulate b 1",
        "reconstruct a 3",
        "zero a 0",
        "reconstruct b 80",
        "zero b 0",
        "rollback 5 2",
        "reconstruct a 0",
        "zero a 1",
        "reconstruct b 81",
        "zero b 1",
    ]
    assert to_text([("scenario", "x")]).endswith("scenario x\n")


def test_a_counterexample_is_kept_once_with_its_reset_scenario(tmp_path):
    lay = Layout(tmp_path)
    report = {
        "proof": "counterexample",
        "property": "a_acc_zero",
        "cycle": 7,
        "regression": [["accumulate a 1"], []],  # what a reset carried over, then the scenario after it
    }
    assert keep_regression(lay, "s", report) is True
    assert keep_regression(lay, "s", report) is False  # the same operations: not twice
    other = {**report, "property": "b_state", "regression": [["load b 2", "rollback 1"]]}
    assert keep_regression(lay, "s", other) is True
    assert keep_regression(lay, "s", {"proof": "proved"}) is False
    assert Path(lay.regressions("s")).read_text() == (
        "# prove: property a_acc_zero failed at cycle 7\n"
        "scenario formal_1\n"
        "accumulate a 1\n"
        "scenario formal_1_reset\n"
        "# prove: property b_state failed at cycle 7\n"
        "scenario formal_2\n"
        "load b 2\n"
        "rollback 1\n"
    )
