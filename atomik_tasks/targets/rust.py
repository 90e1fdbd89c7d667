"""Rust SDK: crate `atomik` with a module per schema (use atomik::finance::trading::PriceTick), no external crates."""

from __future__ import annotations

from .. import escape
from .base import Target, grouped

_NATIVE = {8: "u8", 16: "u16", 32: "u32", 64: "u64", 128: "u128", 256: "[u64; 4]"}


class RustTarget(Target):
    name = "rust"

    def filters(self):
        return {"rstr": escape.rust_str, "rtype": _NATIVE.__getitem__}

    def context(self, view):
        ctx = super().context(view)
        for f in ctx["fields"]:
            f["default_limbs"] = [(f["default"] >> (64 * i)) & (2**64 - 1) for i in range(ctx["max_limbs"])]
        return ctx

    def schema_outputs(self, names):
        return {f"src/{names['v_snake']}/{names['f_snake']}/{names['module']}.rs": "module.rs.j2"}

    def package_outputs(self, idents):
        groups = grouped(idents)
        out = {"Cargo.toml": ("Cargo.toml.j2", {}), "src/lib.rs": ("lib.rs.j2", {"groups": groups})}
        for fields in groups.values():
            first = next(iter(fields.values()))[0]
            out[f"src/{first['v_snake']}/mod.rs"] = ("vertical_mod.rs.j2", {"fields": fields})
            for objs in fields.values():
                out[f"src/{objs[0]['v_snake']}/{objs[0]['f_snake']}/mod.rs"] = ("field_mod.rs.j2", {"objects": objs})
        return out


TARGET = RustTarget()
