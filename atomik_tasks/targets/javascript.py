"""JavaScript SDK: an ESM package; values are BigInt, range-checked against each field's width."""

from __future__ import annotations

from .. import escape
from .base import Target, grouped


class JavaScriptTarget(Target):
    name = "javascript"
    reads_description = True

    def comment_lines(self, text):
        return escape.block_comment_lines(text)

    def filters(self):
        return {"jsstr": escape.js_str}

    def schema_outputs(self, names):
        return {f"src/{names['v_snake']}/{names['f_snake']}/{names['module']}.js": "module.js.j2"}

    def package_outputs(self, idents):
        groups = grouped(idents)
        out = {
            "package.json": ("package.json.j2", {"groups": groups}),
            "index.js": ("index.js.j2", {"groups": groups}),
        }
        for fields in groups.values():
            for objs in fields.values():
                out[f"src/{objs[0]['v_snake']}/{objs[0]['f_snake']}/index.js"] = (
                    "field_index.js.j2",
                    {"objects": objs},
                )
        return out


TARGET = JavaScriptTarget()
