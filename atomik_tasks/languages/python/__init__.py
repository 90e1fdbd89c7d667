"""Python SDK: package `atomik`, one module per schema (from atomik.Finance.Trading import PriceTick)."""

from __future__ import annotations

import keyword
import re
import shutil
import sys
from pathlib import Path

from ...tools import Tool
from ..base import Language, grouped
from ..check import CheckContext, Consumer, Counts, last_number

RUFF = Tool("ruff", "", "lint the Python SDK", pip="ruff")
PYTEST = Tool("pytest", "", "test the Python SDK", pip="pytest")
MYPY = Tool("mypy", "", "type-check the Python SDK (mypy --strict)", pip="mypy")
BUILD = Tool("pyproject-build", "", "build the Python SDK's wheel", pip="build")
RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)

_PY_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def python_str(text: str) -> str:
    """An ASCII Python literal, quoted as ruff format would (double quotes unless single need fewer escapes).

    Not json.dumps: it writes astral characters as surrogate pairs, which Python reads as two lone surrogates.
    """
    quote = "'" if text.count('"') > text.count("'") else '"'
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _PY_ESCAPES:
            out.append(_PY_ESCAPES[ch])
        elif ch == quote:
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return quote + "".join(out) + quote


def pytest_counts(out: str) -> Counts:
    """pytest's closing line: `N passed, M failed, K errors`."""
    passed = last_number(r"(\d+) passed", out)
    failed = last_number(r"(\d+) failed", out) + last_number(r"(\d+) errors?\b", out)
    return Counts(passed + failed, passed, failed)


def natural(text: str) -> list:
    """Natural order, as ruff's isort uses: x5 before x19."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def all_order(name: str) -> tuple:
    """ruff RUF022's order for __all__: SCREAMING_CASE, then CamelCase, then the rest; natural within each."""
    group = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return (group, natural(name))


def all_assignment(names: list[str]) -> str:
    """`__all__ = [...]` laid out as ruff format would: on one line when it fits, else one name per line."""
    one_line = "__all__ = [" + ", ".join(python_str(n) for n in names) + "]"
    if len(one_line) <= LINE_LENGTH:
        return one_line
    return "__all__ = [\n" + "".join(f"    {python_str(n)},\n" for n in names) + "]"


LINE_LENGTH = 120  # as in templates/pyproject.toml.j2


# mypy's incremental cache, shared by the package check and the consumer, so the standard library's types are
# read once (mypy checks every cached module against its source's hash).
MYPY_CACHE = "mypy-cache"


class Python(Language):
    name = "python"
    reserved = RESERVED
    tools = (RUFF, PYTEST, MYPY)
    consume_tools = (BUILD,)
    consumer_templates = ("consumer.py",)
    reads_description = True

    def filters(self):
        return {"pystr": python_str, "all_assignment": all_assignment}

    def context(self, view):
        ctx = super().context(view)
        # ruff format trims spaces at the ends of a docstring, so the docstring is the trimmed description.
        ctx["docstring"] = ctx["ident"]["description"].strip(" ") or f"ATOMiK object {ctx['ident']['object']}."
        return ctx

    def schema_outputs(self, names: dict[str, str]) -> dict[str, str]:
        return {
            f"atomik/{names['vertical']}/{names['field']}/{names['module']}.py": "module.py.j2",
            f"tests/test_{names['key']}.py": "test_module.py.j2",
        }

    def _ruff(self, ctx: CheckContext, paths: list[str]) -> None:
        ruff = ctx.tool(RUFF)
        ctx.run([ruff, "check", "--no-cache", "--output-format", "concise", *paths], ctx.sdk)
        ctx.run([ruff, "format", "--check", "--no-cache", *paths], ctx.sdk)

    def verify_schema(self, ctx: CheckContext) -> Counts:
        files = ctx.files()
        self._ruff(ctx, files)
        tests = [f for f in files if f.startswith("tests/")]
        ctx.tools["python"] = sys.version.split()[0]
        ctx.tool(PYTEST)
        out = ctx.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", ".", *tests],
            ctx.sdk,
            # the generated tests need no plugin: loading every one the venv holds took 1.8 s of 2.6
            env=ctx.env(PYTHONPATH=str(ctx.sdk), PYTHONDONTWRITEBYTECODE="1", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"),
        )
        return pytest_counts(out)

    def verify_package(self, ctx: CheckContext) -> Counts:
        self._ruff(ctx, ["."])
        packages = sorted({str(Path(f).parent).replace("/", ".") for f in ctx.files() if f.endswith("__init__.py")})
        code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
        ctx.run([sys.executable, "-c", code, *packages], ctx.sdk, env=ctx.env(PYTHONPATH=str(ctx.sdk)))
        mypy = ctx.tool(MYPY)
        ctx.run([mypy, "--strict", "-p", "atomik"], ctx.sdk, env=self._mypy_env(ctx))
        return Counts(len(packages) + 3, len(packages) + 3, 0)

    @staticmethod
    def _mypy_env(ctx: CheckContext) -> dict[str, str]:
        return ctx.env(MYPY_CACHE_DIR=ctx.layout.tool_cache(MYPY_CACHE), PYTHONDONTWRITEBYTECODE="1")

    def consume(self, ctx: CheckContext, consumer: Consumer) -> Counts:
        """A wheel from the standard build frontend, installed into a fresh venv; the consumer runs there and
        passes mypy --strict against the installed package (py.typed)."""
        src, dist, venv = consumer.scratch / "src", consumer.scratch / "dist", consumer.scratch / "venv"
        shutil.copytree(ctx.sdk / "atomik", src / "atomik")  # build writes egg-info beside its input
        shutil.copy2(ctx.sdk / "pyproject.toml", src / "pyproject.toml")
        ctx.tool(BUILD)
        env = ctx.env(PYTHONDONTWRITEBYTECODE="1")
        # --no-isolation: the build backend comes from this venv, not from the network
        ctx.run(
            [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(src)], src, env=env
        )
        wheels = sorted(dist.glob("atomik-*.whl"))
        ctx.extra["artifact"] = wheels[0].name if wheels else None
        ctx.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], consumer.scratch)
        python = str(venv / "bin" / "python")
        pip = [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-index", "--no-deps"]
        ctx.run([*pip, *(str(w) for w in wheels)], consumer.scratch, env=env)
        ctx.run([python, "consumer.py"], consumer.project, env=ctx.env(PYTHONPATH=""))
        mypy = [ctx.tool(MYPY), "--strict", "--python-executable", python]
        ctx.run([*mypy, "consumer.py"], consumer.project, env=self._mypy_env(ctx))
        return Counts(3, 3, 0)  # the wheel installs; the consumer runs; it type-checks against the package

    def package_outputs(self, idents):
        groups = grouped(idents)
        out = {
            "atomik/__init__.py": ("root_init.py.j2", {"names": sorted(groups, key=all_order)}),
            "pyproject.toml": ("pyproject.toml.j2", {}),
            "atomik/py.typed": ("py.typed.j2", {}),
        }
        for vertical, fields in groups.items():
            out[f"atomik/{vertical}/__init__.py"] = (
                "vertical_init.py.j2",
                {"vertical": vertical, "names": sorted(fields, key=all_order)},
            )
            for field, objs in fields.items():
                out[f"atomik/{vertical}/{field}/__init__.py"] = (
                    "field_init.py.j2",
                    {
                        "vertical": vertical,
                        "field": field,
                        "imports": sorted(objs, key=lambda o: natural(o["module"].lower())),
                        "names": sorted((o["object"] for o in objs), key=all_order),
                    },
                )
        return out

    def symbol(self, ctx, op, field):
        return f"def {op}_{field['name']}(" if field else f"def {op}("


LANGUAGE = Python()
