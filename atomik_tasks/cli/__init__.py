"""Command line of atomik-tasks besides doit (`atomik-tasks` or `python -m atomik_tasks`):

- `init DIR`: a new project (dodo.py, atomik.toml, schemas/ with an example, README.md, .gitignore);
- `tools [--install]`: every tool a folder declares, found or missing; --install installs the missing ones;
- `plugins [--markdown]`: every language, FPGA family, board and programmer with its tools (a health check);
- `docs [NAME]`: the documentation shipped in the package;
- `config [--toml | --markdown | --schema]`: atomik.toml with every default, the README table, the JSON Schema;
- `kb [--export]`: the error knowledge base (shipped + the project's knowledge/learned.json) with its counts.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import config, languages, tools
from ..checks.edaflows import MAKE
from ..feedback.llm.trial import PATCH
from ..fsio import write_if_changed
from ..hardware import boards, families, formal, programmers, registry
from ..reports.html import CHROMIUM, DOT
from ..tools import Tool


def declared_tools(for_tests: bool = False) -> list[Tool]:
    """Every tool a plain build or a board task runs, once each; for_tests: also what the test suite uses."""
    found = [MAKE, DOT, PATCH, *([CHROMIUM] if for_tests else [])]
    for lang in languages.all_languages().values():
        found += [*lang.tools, *lang.consume_tools]
    for family in families.all_families().values():
        found += [t for t in family.tools if t.installable]  # a vendor's own tools are not ours to install
    found += [p.tool for p in programmers.all_programmers().values()]
    found += [t for t in formal.TOOLS if t.command not in {f.command for f in found}]  # prove:<schema>
    return list(dict.fromkeys(found))


def _tool_state(tool: Tool) -> tuple[bool, str]:
    """(found, "yosys 0.23 at /usr/bin/yosys" or "yosys MISSING (Debian package yosys)")."""
    path = tools.find_tool(tool)
    if not path:
        return False, f"{tool.command} MISSING ({tool.source})"
    said = tools.tool_version(tool, path)
    return True, f"{said if tool.command.lower() in said.lower() else f'{tool.command} {said}'} ({path})"


def plugins_command(args: argparse.Namespace) -> int:
    """Every language, FPGA family, board and programmer, with its tools found (and their versions) or missing."""
    if args.markdown:
        sys.stdout.write(registry.markdown_table())
        return 0
    missing: list[str] = []

    def show(kind: str, name: str, what: str, needs: tuple[Tool, ...]) -> None:
        print(f"{kind:<11} {name:<15} {what}")
        for tool in needs:
            ok, text = _tool_state(tool)
            print(f"{'':<27} {'ok ' if ok else '-- '} {text}")
            if not ok and tool.installable:
                missing.append(tool.command)

    for name, lang in languages.all_languages().items():
        show("language", name, "SDK" if lang.role == "sdk" else lang.role.upper(), (*lang.tools, *lang.consume_tools))
    for name, family in families.all_families().items():
        flows = ", ".join(f"{k}: {v}" for k, v in family.flows.items())
        show("family", name, f"flows {flows}; devices {', '.join(family.devices)}", family.tools)
    for row in registry.board_rows():
        print(
            f"{'board':<11} {row['board']:<15} {row['title']}: {row['device']} ({row['family']}), "
            f"{row['luts']:,} LUT4, {row['bram_kbit']} Kbit block RAM, {row['clock_mhz']:g} MHz; `{row['programmer']}`"
        )
    for name, prog in programmers.all_programmers().items():
        users = ", ".join(b.name for b in boards.all_boards().values() if b.programmer == name)
        show("programmer", name, f"for {users}", (prog.tool,))
    if missing:
        names = ", ".join(dict.fromkeys(missing))
        print(f"missing: {names}; `{tools.INSTALL_ALL}` installs them", file=sys.stderr)
        return 1
    return 0


def tools_command(args: argparse.Namespace) -> int:
    declared = declared_tools(args.tests)
    found = {t: tools.find_tool(t) for t in declared}
    if args.install and not all(found.values()):
        for problem in tools.install([t for t, path in found.items() if not path]):
            print(f"atomik-tasks tools: {problem}", file=sys.stderr)
        found = {t: tools.find_tool(t) for t in declared}
    absent = [t for t, path in found.items() if not path]
    for tool, path in found.items():
        state = path if path else f"MISSING ({tool.source})"
        print(f"{tool.command:<20} {state}   to {tool.purpose}")
    if absent:
        names = ", ".join(t.command for t in absent)
        how = "" if args.install else f"; `{tools.INSTALL_ALL}` installs them"
        print(f"missing: {names}{how}", file=sys.stderr)
        return 1
    print(f"all {len(declared)} tools found")
    return 0


def docs_command(args: argparse.Namespace) -> int:
    """The documentation shipped in the package: the list, or one page."""
    pages = {p.stem: p for p in sorted(DOCS.glob("*.md"))}
    if not args.name:
        for name, path in pages.items():
            title = path.read_text("utf-8").splitlines()[0].lstrip("# ").strip()
            print(f"{name:<18} {title}")
        print("read one: atomik-tasks docs <name>")
        return 0
    if args.name not in pages:
        print(f"atomik-tasks docs: no page {args.name!r}; pages: {', '.join(pages)}", file=sys.stderr)
        return 2
    sys.stdout.write(pages[args.name].read_text("utf-8"))
    return 0


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
DOCS = Path(__file__).resolve().parent.parent / "docs"

# knowledge/learned.json (what the feedback loop learned) is meant to be committed; the token ledger is a
# record of this machine's model calls, and build/ is made again from the sources.
GITIGNORE = "/build/\n/knowledge/llm-ledger.jsonl\n"

PROJECT_README = """# {name}

An [atomik-tasks](https://pypi.org/project/atomik-tasks/) project: ATOMiK delta-module schemas in `schemas/`
become SDKs in Python, Rust, C, JavaScript and Verilog, a board design and a bitstream, each verified.

```sh
atomik-tasks tools      # every tool the build runs, found or missing (`--install` installs the missing ones)
doit                    # build and verify everything; `doit list` shows the tasks
```

- `schemas/<name>.json`: one module each (`atomik-tasks docs schema-spec`); copy one to start another.
- `atomik.toml`: settings, every key optional (`atomik-tasks config` prints them with their defaults).
- `knowledge/learned.json`: what the feedback loop learned; commit it. `build/` is made again by `doit`.
- `templates/<language>/<file>.j2`, `cores/<core>/<file>`: your own copy replaces the shipped one.

Documentation: `atomik-tasks docs` lists the pages (semantics, schema spec, vectors, UART protocol).
"""


def project_files(name: str = "atomik project") -> dict[str, str]:
    """{path in a new project: content}."""
    return {
        "dodo.py": DODO,
        "atomik.toml": config.default_toml(),
        "schemas/finance-price-tick.json": EXAMPLE.read_text("utf-8"),
        ".gitignore": GITIGNORE,
        "README.md": PROJECT_README.format(name=name),
    }


def init_command(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    files = project_files(root.resolve().name)
    existing = [name for name in files if (root / name).exists()]
    if existing and not args.force:
        print(f"atomik-tasks init: {root} already has {', '.join(existing)} (--force overwrites)", file=sys.stderr)
        return 2
    for name, content in files.items():
        write_if_changed(root / name, content)
    print(f"new atomik-tasks project in {root}: {', '.join(files)}")
    print(f"next: cd {root} && doit   (README.md there says what is where)")
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
    t = sub.add_parser("tools", help="every tool the build runs, found or missing (exit 1 when one is missing)")
    t.add_argument("--install", action="store_true", help="install what is missing (pip, npm, and apt-get as root)")
    t.add_argument("--tests", action="store_true", help="also the tools the test suite uses (chromium)")
    t.set_defaults(run=tools_command)
    g = sub.add_parser("plugins", help="every language, FPGA family, board and programmer, with its tools' state")
    g.add_argument("--markdown", action="store_true", help="the README's board table")
    g.set_defaults(run=plugins_command)
    d = sub.add_parser("docs", help="the documentation shipped with the package (a list, or one page)")
    d.add_argument("name", nargs="?", help="the page: semantics, schema-spec, vectors, uart-protocol, ...")
    d.set_defaults(run=docs_command)
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
    from ..errors import AtomikError

    try:
        return args.run(args)
    except AtomikError as exc:  # a plugin that does not load, a bad atomik.toml: one line, not a traceback
        print(f"atomik-tasks {args.command}: {exc}", file=sys.stderr)
        return 2
