"""atomik.toml: every option declared once (type, default, allowed values, description, environment override).

The declaration is the single source of the reader's checks, the JSON Schema the file is validated against,
the commented default file (`python -m atomik_tasks config --toml`) and the README table (`--markdown`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .fsio import write_atomic
from .layout import CONFIG_FILE, Layout


@dataclass(frozen=True)
class Option:
    section: str
    key: str
    default: Any  # its type is the option's type (bool, int, float or str)
    description: str
    choices: tuple[str, ...] = ()
    env: str = ""  # an environment variable that overrides the file (for CI)
    aliases: dict[str, str] = field(default_factory=dict)  # old value -> the value it now reads as

    @property
    def json_type(self) -> str:
        return {bool: "boolean", int: "integer", float: "number", str: "string"}[type(self.default)]


OPTIONS: tuple[Option, ...] = (
    Option("build", "jobs", 0, "tasks a `doit` runs at once: 0 is one per core (`doit -n N` still overrides)"),
    Option(
        "sdk",
        "consume",
        True,
        "consume:<lang> in a plain `doit`: each SDK packaged the native way and used by a consumer project",
    ),
    Option("hardware", "board", "tangnano9k", "a board file of atomik_tasks/hardware/boards/ (`atomik-tasks plugins`)"),
    Option("hardware", "baud", 115200, "the board's UART (`atomik-tasks docs uart-protocol`)"),
    Option(
        "hardware",
        "flow",
        "open",
        "the board family's open flow, or \"vendor\" for its vendor's tools where the family has them",
        ("open", "vendor"),
        aliases={"apicula": "open", "gowin": "vendor"},  # the names before there was more than one family
    ),
    Option(
        "hardware",
        "timing",
        "warn",
        'unmet timing in synth:<schema>: "warn", or "fail"',
        ("warn", "fail"),
        env="ATOMIK_TIMING",
    ),
    Option("hardware", "program", "sram", 'program:<schema> writes "sram" or "flash"', ("sram", "flash")),
    Option(
        "hardware", "serial_port", "auto", 'hwtest:<schema>: "auto" finds the board, or a device such as "/dev/ttyUSB1"'
    ),
    Option("hardware", "simulate", True, "sim:uart:<schema> in a plain `doit`"),
    Option(
        "hardware",
        "sim_clock",
        "fast",
        'sim:uart: "fast" runs the UART at 4 clocks per bit; "board" at the board\'s clock and the baud rate',
        ("fast", "board"),
    ),
    Option(
        "hardware",
        "uart_records",
        40,
        "sim:uart sends each short vector scenario (all but the history wrap and the random walk) over the serial "
        "line, up to its first N records (0: every record of every scenario); verify:verilog replays every record",
    ),
    Option(
        "hardware",
        "synthesize",
        "auto",
        'synth:<schema> in a plain `doit`: "auto" (when the board family\'s tools are installed), "always", "never"',
        ("auto", "always", "never"),
    ),
    Option(
        "verify",
        "prove",
        False,
        "prove:<schema> in a plain `doit`: the generated RTL meets the algebra for every input (`atomik-tasks docs "
        "formal`; from under a second to minutes per schema)",
        env="ATOMIK_PROVE",
    ),
    Option("verify", "prove_timeout_s", 1800, "seconds one proof may run before prove:<schema> fails as timed out"),
    Option("feedback", "max_rounds", 3, "`doit fix:<schema> --apply`: repair rounds before it escalates"),
    Option(
        "feedback",
        "timing_attempts",
        3,
        "synth:<schema>: place-and-route runs (other seeds) when timing is missed; 1 turns it off",
        env="ATOMIK_TIMING_ATTEMPTS",
    ),
    Option(
        "feedback",
        "timing_reach_pct",
        15,
        "seeds are tried only when the target is within this many percent of the Fmax reached",
    ),
    Option("feedback", "retry_transient", True, "run a check once more when it fails in a transient way"),
    Option(
        "llm",
        "auto",
        False,
        "diagnose an escalated failure with a model at the end of the run (needs a key)",
        env="ATOMIK_LLM_AUTO",
    ),
    Option("llm", "run_budget_tokens", 60000, "tokens one `doit` run may spend on models", env="ATOMIK_LLM_BUDGET"),
    Option("llm", "month_budget_tokens", 2000000, "tokens a calendar month may spend (summed from the ledger)"),
    Option("llm", "prompt_cap_tokens", 6000, "the largest prompt sent; bigger ones are compressed, then cut"),
    Option("llm", "max_output_tokens", 1500, "the longest answer asked for"),
    Option("llm", "timeout_s", 60, "seconds one request may take"),
    Option("llm", "max_retries", 2, "the SDK's retries on rate limits and overload (each counted in the budget)"),
    Option("llm", "model_small", "claude-haiku-4-5", "model for a near miss of a known class, or a small schema"),
    Option("llm", "model_mid", "claude-sonnet-4-5", "model for an unknown failure"),
    Option("llm", "model_strong", "claude-opus-4-5", "model after a failed attempt, or for hardware and timing"),
    Option("llm", "price_small", "1.0/5.0", "USD per million input/output tokens of model_small"),
    Option("llm", "price_mid", "3.0/15.0", "USD per million input/output tokens of model_mid"),
    Option("llm", "price_strong", "5.0/25.0", "USD per million input/output tokens of model_strong"),
    Option(
        "cache",
        "url",
        "",
        'the result cache: "" for ~/.cache/atomik-tasks, a folder, file://, s3://bucket/prefix (s3fs), or "off"',
        env="ATOMIK_CACHE",
    ),
    Option("cache", "read_only", False, "use hits, store nothing (for untrusted jobs)", env="ATOMIK_CACHE_READONLY"),
    Option("cache", "max_mb", 2048.0, "a local cache is trimmed to this size, least recently used first; 0: no cap"),
    Option(
        "cluster",
        "scheduler",
        "",
        'synthesis, UART simulation and proofs on Dask: "tcp://host:8786", or "local:N" for N worker processes',
        env="ATOMIK_CLUSTER",
    ),
    Option(
        "cluster",
        "fallback",
        "local",
        "when no worker can take a task, or the scheduler stops answering: run it here, or fail it",
        choices=("local", "fail"),
    ),
    Option("cluster", "wait_s", 10, "seconds without a worker (or an answering scheduler) before the fallback"),
    Option(
        "reports", "fail_on_critical", False, "critical regression alerts fail the run", env="ATOMIK_FAIL_ON_CRITICAL"
    ),
    Option(
        "optimize",
        "every",
        5,
        "build/reports/optimize.md is written anew every N runs that executed something (0: never)",
    ),
)


class Section:
    """The options of one table, as attributes: config.hardware.board."""

    def __init__(self, values: dict[str, Any]):
        self.__dict__.update(values)

    def __repr__(self) -> str:
        return f"Section({self.__dict__!r})"


class Config:
    def __init__(self, values: dict[str, dict[str, Any]]):
        self.values = values
        for section, table in values.items():
            setattr(self, section, Section(table))

    build: Section
    sdk: Section
    hardware: Section
    verify: Section
    feedback: Section
    llm: Section
    cache: Section
    cluster: Section
    reports: Section
    optimize: Section


def json_schema() -> dict[str, Any]:
    """The JSON Schema of atomik.toml (as parsed by tomllib), made from OPTIONS."""
    sections: dict[str, dict[str, Any]] = {}
    for opt in OPTIONS:
        prop: dict[str, Any] = {"type": opt.json_type, "default": opt.default, "description": opt.description}
        if opt.choices:
            prop["enum"] = [*opt.choices, *opt.aliases]
        sections.setdefault(opt.section, {})[opt.key] = prop
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "atomik.toml",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            name: {"type": "object", "additionalProperties": False, "properties": props}
            for name, props in sections.items()
        },
    }


def load(layout: Layout) -> Config:
    """The project's settings over the defaults, then environment overrides; ConfigError names file and key."""
    path = Path(layout.config)
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except FileNotFoundError:
        stamp = (0, 0)
    return _load(layout.config, layout.build, stamp, _env_overrides())


def _env_overrides() -> tuple[tuple[str, str], ...]:
    return tuple((o.env, os.environ[o.env]) for o in OPTIONS if o.env and os.environ.get(o.env))


@functools.cache
def _load(path: str, build: str, stamp: tuple[int, int], env: tuple[tuple[str, str], ...]) -> Config:
    """Parsed once per process (task creation asks more than once)."""
    data = _parse(path, build) if stamp != (0, 0) else {}
    values = {o.section: {} for o in OPTIONS}
    for opt in OPTIONS:
        value = data.get(opt.section, {}).get(opt.key, opt.default)
        values[opt.section][opt.key] = opt.aliases.get(value, value) if isinstance(value, str) else value
    for name, raw in env:
        opt = next(o for o in OPTIONS if o.env == name)
        values[opt.section][opt.key] = _from_env(opt, raw)
    return Config(values)


def _parse(path: str, build: str) -> dict[str, Any]:
    import tomllib

    raw = Path(path).read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{CONFIG_FILE}: not valid TOML: {exc}") from None
    _validate(data, raw, build)
    return data


def _validate(data: dict[str, Any], raw: bytes, build: str) -> None:
    """Check against json_schema(). jsonschema costs 0.1 s to import, so a file that passed is remembered by
    its hash (next to the build) and not checked again until it changes."""
    digest = hashlib.sha256(raw + _SCHEMA_TEXT.encode()).hexdigest()
    stamp = Path(build) / ".config-valid"
    try:
        if stamp.read_text("utf-8") == digest:
            return
    except OSError:
        pass
    import jsonschema

    errors = sorted(jsonschema.Draft7Validator(json_schema()).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        raise ConfigError("\n".join(_explain(e) for e in errors))
    if stamp.parent.is_dir():
        write_atomic(stamp, digest)


_SCHEMA_TEXT = json.dumps(json_schema(), sort_keys=True)


def _explain(err: Any) -> str:
    """One line per problem: file, [section] key, what is allowed, and a "did you mean" for a near name."""
    import difflib

    where = list(err.path)
    if err.validator == "additionalProperties":
        known = [o.section for o in OPTIONS] if not where else [o.key for o in OPTIONS if o.section == where[0]]
        known = sorted(set(known))
        lines = []
        for key in sorted(set(err.instance) - set(known)):
            near = difflib.get_close_matches(key, known, n=1)
            hint = f'; did you mean "{near[0]}"?' if near else ""
            what = f"[{key}]: unknown table" if not where else f"[{where[0]}] {key}: unknown key"
            lines.append(f"{CONFIG_FILE}: {what}{hint} (allowed: {', '.join(known)})")
        return "\n".join(lines)
    section, key = [*where, "", ""][:2]
    if err.validator == "enum":
        opt = next((o for o in OPTIONS if (o.section, o.key) == (section, key)), None)
        allowed = ", ".join(json.dumps(c) for c in (opt.choices if opt else err.validator_value))
        near = difflib.get_close_matches(str(err.instance), [str(c) for c in err.validator_value], n=1)
        hint = f'; did you mean "{near[0]}"?' if near else ""
        return f"{CONFIG_FILE}: [{section}] {key} = {json.dumps(err.instance)}: must be one of {allowed}{hint}"
    if err.validator == "type" and key:
        kind = {"integer": "an integer", "boolean": "true or false", "string": "a string"}.get(err.validator_value)
        return f"{CONFIG_FILE}: [{section}] {key} = {json.dumps(err.instance)}: must be {kind}"
    return f"{CONFIG_FILE}: [{section}]: {err.message}"


def _from_env(opt: Option, raw: str) -> Any:
    if isinstance(opt.default, bool):
        return raw.strip().lower() in ("1", "true", "yes")
    if opt.choices and raw not in opt.choices:
        raise ConfigError(f"{opt.env}={raw}: must be one of {', '.join(opt.choices)}")
    try:
        return type(opt.default)(raw)
    except ValueError:
        raise ConfigError(f"{opt.env}={raw}: must be {opt.json_type}") from None


def _toml_value(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, bool) else str(value).lower()


def default_toml() -> str:
    """atomik.toml with every option at its default and its description (the shipped file is this)."""
    lines = ["# atomik-tasks project settings; every key is optional and shows its default."]
    for section in dict.fromkeys(o.section for o in OPTIONS):
        if len(lines) > 1:
            lines.append("")
        lines.append(f"[{section}]")
        opts = [o for o in OPTIONS if o.section == section]
        width = max(len(f"{o.key} = {_toml_value(o.default)}") for o in opts)
        for o in opts:
            env = f" (also: {o.env})" if o.env else ""
            lines.append(f"{o.key} = {_toml_value(o.default)}".ljust(width) + f"  # {o.description}{env}")
    return "\n".join(lines) + "\n"


def markdown_table() -> str:
    """The README's table of options."""
    rows = ["| option | default | allowed | what it does |", "|---|---|---|---|"]
    for o in OPTIONS:
        allowed = ", ".join(f"`{c}`" for c in o.choices) or o.json_type
        env = f" (or `{o.env}`)" if o.env else ""
        what = o.description.replace("<", "&lt;").replace(">", "&gt;")
        rows.append(f"| `[{o.section}] {o.key}` | `{_toml_value(o.default)}` | {allowed} | {what}{env} |")
    return "\n".join(rows) + "\n"


def toml_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value))  # a TOML basic string: JSON's escapes are TOML's


def set_value(text: str, section: str, key: str, value: Any) -> str:
    """atomik.toml's text with one key set, everything else (comments, order) as it was: the key's line is
    rewritten in place, added under its table, or a table is added at the end."""
    lines = text.splitlines()
    line = f"{key} = {toml_literal(value)}"
    current = ""
    table_end = None
    for i, raw in enumerate(lines):
        stripped = raw.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            if current == section:
                break
            current = stripped.strip("[]").strip()
            table_end = i + 1 if current == section else table_end
            continue
        if current == section and stripped:
            table_end = i + 1
            name = stripped.split("=", 1)[0].strip()
            if "=" in stripped and name == key:
                comment = raw[raw.index("#") :] if "#" in raw.split("=", 1)[1] else ""
                lines[i] = f"{line}  {comment}".rstrip()
                return "\n".join(lines) + "\n"
    if table_end is not None:
        lines.insert(table_end, line)
    else:
        lines += ["", f"[{section}]", line] if lines else [f"[{section}]", line]
    return "\n".join(lines) + "\n"
