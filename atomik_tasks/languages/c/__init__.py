"""C SDK: a header and a source per schema, every symbol and macro prefixed with atomik_<vertical>_<field>_<object>."""

from __future__ import annotations

import re

from ...tools import Tool
from .. import escape
from ..base import Language, grouped
from ..check import CheckContext, Consumer, Counts, vector_counts

FLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1", "-g"]
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]

_NATIVE = {8: "uint8_t", 16: "uint16_t", 32: "uint32_t", 64: "uint64_t"}
GCC = Tool("gcc", "gcc", "compile and test the C SDK")
CMAKE = Tool("cmake", "cmake", "build, install and consume the C SDK as a CMake package")
PKG_CONFIG = Tool("pkg-config", "pkgconf", "consume the installed C SDK through pkg-config")

RESERVED = frozenset(
    """auto break case char const continue default do double else enum extern float for goto if inline int
    long register restrict return short signed sizeof static struct switch typedef union unsigned void
    volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert
    _Thread_local bool true false NULL""".split()
)


def c_comment_lines(text: str) -> list[str]:
    """For C // comments: no trigraph (??/ is a backslash), no line splice at the end (both warn)."""
    out = []
    for line in escape.comment_lines(text):
        line = re.sub(r"\?(?=\?)", "? ", line)
        if line.endswith("\\"):
            line += "."
        out.append(line)
    return out


def c_str(text: str) -> str:
    """A C string literal in ASCII: octal escapes (never hex, which would swallow following digits); no '?'."""
    return escape.octal_bytes_str(text, "?")


class C(Language):
    name = "c"
    reserved = RESERVED
    reserved_fields = {"count": "ATOMIK_<KEY>_FIELD_COUNT is the number of fields"}  # noqa: RUF012
    tools = (GCC,)
    consume_tools = (CMAKE, PKG_CONFIG)
    consumer_templates = ("CMakeLists.txt", "consumer.c")

    def comment_lines(self, text):
        return c_comment_lines(text)

    def filters(self):
        return {"cstr": c_str, "ctype": _NATIVE.get}

    def context(self, view):
        ctx = super().context(view)
        ctx["KEY"] = ctx["key"].upper()
        return ctx

    def schema_outputs(self, names):
        return {
            f"include/atomik/{names['v_snake']}/{names['f_snake']}/{names['module']}.h": "module.h.j2",
            f"src/{names['key']}.c": "module.c.j2",
            f"tests/test_{names['key']}.c": "test_module.c.j2",
        }

    def verify_schema(self, ctx: CheckContext) -> Counts:
        gcc = ctx.tool(GCC)
        sources = [f for f in ctx.files() if f.endswith(".c")]
        total = Counts(0, 0, 0)
        for label, extra in (("plain", []), ("sanitized", SANITIZE)):
            exe = ctx.work / f"test_{label}"
            ctx.run([gcc, *FLAGS, *extra, "-Iinclude", *sources, "-o", str(exe)], ctx.sdk)
            env = ctx.env(ASAN_OPTIONS="detect_leaks=1", UBSAN_OPTIONS="print_stacktrace=1")
            total = total + vector_counts(ctx.run([str(exe), str(ctx.vectors("txt"))], ctx.sdk, env=env))
        return total

    def verify_package(self, ctx: CheckContext) -> Counts:
        gcc = ctx.tool(GCC)
        # Every schema's header in one translation unit, every source in one link: no clashing names.
        unit = ctx.work / "all_headers.c"
        unit.write_text('#include "atomik/atomik.h"\n\nint main(void)\n{\n    return 0;\n}\n', encoding="utf-8")
        sources = sorted(str(p.relative_to(ctx.sdk)) for p in (ctx.sdk / "src").glob("*.c"))
        exe = ctx.work / "all_headers"
        ctx.run([gcc, *FLAGS, "-Iinclude", str(unit), *sources, "-o", str(exe)], ctx.sdk)
        ctx.run([str(exe)], ctx.sdk)
        return Counts(1, 1, 0)

    def package_outputs(self, idents):
        ctx = {"groups": grouped(idents)}
        return {
            "include/atomik/atomik.h": ("atomik.h.j2", ctx),
            "CMakeLists.txt": ("CMakeLists.txt.j2", ctx),
            "cmake/atomikConfig.cmake.in": ("atomikConfig.cmake.in.j2", ctx),
            "atomik.pc.in": ("atomik.pc.in.j2", ctx),
        }

    def consume(self, ctx: CheckContext, consumer: Consumer) -> Counts:
        """cmake build + install to a prefix (warnings as errors), then the consumer through find_package and
        through pkg-config."""
        cmake, gcc, pkg_config = ctx.tool(CMAKE), ctx.tool(GCC), ctx.tool(PKG_CONFIG)
        build, prefix, project = consumer.scratch / "build", consumer.scratch / "prefix", consumer.project
        env = ctx.env(CC=gcc)
        ctx.run([cmake, "-S", str(ctx.sdk), "-B", str(build), "-DATOMIK_WARNINGS_AS_ERRORS=ON"], ctx.sdk, env=env)
        ctx.run([cmake, "--build", str(build), "--parallel"], ctx.sdk, env=env)
        ctx.run([cmake, "--install", str(build), "--prefix", str(prefix)], ctx.sdk, env=env)
        out = project / "build"
        ctx.run([cmake, "-S", ".", "-B", str(out), f"-DCMAKE_PREFIX_PATH={prefix}"], project, env=env)
        ctx.run([cmake, "--build", str(out)], project, env=env)
        ctx.run([str(out / "consumer")], project)
        pc_dirs = sorted(str(p.parent) for p in prefix.glob("**/pkgconfig/atomik.pc"))
        flags = ctx.run(
            [pkg_config, "--cflags", "--libs", "atomik"], project, env=ctx.env(PKG_CONFIG_PATH=":".join(pc_dirs))
        )
        exe = consumer.scratch / "consumer_pc"
        ctx.run([gcc, *FLAGS, "consumer.c", "-o", str(exe), *flags.split()], project)
        ctx.run([str(exe)], project)
        return Counts(3, 3, 0)  # the package installs; find_package and pkg-config consumers run

    def symbol(self, ctx, op, field):
        return f"atomik_{ctx['key']}_{op}_{field['name']}(" if field else f"atomik_{ctx['key']}_{op}("


LANGUAGE = C()
