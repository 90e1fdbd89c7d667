"""What a language provides. A language is one folder, atomik_tasks/languages/<name>/: its __init__.py
defines LANGUAGE (an instance of a Language subclass) and templates/ holds its Jinja templates.
"""

from __future__ import annotations

import abc
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..layout import Layout
from ..schema import naming
from ..tools import Tool
from . import escape
from .check import CheckContext, Consumer, Counts

_ENVIRONMENTS: dict[tuple[str, str | None], Any] = {}


class Language(abc.ABC):
    """What a language must provide (the abstract methods; verify_package when package_check, consume when it
    has consumer templates): a folder missing one fails when it is loaded, not in the middle of a task."""

    name: str = ""
    #: What the language is to the pipeline: "sdk" (a software SDK), or "hdl" (the hardware stage builds the
    #: board design, its simulation and synthesis from it; exactly one language has this role).
    role: str = "sdk"
    #: Words that no schema identifier may be (or become, in snake_case) in this language.
    reserved: frozenset[str] = frozenset()
    #: Field names whose generated identifiers would equal the generator's own: {name: why}.
    reserved_fields: dict[str, str] = {}  # noqa: RUF012 (read-only)
    #: Programs its check runs (installed by `atomik-tasks tools --install`, named in the error when missing).
    tools: tuple[Tool, ...] = ()
    #: Whether this target's view carries catalogue.description (it costs a regeneration on every edit).
    reads_description: bool = False
    #: Whether this target's view carries the hardware section.
    reads_hardware: bool = False
    #: Whether its files name the schema's author and license (the Verilog module does not: an edit of them
    #: would otherwise re-run the board design, its simulation and synthesis for a comment).
    reads_authorship: bool = True

    # ---- the HDL's part in the hardware stage (role "hdl") ---------------
    #: What its lint and simulation of a board design run.
    sim_tools: tuple[Tool, ...] = ()
    #: The module that writes its FuseSoC cores (core:<schema>); None for a software SDK.
    cores: Any = None
    #: How its module cuts a field's registers into parts that are not bit for bit the same logic:
    #: {field key of the view: bits per part}. The formal proof keeps a field with several parts in several.
    partition: dict[str, int] = {}  # noqa: RUF012 (read-only)

    def lint_edam(self, name: str, files: list[str]) -> dict[str, Any]:
        """The Edalize lint of top module `name` over files."""
        raise NotImplementedError

    def sim_edam(self, name: str, files: list[str]) -> dict[str, Any]:
        """The Edalize simulation of testbench `name` over files, reading vectors.hex in its work root."""
        raise NotImplementedError

    def testbench_files(self, layout: Layout) -> list[str]:
        """The shared testbench files every simulation of it compiles."""
        raise NotImplementedError

    def module_path(self, key: str) -> str:
        """The generated module of a schema, relative to the SDK folder (the board design instantiates it)."""
        raise NotImplementedError

    # ---- stage 1: view -------------------------------------------------
    def view(self, model: dict[str, Any]) -> dict[str, Any]:
        """Only the keys of the model this target reads: its hash decides whether it regenerates."""
        ident = model["identity"]
        view = {
            "stem": model["stem"],
            "identity": {k: ident[k] for k in ("vertical", "field", "object", "version")},
            "fields": [{k: f[k] for k in ("name", "width", "default")} for f in model["fields"]],
            "reconstruct": model["operations"]["reconstruct"]["enabled"],
            "history_depth": model["operations"]["rollback"]["history_depth"],
        }
        if self.reads_authorship:
            view["identity"].update(author=ident["author"], license=ident["license"])
        if self.reads_description:
            view["identity"]["description"] = ident["description"]
        if self.reads_hardware:
            view["hardware"] = model["hardware"]
            view["target_frequency_mhz"] = model["constraints"]["target_frequency_mhz"]
        return view

    # ---- stage 2: render -----------------------------------------------
    def comment_lines(self, text: str) -> list[str]:
        """Schema text as lines that are safe after this language's comment marker."""
        return escape.comment_lines(text)

    def filters(self) -> dict[str, Callable]:
        """Jinja filters for escaping schema text in this language (besides `comment`)."""
        return {}

    def tests(self) -> dict[str, Callable]:
        """Jinja tests this language's templates use (`{% if n is power_of_two %}`)."""
        return {}

    def comment(self, text: str, prefix: str) -> str:
        """Filter `comment(prefix)`: every line of text behind prefix, no trailing blanks."""
        return "\n".join((prefix + line).rstrip() for line in self.comment_lines(str(text)))

    def context(self, view: dict[str, Any]) -> dict[str, Any]:
        """Names derived from a view, shared by every template of the language."""
        ident = view["identity"]
        fields = [
            {
                **f,
                "snake": f["name"],
                "camel": naming.camel(f["name"]),
                "pascal": naming.pascal(f["name"]),
                "upper": f["name"].upper(),
                "max": (1 << f["width"]) - 1,
                "limbs": (f["width"] + 63) // 64,
                "index": i,
            }
            for i, f in enumerate(view["fields"])
        ]
        max_limbs = max(f["limbs"] for f in fields)
        for f in fields:  # the default as 64-bit words, for languages without wide integers
            f["default_limbs"] = [(f["default"] >> (64 * i)) & (2**64 - 1) for i in range(max_limbs)]
        return {
            **view,
            **names(ident),
            "fields": fields,
            "ident": ident,
            "rollback": view["history_depth"] > 0,
            "max_width": max(f["width"] for f in fields),
            "max_limbs": max_limbs,
        }

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        hdl = cls.role == "hdl"
        needs = (
            (cls.package_check, "verify_package"),
            (bool(cls.consumer_templates), "consume"),
            *((hdl, m) for m in ("lint_edam", "sim_edam", "testbench_files", "module_path")),
        )
        for needed, method in needs:
            if needed and getattr(cls, method) is getattr(Language, method):
                raise TypeError(f"language {cls.__name__} must define {method}() (or turn off what needs it)")

    @abc.abstractmethod
    def schema_outputs(self, names: dict[str, str]) -> dict[str, str]:
        """{output path relative to build/sdk/<name>/: template name} for one schema.

        names: the result of names(identity); output paths depend on identity alone.
        """

    def package_outputs(self, idents: list[dict[str, Any]]) -> dict[str, tuple[str, dict[str, Any]]]:
        """{output path: (template, context)} for files that wire all schemas together."""
        return {}

    # ---- interface check ---------------------------------------------------
    #: Operations that exist per field, and those of the whole object.
    FIELD_OPS = ("load", "accumulate", "reconstruct", "is_accumulator_zero")

    @abc.abstractmethod
    def symbol(self, ctx: dict[str, Any], op: str, field: dict[str, Any] | None) -> str:
        """How this language spells an operation (on a field, or on the object when field is None)."""

    def interface_file(self, ctx: dict[str, Any]) -> str:
        """The generated file (relative to the SDK) that declares the schema's API."""
        return next(iter(self.schema_outputs(names(ctx["ident"]))))

    def expected_interface(self, view: dict[str, Any]) -> list[tuple[str, str]]:
        """(symbol, what it is) for every field and every enabled operation of a schema."""
        ctx = self.context(view)
        out = []
        for f in ctx["fields"]:
            for op in self.FIELD_OPS:
                if op == "reconstruct" and not ctx["reconstruct"]:
                    continue
                out.append((self.symbol(ctx, op, f), f"{op} of field {f['name']}"))
        if ctx["rollback"]:
            out.append((self.symbol(ctx, "rollback", None), "rollback"))
        return out

    # ---- stage 3: verify -----------------------------------------------
    #: Whether verify:<name>:_package exists (checks of the whole package, all schemas together).
    package_check: bool = True

    @abc.abstractmethod
    def verify_schema(self, ctx: CheckContext) -> Counts:
        """Replay one schema's vectors with the native toolchain."""

    def verify_package(self, ctx: CheckContext) -> Counts:
        """Lint or compile the whole package."""
        raise NotImplementedError

    # ---- consume: the package as its own ecosystem uses it --------------
    #: Files of a tiny consumer project (templates/consumer/<name>.j2), rendered for one schema.
    consumer_templates: tuple[str, ...] = ()
    #: Programs the consumer build runs besides `tools` (installed by `atomik-tasks tools --install`).
    consume_tools: tuple[Tool, ...] = ()

    def consume(self, ctx: CheckContext, consumer: Consumer) -> Counts:
        """Package the SDK the native way, then build and run the consumer project against the package."""
        raise NotImplementedError

    def consumer_files(self, view: dict[str, Any], sdk_path: str, override: str | None = None) -> dict[str, str]:
        """{path in the consumer project: content}: the consumer calls the first field of this schema.
        sdk_path: the generated SDK's folder, for consumers that depend on it by path (`tojson` quotes it)."""
        env = self.environment(override)
        ctx = {**self.context(view), "sdk_path": sdk_path}
        field = ctx["fields"][0]
        mask = field["max"]
        ctx["use"] = {"field": field, "load": 0x5A & mask, "delta": 0x3C & mask, "after": (0x5A ^ 0x3C) & mask}
        return {name: env.get_template(f"consumer/{name}.j2").render(ctx) for name in self.consumer_templates}

    def scratch(self, layout: Layout) -> list[str]:
        """Folders its checks share across schemas (`doit clean` of the package check removes them)."""
        return []

    def verify_deps(self, layout: Layout, stem: str) -> list[str]:
        """Files besides the generated code and the vectors that verify:<name>:<stem> reads."""
        return []

    # ---- helpers ---------------------------------------------------------
    @property
    def folder(self) -> Path:
        """This language's folder (its templates are in templates/)."""
        return Path(sys.modules[type(self).__module__].__file__).parent

    def environment(self, override: str | None = None) -> Any:
        """The Jinja environment of this language, made once per process (it caches compiled templates).
        override: a project's own templates/<language>/, whose files replace the shipped ones of that name."""
        env = _ENVIRONMENTS.get((self.name, override))
        if env is None:
            env = _ENVIRONMENTS[(self.name, override)] = self._new_environment(override)
        return env

    def _new_environment(self, override: str | None) -> Any:
        import jinja2  # only when rendering: keeps `doit` start-up light

        folders = [override] if override else []
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([*folders, str(self.folder / "templates")]),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
        )
        env.filters["comment"] = self.comment
        env.filters["tojson"] = json.dumps  # a quoted string for TOML, JSON and JavaScript alike
        env.filters.update(self.filters())
        env.tests.update(self.tests())
        return env

    def render_schema(self, view: dict[str, Any], override: str | None = None) -> dict[str, str]:
        """Pure: a view and the templates in, file contents out."""
        env = self.environment(override)
        ctx = self.context(view)
        return {path: env.get_template(tpl).render(ctx) for path, tpl in self.schema_outputs(ctx).items()}

    def render_package(self, idents: list[dict[str, Any]], override: str | None = None) -> dict[str, str]:
        env = self.environment(override)
        return {path: env.get_template(tpl).render(ctx) for path, (tpl, ctx) in self.package_outputs(idents).items()}


def grouped(idents: list[dict[str, Any]]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """identities as {vertical: {field: [ident, ...]}}, sorted, with snake names added."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for i in sorted(idents, key=lambda i: (i["vertical"], i["field"], i["object"])):
        entry = {**i, **names(i)}
        out.setdefault(i["vertical"], {}).setdefault(i["field"], []).append(entry)
    return out


def names(identity: dict[str, Any]) -> dict[str, str]:
    """Names every target derives from (vertical, field, object)."""
    v, f, o = (naming.snake(identity[k]) for k in ("vertical", "field", "object"))
    return {
        "vertical": identity["vertical"],
        "field": identity["field"],
        "object": identity["object"],
        "v_snake": v,
        "f_snake": f,
        "module": o,
        "key": f"{v}_{f}_{o}",
    }
