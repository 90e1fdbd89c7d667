"""The schema repairs and the loop's rules, on the broken-schema corpus (bench/broken/: one mistake per file,
expected.json written by hand from each mistake), through the same function `doit fix:<schema>` runs."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from projects import ROOT, make_project

from atomik_tasks.config import load
from atomik_tasks.feedback import learned
from atomik_tasks.feedback.fix import fix
from atomik_tasks.languages.normalize import check_schema, identities
from atomik_tasks.schema.diagnostics import errors

CORPUS = ROOT / "bench" / "broken"
CASES = json.loads((CORPUS / "expected.json").read_text())["cases"]


def at(doc: dict, dotted: str):
    for key in dotted.split("."):
        doc = doc[key]
    return doc


def project_with(tmp_path: Path, stem: str, others: tuple[str, ...] = (), config: str = ""):
    p = make_project(tmp_path / "p", schemas=[CORPUS / f"{stem}.json", *(CORPUS / o for o in others)], config=config)
    later = p.schema(stem).stat().st_mtime + 60  # the broken file is the newcomer beside its siblings
    os.utime(p.schema(stem), (later, later))
    return p


def run_fix(p, stem: str, apply: bool, capsys) -> tuple[bool, str]:
    ok = fix(p.layout, stem, load(p.layout).feedback, apply=apply)
    return ok, capsys.readouterr().out


def attempts(p, stem: str) -> list[dict]:
    path = Path(p.layout.attempts(f"fix:{stem}"))
    return json.loads(path.read_text()) if path.exists() else []


def valid(p, stem: str) -> bool:
    """Valid as the build judges it, the project's other schemas included (identity clashes)."""
    keys = identities(p.layout)
    clashes = [o for o, k in keys.items() if o != stem and k == keys.get(stem)]
    diags, _ = check_schema(p.schema(stem), stem, clashes)
    return not errors(diags)


def test_the_corpus_has_twenty_mistakes_or_more():
    files = {p.stem for p in CORPUS.glob("*.json")} - {"expected"}
    assert files == set(CASES) and len(files) >= 20


@pytest.mark.parametrize("stem", sorted(CASES))
def test_each_broken_schema_is_repaired_as_its_mistake_asks(tmp_path, capsys, stem):
    case = CASES[stem]
    p = project_with(tmp_path, stem, tuple(case.get("with", ())))
    before = p.schema(stem).read_bytes()
    assert not valid(p, stem), "the corpus file must hold a mistake"
    ok, out = run_fix(p, stem, True, capsys)
    tried = attempts(p, stem)
    assert tried and tried[0]["class"] == case["class"], out
    assert all(a["tokens"] == 0 for a in tried)
    if "expect" in case:
        assert ok and valid(p, stem), out
        doc = p.read_schema(stem)
        for path, value in case["expect"].items():
            assert at(doc, path) == value, (path, out)
        kept = list(Path(p.layout.feedback, "originals").glob(f"{stem}.*.json"))
        assert len(kept) == 1 and kept[0].read_bytes() == before
    else:
        assert not ok and p.schema(stem).read_bytes() == before, out
        if case.get("choices"):
            assert "choose one (nothing changed)" in out
        if case.get("unfixed"):
            assert any(a["outcome"] == "reverted" for a in tried), tried
        escalation = json.loads(Path(p.layout.escalation(f"validate:{stem}")).read_text())
        assert escalation["tokens"] == 0 and escalation["class"] != "unknown"


def test_without_apply_it_shows_a_diff_and_writes_nothing(tmp_path, capsys):
    p = project_with(tmp_path, "width-12")
    before = p.schema("width-12").read_bytes()
    ok, out = run_fix(p, "width-12", False, capsys)
    assert ok and p.schema("width-12").read_bytes() == before
    assert '-        "width": 12,' in out and '+        "width": 16,' in out
    assert '+      "DATA_WIDTH": 16' in out and "doit fix:width-12 --apply" in out
    assert not Path(p.layout.feedback, "originals").exists()
    assert [a["outcome"] for a in attempts(p, "width-12")] == ["proposed"]


def test_a_repair_changes_only_what_it_repairs(tmp_path, capsys):
    """The author's layout (compact objects, key order, a tab) survives a repair."""
    p = project_with(tmp_path, "width-12")
    text = p.schema("width-12").read_text().replace('"width": 12,', '"width":12,').replace("  ", "\t", 3)
    p.schema("width-12").write_text(text)
    run_fix(p, "width-12", True, capsys)
    after = p.schema("width-12").read_text()
    assert after == text.replace('"width":12,', '"width":16,').replace('"DATA_WIDTH": 12', '"DATA_WIDTH": 16')


def test_the_round_cap_holds(tmp_path, capsys):
    """width "12" takes two rounds (the text becomes a number, then a legal width): one round is not enough."""
    p = project_with(tmp_path, "width-string-12", config="[feedback]\nmax_rounds = 1\n")
    ok, _ = run_fix(p, "width-string-12", True, capsys)
    assert not ok and not valid(p, "width-string-12")
    assert {a["round"] for a in attempts(p, "width-string-12")} == {1}
    assert p.read_schema("width-string-12")["schema"]["delta_fields"]["price_delta"]["width"] == 12  # round 1 kept
    shutil.rmtree(tmp_path / "p")
    p = project_with(tmp_path, "width-string-12", config="[feedback]\nmax_rounds = 2\n")
    ok, _ = run_fix(p, "width-string-12", True, capsys)
    assert ok and valid(p, "width-string-12")


def test_a_repair_that_does_not_reduce_the_errors_is_reverted_and_counted(tmp_path, capsys):
    """width 12 -> 16 would only trade its error for another (the default needs 17 bits)."""
    p = project_with(tmp_path, "width-12-default-big")
    before = p.schema("width-12-default-big").read_bytes()
    ok, out = run_fix(p, "width-12-default-big", True, capsys)
    assert not ok and p.schema("width-12-default-big").read_bytes() == before
    assert "reverted" in out
    counts = learned.read(p.layout)["counts"]["spec.width-illegal"]
    assert counts == {"success": 0, "failure": 1}


def test_the_same_error_after_a_repair_escalates_at_once(tmp_path, capsys):
    """A project's learned entry overrides a shipped one by id; when its repair leaves the error as it was,
    the loop stops in that round and hands the failure over."""
    p = project_with(tmp_path, "version-two-parts")
    text = p.schema("version-two-parts").read_text().replace('"1.0"', '" 1.0 "')
    p.schema("version-two-parts").write_text(text)
    entry = {
        "id": "spec.version-semver",
        "stage": "validate",
        "signature": r"^spec:pattern catalogue\.version: ",
        "class": "version-not-semver",
        "fix": {"kind": "strip-value"},
        "advice": "write MAJOR.MINOR.PATCH",
    }
    Path(p.layout.learned).parent.mkdir()
    Path(p.layout.learned).write_text(json.dumps({"schema_version": 1, "entries": [entry]}))
    ok, out = run_fix(p, "version-two-parts", True, capsys)
    assert not ok and "escalated: the same error after its repair (spec.version-semver)" in out
    assert [a["outcome"] for a in attempts(p, "version-two-parts")] == ["escalated"]
    escalation = json.loads(Path(p.layout.escalation("validate:version-two-parts")).read_text())
    assert escalation["advice"] == "write MAJOR.MINOR.PATCH" and "same error" in escalation["reason"]


def test_learned_counts_live_outside_build(tmp_path, capsys):
    p = project_with(tmp_path, "rollback-no-depth")
    run_fix(p, "rollback-no-depth", True, capsys)
    shutil.rmtree(p.layout.build)  # make clean
    data = learned.read(p.layout)
    assert data["counts"]["rule.rollback-history-depth"] == {"success": 1, "failure": 0}
    assert Path(p.layout.learned).parent.name == "knowledge" and p.layout.build not in p.layout.learned


def test_an_unreadable_learned_file_is_named(tmp_path):
    p = project_with(tmp_path, "width-12")
    Path(p.layout.learned).parent.mkdir()
    Path(p.layout.learned).write_text("{not json")
    with pytest.raises(learned.KnowledgeError, match=r"knowledge/learned.json: not readable JSON"):
        learned.knowledge(p.layout)


def test_coupled_mistakes_are_repaired_together(tmp_path, capsys):
    """Every field width and DATA_WIDTH 48: each repair alone leaves a DATA_WIDTH mismatch and is reverted;
    the round's repairs judged together take every width to 64 at once."""
    p = make_project(tmp_path / "p", schemas=[ROOT / "schemas/edge-sensor-imu.json"])
    doc = p.read_schema("edge-sensor-imu")
    for f in doc["schema"]["delta_fields"].values():
        f["width"] = 48
    doc["hardware"]["rtl_params"]["DATA_WIDTH"] = 48
    p.write_schema("edge-sensor-imu", doc)
    ok, out = run_fix(p, "edge-sensor-imu", True, capsys)
    assert ok and valid(p, "edge-sensor-imu"), out
    fixed = p.read_schema("edge-sensor-imu")
    assert {f["width"] for f in fixed["schema"]["delta_fields"].values()} == {64}
    assert fixed["hardware"]["rtl_params"]["DATA_WIDTH"] == 64
    assert "judged with this round's other repairs" in out
