"""Rust SDK: crate `atomik` with a module per schema (use atomik::finance::trading::PriceTick), no external crates."""

from __future__ import annotations

import subprocess

from .. import escape
from ..verify import Counts, VerifyContext, cargo_counts
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
        return {
            f"src/{names['v_snake']}/{names['f_snake']}/{names['module']}.rs": "module.rs.j2",
            f"tests/{names['key']}.rs": "test.rs.j2",
        }

    def _env(self, ctx: VerifyContext) -> dict[str, str]:
        # One target dir for every schema and run: cargo rebuilds incrementally.
        return ctx.env(CARGO_TARGET_DIR=str(ctx.layout.build / "cargo-target"), CARGO_TERM_COLOR="never")

    def verify_schema(self, ctx: VerifyContext) -> Counts:
        cargo = ctx.tool("cargo")
        ctx.tool("rustc")
        test = next(f for f in ctx.files() if f.startswith("tests/"))[len("tests/") : -len(".rs")]
        out = ctx.run([cargo, "test", "--offline", "--test", test], ctx.sdk, env=self._env(ctx))
        return cargo_counts(out)

    def verify_package(self, ctx: VerifyContext) -> Counts:
        cargo = ctx.tool("cargo")
        env = self._env(ctx)
        probe = subprocess.run([cargo, "clippy", "--version"], capture_output=True, text=True, env=env)
        if probe.returncode != 0:
            ctx.notes.append("clippy is not installed (rustup component add clippy): ran cargo check instead")
            ctx.run([cargo, "check", "--offline", "--all-targets"], ctx.sdk, env=env)
        else:
            ctx.tools["clippy"] = probe.stdout.strip()
            ctx.run([cargo, "clippy", "--offline", "--all-targets", "--", "-D", "warnings"], ctx.sdk, env=env)
        return Counts(1, 1, 0)

    def package_outputs(self, idents):
        groups = grouped(idents)
        out = {"Cargo.toml": ("Cargo.toml.j2", {}), "src/lib.rs": ("lib.rs.j2", {"groups": groups})}
        for fields in groups.values():
            first = next(iter(fields.values()))[0]
            out[f"src/{first['v_snake']}/mod.rs"] = ("vertical_mod.rs.j2", {"fields": fields})
            for objs in fields.values():
                out[f"src/{objs[0]['v_snake']}/{objs[0]['f_snake']}/mod.rs"] = ("field_mod.rs.j2", {"objects": objs})
        return out

    def symbol(self, ctx, op, field):
        return f"pub fn {op}_{field['name']}(" if field else f"pub fn {op}("


TARGET = RustTarget()
