"""A language is one folder, and so is a board (with its family): dropped into a copy of the package, each is
found, validated against, built and counted, with no other file edited."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

from projects import PACKAGE, SCHEMAS, make_project, minimal_schema

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STEMS = [p.stem for p in SCHEMAS]


def package_files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def plain_doit(proj, *args):
    """doit with its own reporter (run.json, JUnit, HTML), as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "doit", *args], cwd=proj.root, capture_output=True, text=True, timeout=1200
    )


def test_an_extra_language_is_one_folder(tmp_path):
    proj = make_project(tmp_path / "p", package=True)
    shutil.copytree(FIXTURES / "languages" / "tcl", proj.root / "atomik_tasks/languages/tcl")
    before = package_files(PACKAGE)
    after = package_files(proj.root / "atomik_tasks")
    assert {k for k in after if after[k] != before.get(k)} == {k for k in after if k.startswith("languages/tcl/")}

    run = plain_doit(proj)
    assert run.returncode == 0, run.stdout + run.stderr
    for stem in STEMS:
        report = json.loads((proj.root / f"build/reports/verify-tcl-{stem}.json").read_text())
        assert report["status"] == "passed" and report["vectors"] > 100 and "tclsh" in report["tools"]
    record = json.loads((proj.root / "build/reports/run.json").read_text())
    assert {f"verify:tcl:{s}" for s in STEMS} <= set(record["results"])
    cases = {(c.get("classname"), c.get("name")) for c in ET.parse(proj.root / "build/reports/junit.xml").getroot()}
    assert {("verify", f"tcl:{s}") for s in STEMS} <= cases
    page = (proj.root / "build/reports/index.html").read_text()
    assert "<th>tcl</th>" in page
    assert re.search(r"<tr><th>finance-price-tick</th>(<td class=\"passed\">passed</td>){5}", page)
    assert "fingerprint:tcl" in {t["name"] for t in record["tasks"]}

    # its reserved words are validated like every other language's
    proj.write_schema("bad", minimal_schema(catalogue={**minimal_schema()["catalogue"], "object": "Namespace"}))
    run = plain_doit(proj, "validate:bad")
    assert run.returncode != 0
    assert "'Namespace' is reserved in tcl; choose another name [identifier-reserved]" in run.stdout + run.stderr


def test_an_extra_board_of_another_family_is_one_module_each(tmp_path):
    proj = make_project(
        tmp_path / "p",
        package=True,
        config='[sdk]\nconsume = false\n[hardware]\nboard = "icebreaker"\nsimulate = false\nsynthesize = "never"\n',
    )
    shutil.copy(FIXTURES / "hardware/boards/icebreaker.py", proj.root / "atomik_tasks/hardware/boards/")
    shutil.copy(FIXTURES / "hardware/families/ice40.py", proj.root / "atomik_tasks/hardware/families/")
    run = proj.doit("board")
    assert run.returncode == 0, run.stderr
    folder = proj.root / "build/board/finance_trading_price_tick"
    pcf = (folder / "atomik_board_finance_trading_price_tick.pcf").read_text()
    assert "set_io -pullup yes uart_rx 6" in pcf and "set_io clk 35" in pcf and "set_io led[5] 23" in pcf
    assert not list(folder.glob("*.cst"))
    top = (folder / "atomik_board_finance_trading_price_tick.v").read_text()
    assert "CLK_HZ = 12000000" in top and "for the icebreaker" in top
