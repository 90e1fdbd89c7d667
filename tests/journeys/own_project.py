"""The README's "Use it on your own project", as a user runs it: a wheel built from this checkout, installed
with pip into a fresh venv outside the checkout, `atomik-tasks tools`, `atomik-tasks init`, `doit` to a
bitstream. `make journeys` (part of `make test`) runs it; it installs from the package registry, as a user's
pip does, so it is a journey of CI rather than a test of pytest (which touches no network).

Prints one line per step and `N passed, N failed` at the end; exits non-zero on the first failed step.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def step(name: str, cmd: list[str], cwd: Path, env: dict[str, str], expect: int = 0) -> str:
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    out = proc.stdout + proc.stderr
    took = time.monotonic() - start
    if proc.returncode != expect:
        print(f"FAILED {name}: exit {proc.returncode} (expected {expect}) after {took:.1f} s\n{out[-4000:]}")
        print("0 passed, 1 failed")
        raise SystemExit(1)
    print(f"ok {name} ({took:.1f} s)")
    return out


def check(name: str, ok: bool, detail: str = "") -> None:
    if not ok:
        print(f"FAILED {name}\n{detail[-4000:]}\n0 passed, 1 failed")
        raise SystemExit(1)
    print(f"ok {name}")


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="atomik-journey-"))
    passed = 0
    try:
        # a PATH as a user's shell has it: the system's tools, no venv of this checkout
        # (and none that has a tsc of its own: this user has not installed the npm tools yet)
        path = os.pathsep.join(
            p
            for p in os.environ["PATH"].split(os.pathsep)
            if not p.startswith(str(ROOT)) and not os.path.exists(os.path.join(p, "tsc"))
        )
        # a user whose npm tools (tsc) are not installed yet: the first `doit` must say the one command
        env = {**os.environ, "PATH": path, "ATOMIK_CACHE": "off", "XDG_DATA_HOME": str(work / "data")}
        env.pop("VIRTUAL_ENV", None)
        dist = work / "dist"
        step("build the wheel", [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)], work, env)
        wheel = next(dist.glob("atomik_tasks-*.whl"))
        venv = work / "venv"
        step("fresh venv", ["python3", "-m", "venv", str(venv)], work, env)
        bin_ = venv / "bin"
        env = {**env, "PATH": f"{bin_}{os.pathsep}{path}", "VIRTUAL_ENV": str(venv)}
        step("pip install the wheel", [str(bin_ / "pip"), "install", "-q", str(wheel)], work, env)
        where = step(
            "imported from the venv",
            [str(bin_ / "python"), "-c", "import atomik_tasks as a; print(a.__file__)"],
            work,
            env,
        )
        check("not the checkout", str(venv) in where and str(ROOT) not in where, where)
        tools = step("atomik-tasks tools says what is missing", [str(bin_ / "atomik-tasks"), "tools"], work, env, 1)
        check("only tsc is missing", "missing: tsc;" in tools and "atomik-tasks tools --install" in tools, tools)
        check("the nextpnr shim", "nextpnr-himbaechel   MISSING" not in tools, tools)
        step("atomik-tasks init", [str(bin_ / "atomik-tasks"), "init", "myproj"], work, env)
        proj = work / "myproj"
        start = time.monotonic()
        failed = step("first doit fails at once", [str(bin_ / "doit")], proj, env, 1)
        check(
            "one line, one command",
            "missing tools: tsc (npm package typescript@5); install them all with `atomik-tasks tools --install`"
            in failed
            and failed.count("FAILED") == 1,
            failed,
        )
        print(f"   (it took {time.monotonic() - start:.1f} s)")
        step("atomik-tasks tools --install", [str(bin_ / "atomik-tasks"), "tools", "--install"], work, env)
        passed += 1
        first = step("doit after the install", [str(bin_ / "doit")], proj, env)
        bit = list((proj / "build/synth/finance-price-tick").glob("*.fs"))
        check("a bitstream", len(bit) == 1, first)
        check("no message names make", "`make`" not in first, first)
        check("nothing left out", "not in this run" not in first, first)
        noop = step("second doit is a no-op", [str(bin_ / "doit")], proj, env)
        check("0 executed", "0 executed" in noop, noop)
        # the same package version gives the same cache keys from a checkout and from the wheel
        code = (
            "import json,sys; from atomik_tasks.cache.keys import relative; from atomik_tasks.layout import Layout;"
            "import atomik_tasks.hardware as h, os; p=os.path.join(os.path.dirname(h.__file__),'synth.py');"
            "print(relative(Layout(sys.argv[1]), p))"
        )
        inside = step("key from the wheel", [str(bin_ / "python"), "-c", code, str(proj)], work, env).strip()
        ours = subprocess.run(
            [sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, cwd=ROOT, check=True
        ).stdout.strip()
        check(
            "same key path from a checkout and a wheel", inside == ours == "pkg:hardware/synth.py", f"{inside} {ours}"
        )
        record = json.loads((proj / "build/reports/run.json").read_text())
        check("run passed", record["status"] == "passed", json.dumps(record["counts"]))
        # a schema copied in, then proved: the harness template and ABC come with the wheel and yosys
        shutil.copy(ROOT / "tests/fixtures/formal/w16-depth1.json", proj / "schemas" / "pair.json")
        step("doit prove:pair", [str(bin_ / "doit"), "prove:pair"], proj, env)
        proof = json.loads((proj / "build/reports/prove-pair.json").read_text())
        check("proved from the wheel", proof["proof"] == "proved" and proof["unbounded"], json.dumps(proof)[:500])
        passed += 1
        print(f"{passed} passed, 0 failed")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
