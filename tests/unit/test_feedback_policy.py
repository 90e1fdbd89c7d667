"""The seed sweep's decisions (when another place-and-route run is worth it) and the JSON text edits the repairs
are made of. The runs themselves are in tests/e2e/test_feedback.py, with the real nextpnr."""

from __future__ import annotations

import json

from atomik_tasks.config import Section
from atomik_tasks.feedback import jsontext, learned
from atomik_tasks.feedback.timing import SeedSweep
from atomik_tasks.hardware import boards
from atomik_tasks.hardware.synth import Attempt
from atomik_tasks.layout import Layout
from atomik_tasks.schema.source import parse_text

FB = Section({"timing_attempts": 3, "timing_reach_pct": 15, "max_rounds": 3, "retry_transient": True})
BOARD = boards.get("tangnano9k")


def sweep(tmp_path) -> SeedSweep:
    return SeedSweep(Layout(tmp_path), "synth:x", FB)


def run(fmax: float, options=()) -> Attempt:
    return Attempt(list(options), fmax, False, 1.0)


def test_a_near_miss_tries_other_seeds_up_to_the_limit(tmp_path):
    s = sweep(tmp_path)
    assert s.first("h") is None  # nothing recorded
    assert s.next("h", [run(96.5)], 100.0, BOARD) == ["--seed", "2"]
    assert s.next("h", [run(96.5), run(97.0)], 100.0, BOARD) == ["--seed", "3"]
    assert "3 place-and-route runs" in s.next("h", [run(96.5), run(97.0), run(98.0)], 100.0, BOARD)


def test_a_target_beyond_the_device_burns_no_run(tmp_path):
    why = sweep(tmp_path).next("h", [run(84.5)], 400.0, BOARD)
    assert isinstance(why, str) and "beyond the GW1N-9C" in why and "best Fmax 84.5 MHz" in why


def test_a_target_far_above_the_fmax_reached_burns_no_run(tmp_path):
    why = sweep(tmp_path).next("h", [run(85.2)], 150.0, BOARD)
    assert isinstance(why, str) and "76 % above the Fmax reached (85.2 MHz)" in why


def test_the_recorded_winner_is_used_first_and_alone(tmp_path):
    layout = Layout(tmp_path)
    learned.record_timing(layout, "h", {"options": ["--seed", "3"], "fmax_mhz": 101.2, "met": True})
    s = sweep(tmp_path)
    assert s.first("h") == ["--seed", "3"] and s.first("other") is None
    learned.record_timing(layout, "d", {"options": [], "fmax_mhz": 99.0, "met": False})
    assert s.first("d") == []  # nextpnr's defaults won: recorded too, no sweep next time
    s.first("h")
    assert "the recorded settings reached 101.2 MHz before; no other run" in s.next("h", [run(99.0)], 100.0, BOARD)


def test_the_winner_is_recorded_with_every_run_counted(tmp_path):
    layout = Layout(tmp_path)
    s = sweep(tmp_path)
    s.first("h")
    runs = [run(96.0), run(99.0, ["--seed", "2"]), Attempt(["--seed", "3"], 100.4, True, 1.0)]
    s.done("h", runs, runs[2], 100.0)
    data = learned.read(layout)
    assert data["timing"]["h"]["options"] == ["--seed", "3"] and data["timing"]["h"]["runs"] == 3
    assert data["counts"]["synth.timing"] == {"success": 1, "failure": 0}
    tried = json.loads(open(layout.attempts("synth:x")).read())
    assert [t["outcome"] for t in tried] == ["failed", "failed", "fixed"] and all(t["tokens"] == 0 for t in tried)


def test_lenient_json_keeps_comment_marks_inside_strings():
    text = '{\n  "a": "http://x/*y*/", // note\n  "b": [1, 2,],\n}\n'
    out = jsontext.strip_lenient(text)
    assert json.loads(out) == {"a": "http://x/*y*/", "b": [1, 2]}
    assert out.count("\n") == text.count("\n")


def test_inserting_a_key_follows_the_objects_layout():
    compact = parse_text('{"r": {"enabled": true}}', "t")
    assert jsontext.insert_key(compact, ("r",), "history_depth", 64) == '{"r": {"enabled": true, "history_depth": 64}}'
    spread = parse_text('{\n    "r": {\n        "enabled": true\n    }\n}\n', "t")
    assert (
        jsontext.insert_key(spread, ("r",), "d", 1)
        == '{\n    "r": {\n        "enabled": true,\n        "d": 1\n    }\n}\n'
    )
    empty = parse_text('{"r": {}}', "t")
    assert json.loads(jsontext.insert_key(empty, ("r",), "d", 1)) == {"r": {"d": 1}}
