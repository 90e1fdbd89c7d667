"""A language, an FPGA family, a board or a programmer is one folder: nothing outside a language's folder names
the language, and nothing outside a family's or a programmer's folder names its tools or imports its module.
Read from the source (string literals that are not docstrings, and imports), so a new leak fails here."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

from atomik_tasks import languages
from atomik_tasks.hardware import boards, families, formal, programmers

PACKAGE = Path(languages.__file__).resolve().parent.parent


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


@functools.cache
def _strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal of a module that is not a docstring (f-strings: their text parts)."""
    tree = ast.parse(path.read_text("utf-8"))
    docs = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


@functools.cache
def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import of a module of the package."""
    tree = ast.parse(path.read_text("utf-8"))
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            out += [(node.lineno, name), *((node.lineno, f"{name}.{a.name}") for a in node.names)]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
    return out


def _owner(path: Path, kind: str) -> str:
    """The plugin folder a file is in ("" when none): languages/<name>/, hardware/families/<name>/, ..."""
    parts = path.relative_to(PACKAGE).parts
    prefix = {"language": ("languages",), "family": ("hardware", "families"), "programmer": ("hardware", "programmers")}
    p = prefix[kind]
    return parts[len(p)] if parts[: len(p)] == p and len(parts) > len(p) + 1 else ""


# Uses that are not the plugin: (file, text) -> why.
ALLOWED = {
    ("atomik_tasks/cache/keys.py", "python"): "the interpreter's version in a cache key, not the Python SDK",
}


def _leaks(name: str, kind: str, pattern: re.Pattern[str], module: str) -> list[str]:
    found = []
    for path in _sources():
        if _owner(path, kind) == name:
            continue
        if kind == "programmer" and path.parent.name == "boards":
            continue  # a board file names its programmer and the arguments that find it
        rel = path.relative_to(PACKAGE.parent)
        found += [
            f"{rel}:{line}: {text!r}"
            for line, text in _strings(path)
            if pattern.search(text) and (str(rel), text) not in ALLOWED
        ]
        found += [
            f"{rel}:{line}: imports {mod}"
            for line, mod in _imports(path)
            if mod == module or mod.startswith(module + ".")
        ]
    return found


@pytest.mark.parametrize("name", sorted(languages.all_languages()))
def test_no_module_outside_a_language_folder_names_it(name):
    # the language's name as a value (the way code would pick it), or a path into its folder
    pattern = re.compile(rf"^{re.escape(name)}$|languages/{re.escape(name)}\b")
    assert _leaks(name, "language", pattern, f"atomik_tasks.languages.{name}") == []


def _tool_pattern(commands: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(rf"(?<![\w-]){re.escape(c)}(?![\w-])" for c in commands), re.IGNORECASE)


@pytest.mark.parametrize("name", sorted(families.all_families()))
def test_no_module_outside_a_family_folder_names_its_tools(name):
    family = families.get(name)
    # a tool two families share (yosys) is named by neither outside them
    commands = [t.command for t in family.tools]
    owners = {n for n, f in families.all_families().items() if set(commands) & {t.command for t in f.tools}}
    leaks = [
        leak
        for leak in _leaks(name, "family", _tool_pattern(commands), f"atomik_tasks.hardware.families.{name}")
        if not any(f"hardware/families/{o}/" in leak or "hardware/families/_" in leak for o in owners)
        and not _declared_where_used(leak)
    ]
    assert leaks == []


# Stages that are no family but run a tool a family has, and declare it themselves: {folder: their tools}.
OWN_TOOLS = {"atomik_tasks/hardware/formal/": {t.command for t in formal.TOOLS}}  # yosys writes the proof's model


def _declared_where_used(leak: str) -> bool:
    return any(
        leak.startswith(folder) and _tool_pattern(sorted(tools)).search(leak) for folder, tools in OWN_TOOLS.items()
    )


@pytest.mark.parametrize("name", sorted(programmers.all_programmers()))
def test_no_module_outside_a_programmer_folder_names_its_tool(name):
    prog = programmers.get(name)
    assert (
        _leaks(name, "programmer", _tool_pattern([prog.tool.command]), f"atomik_tasks.hardware.programmers.{name}")
        == []
    )


def test_the_check_finds_a_leak(tmp_path):
    """The scan itself: a language name and a tool name in another folder's code are found."""
    module = tmp_path / "leak.py"
    module.write_text('"""Docstrings may say verilog and yosys."""\nX = "verilog"\nY = f"run yosys on {X}"\n')
    texts = [t for _, t in _strings(module)]
    assert "verilog" in texts
    assert any(_tool_pattern(["yosys"]).search(t) for t in texts)
    assert not any(t.startswith("Docstrings") for t in texts)


def test_every_board_names_a_family_device_and_programmer_that_exist():
    for board in boards.all_boards().values():
        family = families.of(board)
        assert board.series in family.devices, (board.name, board.series)
        assert programmers.of(board).name == board.programmer
        assert set(board.pulls) <= set(board.pins) and len(board.led_active_low) == boards.LEDS
