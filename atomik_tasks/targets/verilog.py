"""Verilog RTL: one module per schema, atomik_<vertical>_<field>_<object>, honouring DATA_WIDTH."""

from __future__ import annotations

import json

from .. import escape
from .base import Target, grouped


def _vcomment(text: str) -> list[str]:
    return escape.comment_lines(text, ascii_only=True)


class VerilogTarget(Target):
    name = "verilog"
    reads_hardware = True

    def comment_lines(self, text):
        return _vcomment(text)

    def filters(self):
        return {"vstr": escape.verilog_str, "tojson": lambda v: json.dumps(v, sort_keys=True)}

    def context(self, view):
        ctx = super().context(view)
        n = len(ctx["fields"])
        depth = ctx["history_depth"]
        ctx["sel_w"] = max(1, (n - 1).bit_length())
        ctx["ptr_w"] = max(1, (depth - 1).bit_length())
        ctx["cnt_w"] = max(1, depth.bit_length())
        ctx["data_width"] = ctx["hardware"]["data_width"]
        return ctx

    def schema_outputs(self, names):
        return {f"rtl/atomik_{names['key']}.v": "module.v.j2"}

    def package_outputs(self, idents):
        return {"rtl/files.f": ("files.f.j2", {"groups": grouped(idents)})}


TARGET = VerilogTarget()
