"""Use it on your own project: install the package as a user does (a wheel, not this checkout), `atomik-tasks
init`, `doit`; a project's own templates/<language>/ overrides the shipped ones and is part of the build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from projects import PACKAGE, ROOT

SOFTWARE = '[hardware]\nsimulate = false\nsynthesize = "never"\n'


def test_installed_package_inits_and_builds_a_project(tmp_path):
    source = tmp_path / "src"  # pip builds in the source tree: not in this checkout
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copytree(PACKAGE, source / "atomik_tasks", ignore=shutil.ignore_patterns("__pycache__"))
    site = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target", str(site)]
    subprocess.run([*pip, str(source)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "import atomik_tasks; print(atomik_tasks.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(site)), where.stdout  # the installed copy, not the checkout

    proj = tmp_path / "myproject"
    init = subprocess.run([str(site / "bin/atomik-tasks"), "init", str(proj)], env=env, capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    assert not (proj / "cores").exists() and not (proj / "templates").exists()
    (proj / "atomik.toml").write_text(SOFTWARE)
    doit = [sys.executable, "-m", "doit"]
    run = subprocess.run(doit, cwd=proj, env=env, capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    # 5 languages + 4 package checks + 5 consumers (their templates and the FuseSoC generator are in the wheel)
    assert "results: 14 passed, 0 failed" in run.stdout, run.stdout[-2000:]
    assert (proj / "build/cores/atomik_tb/atomik_tb.core").exists()  # the shipped shared cores, copied
    assert (proj / "build/board/finance_trading_price_tick/atomik_board_finance_trading_price_tick.cst").exists()

    # a project's own template replaces the shipped one of that name, and is part of that language's build
    override = proj / "templates/python/module.py.j2"
    override.parent.mkdir(parents=True)
    shipped = (site / "atomik_tasks/languages/python/templates/module.py.j2").read_text()
    override.write_text(shipped.replace("do not edit.", "do not edit (house style).", 1))
    run = subprocess.run(doit, cwd=proj, env=env, capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stdout[-3000:]
    module = (proj / "build/sdk/python/atomik/Finance/Trading/price_tick.py").read_text()
    assert "do not edit (house style)." in module
    ran = {line.split()[1] for line in run.stdout.splitlines() if line.startswith("[") and "]" in line}
    assert "generate:python:finance-price-tick" in ran and "verify:python:finance-price-tick" in ran
    assert not {t for t in ran if t.startswith(("generate:rust", "generate:c", "verify:rust", "verify:c:"))}, ran


def test_a_missing_tool_ends_the_first_run_at_once_and_a_left_out_stage_is_said(tmp_path):
    """PATH without iverilog and yosys: the plain `doit` fails at its first task with one line naming the one
    command that installs them; synthesis ("auto") is not silently dropped: the summary says why."""
    from projects import env_without, make_project

    bin_dir = tmp_path / "bin"
    env = env_without(bin_dir, "iverilog", "yosys")
    proj = make_project(tmp_path / "p", config='[sdk]\nconsume = false\n[hardware]\nsynthesize = "auto"\n')
    run = subprocess.run([sys.executable, "-m", "doit"], cwd=proj.root, env=env, capture_output=True, text=True)
    assert run.returncode == 1
    said = run.stdout + run.stderr
    assert (
        "missing tools: iverilog (Debian package iverilog); install them all with `atomik-tasks tools --install`"
        in said
    )
    assert said.count("FAILED") == 1 and "verify:" not in said, said
    assert "not in this run: consume ([sdk] consume = false); synth (yosys not installed: `atomik-tasks tools" in said
    assert "`make`" not in said
    # with the tool back, the same project builds (simulation included) and still says synthesis is left out
    env["PATH"] = f"{os.path.dirname(sys.executable)}{os.pathsep}/usr/bin"
    (bin_dir / "iverilog").symlink_to("/usr/bin/iverilog")
    proj.root.joinpath("atomik.toml").write_text('[sdk]\nconsume = false\n[hardware]\nsynthesize = "never"\n')
    ok = subprocess.run([sys.executable, "-m", "doit"], cwd=proj.root, env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout[-3000:]
    assert '; synth ([hardware] synthesize = "never")' in ok.stdout
