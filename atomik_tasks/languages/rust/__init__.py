"""Rust SDK: crate `atomik` with a module per schema (use atomik::finance::trading::PriceTick), no external crates."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from ...errors import CheckFailed
from ...tools import Tool
from ..base import Language, grouped
from ..check import CheckContext, Consumer, Counts

_NATIVE = {8: "u8", 16: "u16", 32: "u32", 64: "u64", 128: "u128", 256: "[u64; 4]"}
CARGO = Tool("cargo", "cargo", "build and test the Rust SDK")
RUSTC = Tool("rustc", "rustc", "compile the Rust SDK")

RESERVED = frozenset(
    """as async await break const continue crate dyn else enum extern false fn for if impl in let loop
    match mod move mut pub ref return self Self static struct super trait true type union unsafe use where
    while abstract become box do final gen macro override priv try typeof unsized virtual yield""".split()
)


def rust_str(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\u{{{code:x}}}")
    return '"' + "".join(out) + '"'


def cargo_counts(out: str) -> Counts:
    """libtest's `test result: ok. N passed; M failed` lines, summed over the test binaries."""
    results = re.findall(r"test result: \w+\. (\d+) passed; (\d+) failed", out)
    passed = sum(int(p) for p, _ in results)
    failed = sum(int(f) for _, f in results)
    return Counts(passed + failed, passed, failed)


CARGO_TARGET = "cargo-target"  # cargo's build cache, shared by every check of the Rust SDK


class Rust(Language):
    name = "rust"
    reserved = RESERVED
    reserved_fields = {"count": "FIELD_COUNT is the number of fields"}  # noqa: RUF012
    tools = (CARGO, RUSTC)
    consumer_templates = ("Cargo.toml", "src/main.rs")

    def filters(self):
        return {"rstr": rust_str, "rtype": _NATIVE.__getitem__}

    def schema_outputs(self, names):
        return {
            f"src/{names['v_snake']}/{names['f_snake']}/{names['module']}.rs": "module.rs.j2",
            f"tests/{names['key']}.rs": "test.rs.j2",
        }

    def scratch(self, layout):
        return [
            layout.tool_cache(CARGO_TARGET),
            f"{layout.sdk('rust')}/Cargo.lock",
        ]  # cargo's build cache and lock file

    def _env(self, ctx: CheckContext) -> dict[str, str]:
        # One target dir for every schema and run: cargo rebuilds incrementally.
        return ctx.env(CARGO_TARGET_DIR=ctx.layout.tool_cache(CARGO_TARGET), CARGO_TERM_COLOR="never")

    def verify_schema(self, ctx: CheckContext) -> Counts:
        cargo = ctx.tool(CARGO)
        ctx.tool(RUSTC)
        test = next(f for f in ctx.files() if f.startswith("tests/"))[len("tests/") : -len(".rs")]
        out = ctx.run([cargo, "test", "--offline", "--test", test], ctx.sdk, env=self._env(ctx))
        return cargo_counts(out)

    def verify_package(self, ctx: CheckContext) -> Counts:
        cargo = ctx.tool(CARGO)
        env = self._env(ctx)
        probe = subprocess.run([cargo, "clippy", "--version"], capture_output=True, text=True, env=env)
        if probe.returncode != 0:
            ctx.notes.append("clippy is not installed (rustup component add clippy): ran cargo check instead")
            ctx.run([cargo, "check", "--offline", "--all-targets"], ctx.sdk, env=env)
        else:
            ctx.tools["clippy"] = probe.stdout.strip()
            ctx.run([cargo, "clippy", "--offline", "--all-targets", "--", "-D", "warnings"], ctx.sdk, env=env)
        return Counts(1, 1, 0)

    def consume(self, ctx: CheckContext, consumer: Consumer) -> Counts:
        """cargo doc with warnings as errors (lib.rs warns on a missing doc), cargo package, then a consumer
        crate with a path dependency on the SDK."""
        cargo = ctx.tool(CARGO)
        ctx.tool(RUSTC)
        env = {**self._env(ctx), "RUSTDOCFLAGS": "-D warnings"}
        ctx.run([cargo, "doc", "--no-deps", "--offline"], ctx.sdk, env=env)
        ctx.run([cargo, "package", "--offline", "--allow-dirty", "--no-verify"], ctx.sdk, env=env)
        crates = sorted(Path(ctx.layout.tool_cache(CARGO_TARGET), "package").glob("atomik-*.crate"))
        ctx.extra["artifact"] = crates[-1].name if crates else None
        # its own target dir: the SDK's is locked while a verify:rust task builds there
        run_env = ctx.env(CARGO_TARGET_DIR=str(consumer.scratch / "target"), CARGO_TERM_COLOR="never")
        out = ctx.run([cargo, "run", "--offline", "--quiet"], consumer.project, env=run_env)
        if "consumer:" not in out:
            raise CheckFailed(f"the consumer printed nothing: {out.strip()[:200]}")
        return Counts(3, 3, 0)  # the docs build clean; the crate packages; the consumer runs

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


LANGUAGE = Rust()
