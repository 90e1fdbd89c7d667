"""JavaScript SDK: an ESM package; values are BigInt, range-checked against each field's width."""

from __future__ import annotations

import json

from ...schema import naming
from ...tools import Tool
from .. import escape
from ..base import Language, grouped
from ..check import CheckContext, Consumer, Counts, last_number

NODE = Tool("node", "nodejs", "check and test the JavaScript SDK")
NPM = Tool("npm", "npm", "pack the JavaScript SDK and install it into a consumer project")
# A tool of the build, never a dependency of the generated package.
TSC = Tool("tsc", "", "type-check the JavaScript SDK's declarations in a consumer", npm="typescript@5")
RESERVED = frozenset(
    """break case catch class const continue debugger default delete do else enum export extends false
    finally for function if import in instanceof new null return super switch this throw true try typeof
    var void while with yield let static implements interface package private protected public await
    arguments eval undefined NaN Infinity Object Array BigInt Error Symbol Promise""".split()
)


def js_str(text: str) -> str:
    """A JavaScript string literal; ensure_ascii also escapes U+2028 and U+2029."""
    return json.dumps(text, ensure_ascii=True)


def tap_counts(out: str) -> Counts:
    """node --test's TAP summary: `# pass N`, `# fail M`."""
    passed, failed = last_number(r"^# pass (\d+)", out), last_number(r"^# fail (\d+)", out)
    return Counts(passed + failed, passed, failed)


class JavaScript(Language):
    name = "javascript"
    reserved = RESERVED
    tools = (NODE,)
    consume_tools = (NPM, TSC)
    consumer_templates = ("package.json", "tsconfig.json", "consumer.ts")
    reads_description = True

    def comment_lines(self, text):
        return escape.block_comment_lines(text)

    def filters(self):
        return {"jsstr": js_str}

    def schema_outputs(self, names):
        return {
            f"src/{names['v_snake']}/{names['f_snake']}/{names['module']}.js": "module.js.j2",
            f"src/{names['v_snake']}/{names['f_snake']}/{names['module']}.d.ts": "module.d.ts.j2",
            f"test/{names['key']}.test.js": "module.test.js.j2",
        }

    def _check(self, ctx: CheckContext, files: list[str]) -> None:
        node = ctx.tool(NODE)
        for rel in files:
            if rel.endswith(".js"):
                ctx.run([node, "--check", rel], ctx.sdk)

    def verify_schema(self, ctx: CheckContext) -> Counts:
        files = ctx.files()
        self._check(ctx, files)
        tests = [f for f in files if f.endswith(".test.js")]
        out = ctx.run([ctx.tool(NODE), "--test", "--test-reporter=tap", *tests], ctx.sdk)
        return tap_counts(out)

    def verify_package(self, ctx: CheckContext) -> Counts:
        files = ctx.files()
        self._check(ctx, files)
        # The package entry point and every subpath export must import by package name (Node resolves a
        # package's own name through its "exports").
        code = (
            "const pkg = JSON.parse(require('fs').readFileSync('package.json', 'utf8'));\n"
            "const names = Object.keys(pkg.exports).map((k) => '@atomik/sdk' + k.slice(1));\n"
            "Promise.all(names.map((n) => import(n))).then(\n"
            "  (m) => console.log(`imported ${m.length}`),\n"
            "  (e) => { console.error(e); process.exit(1); });\n"
        )
        ctx.run([ctx.tool(NODE), "-e", code], ctx.sdk)
        checked = len([f for f in files if f.endswith(".js")]) + 1
        return Counts(checked, checked, 0)

    def package_outputs(self, idents):
        groups = grouped(idents)
        out = {
            "package.json": ("package.json.j2", {"groups": groups}),
            "index.js": ("index.js.j2", {"groups": groups}),
            "index.d.ts": ("index.d.ts.j2", {"groups": groups}),
        }
        for fields in groups.values():
            for objs in fields.values():
                folder = f"src/{objs[0]['v_snake']}/{objs[0]['f_snake']}"
                out[f"{folder}/index.js"] = ("field_index.js.j2", {"objects": objs})
                out[f"{folder}/index.d.ts"] = ("field_index.d.ts.j2", {"objects": objs})
        return out

    def consume(self, ctx: CheckContext, consumer: Consumer) -> Counts:
        """npm pack, npm install of the tarball into the consumer (offline: it has no dependencies), tsc
        --strict on the consumer against the package's declarations, then node runs what tsc emitted."""
        npm, tsc, node = ctx.tool(NPM), ctx.tool(TSC), ctx.tool(NODE)
        env = ctx.env(npm_config_cache=str(consumer.scratch / "npm-cache"), npm_config_update_notifier="false")
        out = ctx.run([npm, "pack", "--json", "--pack-destination", str(consumer.scratch)], ctx.sdk, env=env)
        tarball = consumer.scratch / json.loads(out[out.index("[") :])[0]["filename"]
        ctx.extra["artifact"] = tarball.name
        install = [npm, "install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", str(tarball)]
        ctx.run(install, consumer.project, env=env)
        ctx.run([tsc, "-p", "tsconfig.json"], consumer.project)
        ctx.run([node, "out/consumer.js"], consumer.project)
        return Counts(3, 3, 0)  # the tarball installs; the consumer type-checks under --strict; it runs

    def symbol(self, ctx, op, field):
        return f"{naming.camel(op)}{field['pascal']}(" if field else f"{op}("


LANGUAGE = JavaScript()
