"""bench/fuzz.py checks software only unless asked, and says so (random designs are minutes of hardware each)."""

from __future__ import annotations

import subprocess
import sys

from projects import ROOT


def test_fuzz_is_software_only_by_default_and_says_so(tmp_path):
    work = tmp_path / "fuzz"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench/fuzz.py"), "2", "--keep", str(work)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "checked: software only, no simulation or synthesis" in proc.stdout
    assert 'synthesize = "never"' in (work / "atomik.toml").read_text()
    assert not list((work / "build/reports").glob("sim-uart-*.json"))
    assert not (work / "build/synth").exists()
