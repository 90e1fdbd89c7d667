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


def _hardware_project(tmp_path, board: str = "tangnano9k"):
    """A project with its own copy of the package (a test drops plugin folders into it); no synthesis."""
    return make_project(
        tmp_path / "p",
        package=True,
        config=f'[sdk]\nconsume = false\n[hardware]\nboard = "{board}"\nsimulate = false\nsynthesize = "never"\n',
    )


def test_an_extra_family_is_one_folder_and_its_board_one_file(tmp_path):
    proj = _hardware_project(tmp_path, "ulx3s")
    shutil.copy(FIXTURES / "hardware/boards/ulx3s.py", proj.root / "atomik_tasks/hardware/boards/")
    shutil.copytree(FIXTURES / "hardware/families/ecp5", proj.root / "atomik_tasks/hardware/families/ecp5")
    run = proj.doit("board")
    assert run.returncode == 0, run.stderr
    folder = proj.root / "build/board/finance_trading_price_tick"
    lpf = (folder / "atomik_board_finance_trading_price_tick.lpf").read_text()
    assert 'LOCATE COMP "uart_rx" SITE "M1";' in lpf and 'IOBUF PORT "uart_rx" PULLMODE=UP;' in lpf
    assert not list(folder.glob("*.cst"))
    top = (folder / "atomik_board_finance_trading_price_tick.v").read_text()
    assert "CLK_HZ = 25000000" in top and "for the ulx3s" in top
    assert "assign led = 6'b000000 ^" in top  # its LEDs are active high
    # it is listed with its device and programmer, and its tools would be installed like any family's
    listed = subprocess.run(
        [sys.executable, "-m", "atomik_tasks", "plugins", "--markdown"], cwd=proj.root, capture_output=True, text=True
    )
    assert "| `ulx3s` | Radiona ULX3S | ecp5 | LFE5U-85F-6BG381C | 83,640 |" in listed.stdout, listed.stdout


def test_a_family_missing_a_method_fails_when_it_is_loaded(tmp_path):
    proj = _hardware_project(tmp_path)
    shutil.copy(FIXTURES / "hardware/families/broken.py", proj.root / "atomik_tasks/hardware/families/")
    run = subprocess.run(
        [sys.executable, "-m", "atomik_tasks", "plugins"], cwd=proj.root, capture_output=True, text=True
    )
    assert run.returncode != 0
    said = run.stdout + run.stderr
    assert "atomik_tasks.hardware.families.broken" in said and "place_and_route" in said, said
