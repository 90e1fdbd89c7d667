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
