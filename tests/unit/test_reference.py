"""The XOR laws of docs/semantics.md, on the reference model, by property-based testing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atomik_tasks.reference.semantics import ReferenceObject, SemanticsError

WIDTHS = [8, 16, 32, 64, 128, 256]


def model(widths, depth=0, reconstruct=True, defaults=None):
    return {
        "fields": [{"name": f"f{i}", "width": w, "default": (defaults or {}).get(i, 0)} for i, w in enumerate(widths)],
        "operations": {
            "reconstruct": {"enabled": reconstruct},
            "rollback": {"enabled": depth > 0, "history_depth": depth},
        },
    }


@st.composite
def obj_and_values(draw, depth=0):
    widths = draw(st.lists(st.sampled_from(WIDTHS), min_size=1, max_size=4))
    field = draw(st.integers(0, len(widths) - 1))
    width = widths[field]
    value = st.integers(0, 2**width - 1)
    obj = ReferenceObject(model(widths, depth))
    return obj, f"f{field}", draw(value), draw(value), draw(value)


@given(obj_and_values())
def test_identity(args):
    obj, f, init, a, _ = args
    obj.load(f, init)
    obj.accumulate(f, a)
    before = obj.reconstruct(f)
    obj.accumulate(f, 0)
    assert obj.reconstruct(f) == before


@given(obj_and_values())
def test_self_inverse(args):
    obj, f, init, a, _ = args
    obj.load(f, init)
    obj.accumulate(f, a)
    obj.accumulate(f, a)
    assert obj.reconstruct(f) == init
    assert obj.is_accumulator_zero(f)


@given(obj_and_values())
def test_commutative(args):
    obj, f, init, a, b = args
    other = ReferenceObject(model([obj.widths[k] for k in obj.widths]))
    for o, (x, y) in ((obj, (a, b)), (other, (b, a))):
        o.load(f, init)
        o.accumulate(f, x)
        o.accumulate(f, y)
    assert obj.reconstruct(f) == other.reconstruct(f) == init ^ a ^ b


@given(
    widths=st.lists(st.sampled_from(WIDTHS), min_size=1, max_size=3),
    depth=st.integers(1, 8),
    data=st.data(),
)
def test_rollback_restores_earlier_state(widths, depth, data):
    obj = ReferenceObject(model(widths, depth))
    # some history before the snapshot, possibly wrapping the ring
    for _ in range(data.draw(st.integers(0, 2 * depth))):
        i = data.draw(st.integers(0, len(widths) - 1))
        obj.accumulate(f"f{i}", data.draw(st.integers(0, 2 ** widths[i] - 1)))
    snapshot = {f: obj.reconstruct(f) for f in obj.widths}
    k = data.draw(st.integers(0, depth))
    for _ in range(k):
        i = data.draw(st.integers(0, len(widths) - 1))
        obj.accumulate(f"f{i}", data.draw(st.integers(0, 2 ** widths[i] - 1)))
    assert obj.rollback(k) == k
    assert {f: obj.reconstruct(f) for f in obj.widths} == snapshot


def test_rollback_more_than_recorded_and_wraparound():
    obj = ReferenceObject(model([8], depth=3))
    for d in (1, 2, 4, 8, 16):
        obj.accumulate("f0", d)
    assert obj.history_count() == 3
    assert obj.rollback(10) == 3  # only the last three remain
    assert obj.reconstruct("f0") == 1 ^ 2  # the two forgotten deltas stay accumulated
    assert obj.rollback(1) == 0
    assert obj.rollback(0) == 0


def test_rollback_spans_fields_and_stops_at_load():
    obj = ReferenceObject(model([8, 16], depth=10))
    obj.accumulate("f0", 1)
    obj.load("f1", 500)
    obj.accumulate("f1", 3)
    obj.accumulate("f0", 4)
    assert obj.rollback(5) == 2
    assert (obj.reconstruct("f0"), obj.reconstruct("f1")) == (1, 500)


def test_defaults_and_exact_256_bit_values():
    top = 2**256 - 1
    obj = ReferenceObject(model([256], defaults={0: top}))
    assert obj.reconstruct("f0") == top
    obj.accumulate("f0", top)
    assert obj.reconstruct("f0") == 0
    assert not obj.is_accumulator_zero("f0")


@pytest.mark.parametrize("bad", [-1, 2**8, 1.0, True, "1", None])
def test_out_of_range_or_wrong_type_is_rejected_not_masked(bad):
    obj = ReferenceObject(model([8], depth=2))
    with pytest.raises(SemanticsError):
        obj.accumulate("f0", bad)
    with pytest.raises(SemanticsError):
        obj.load("f0", bad)
    assert obj.is_accumulator_zero("f0") and obj.history_count() == 0


def test_disabled_operations_and_unknown_fields_raise():
    obj = ReferenceObject(model([8], reconstruct=False))
    with pytest.raises(SemanticsError):
        obj.reconstruct("f0")
    with pytest.raises(SemanticsError):
        obj.rollback(1)
    with pytest.raises(SemanticsError):
        obj.accumulate("nope", 1)
    with pytest.raises(SemanticsError):
        ReferenceObject(model([8], depth=2)).rollback(-1)
