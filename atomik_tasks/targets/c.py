"""C SDK: a header and a source per schema, every symbol and macro prefixed with atomik_<vertical>_<field>_<object>."""

from __future__ import annotations

from .. import escape
from .base import Target, grouped

_NATIVE = {8: "uint8_t", 16: "uint16_t", 32: "uint32_t", 64: "uint64_t"}


class CTarget(Target):
    name = "c"

    def comment_lines(self, text):
        return escape.c_comment_lines(text)

    def filters(self):
        return {"cstr": escape.c_str, "ctype": _NATIVE.get}

    def context(self, view):
        ctx = super().context(view)
        ctx["KEY"] = ctx["key"].upper()
        for f in ctx["fields"]:
            f["default_limbs"] = [(f["default"] >> (64 * i)) & (2**64 - 1) for i in range(ctx["max_limbs"])]
        return ctx

    def schema_outputs(self, names):
        return {
            f"include/atomik/{names['v_snake']}/{names['f_snake']}/{names['module']}.h": "module.h.j2",
            f"src/{names['key']}.c": "module.c.j2",
        }

    def package_outputs(self, idents):
        return {"include/atomik/atomik.h": ("atomik.h.j2", {"groups": grouped(idents)})}


TARGET = CTarget()
