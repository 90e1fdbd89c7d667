"""Python SDK: package `atomik`, one module per schema (from atomik.Finance.Trading import PriceTick)."""

from __future__ import annotations

from .. import escape
from .base import Target, grouped


class PythonTarget(Target):
    name = "python"
    reads_description = True

    def filters(self):
        return {"pystr": escape.python_str}

    def schema_outputs(self, names: dict[str, str]) -> dict[str, str]:
        return {f"atomik/{names['vertical']}/{names['field']}/{names['module']}.py": "module.py.j2"}

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


TARGET = PythonTarget()
