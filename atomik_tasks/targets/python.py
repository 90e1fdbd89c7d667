"""Python SDK: package `atomik`, one module per schema (from atomik.Finance.Trading import PriceTick)."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import escape
from ..verify import Counts, VerifyContext, pytest_counts
from .base import Target, grouped


class PythonTarget(Target):
    name = "python"
    reads_description = True

    def filters(self):
        return {"pystr": escape.python_str}

    def schema_outputs(self, names: dict[str, str]) -> dict[str, str]:
        return {
            f"atomik/{names['vertical']}/{names['field']}/{names['module']}.py": "module.py.j2",
            f"tests/test_{names['key']}.py": "test_module.py.j2",
        }

    def _ruff(self, ctx: VerifyContext, paths: list[str]) -> None:
        ruff = ctx.tool("ruff")
        ctx.run([ruff, "check", "--no-cache", *paths], ctx.sdk)
        ctx.run([ruff, "format", "--check", "--no-cache", *paths], ctx.sdk)

    def verify_schema(self, ctx: VerifyContext) -> Counts:
        files = ctx.files()
        self._ruff(ctx, files)
        tests = [f for f in files if f.startswith("tests/")]
        ctx.tools["python"] = sys.version.split()[0]
        ctx.tool("pytest")
        out = ctx.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", ".", *tests],
            ctx.sdk,
            env=ctx.env(PYTHONPATH=str(ctx.sdk), PYTHONDONTWRITEBYTECODE="1"),
        )
        return pytest_counts(out)

    def verify_package(self, ctx: VerifyContext) -> Counts:
        self._ruff(ctx, ["."])
        packages = sorted({str(Path(f).parent).replace("/", ".") for f in ctx.files() if f.endswith("__init__.py")})
        code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
        ctx.run([sys.executable, "-c", code, *packages], ctx.sdk, env=ctx.env(PYTHONPATH=str(ctx.sdk)))
        return Counts(len(packages) + 2, len(packages) + 2, 0)

    def package_outputs(self, idents):
        groups = grouped(idents)
        out = {
            "atomik/__init__.py": ("root_init.py.j2", {"groups": groups}),
            "pyproject.toml": ("pyproject.toml.j2", {}),
        }
        for vertical, fields in groups.items():
            out[f"atomik/{vertical}/__init__.py"] = ("vertical_init.py.j2", {"vertical": vertical, "fields": fields})
            for field, objs in fields.items():
                out[f"atomik/{vertical}/{field}/__init__.py"] = (
                    "field_init.py.j2",
                    {"vertical": vertical, "field": field, "objects": objs},
                )
        return out

    def symbol(self, ctx, op, field):
        return f"def {op}_{field['name']}(" if field else f"def {op}("


TARGET = PythonTarget()
