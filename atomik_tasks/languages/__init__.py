"""Languages stage: every folder here with a LANGUAGE is one SDK target (code, templates, reserved words,
escaping, toolchain and test-output parser). Nothing outside its folder names a language."""

from __future__ import annotations

import functools

from ..errors import PluginError
from ..plugins import discover, pick
from ..schema.rules import Reserved
from .base import Language, grouped, names

__all__ = ["Language", "all_languages", "get", "grouped", "hdl", "names", "reserved"]


@functools.cache
def all_languages() -> dict[str, Language]:
    return discover(__name__, __path__, "LANGUAGE", Language)


def get(name: str) -> Language:
    return pick(all_languages(), name, "language")


@functools.cache
def hdl() -> Language:
    """The language the hardware stage builds from (the one whose role is "hdl")."""
    found = [lang for lang in all_languages().values() if lang.role == "hdl"]
    if len(found) != 1:
        raise PluginError(f"exactly one language must have role 'hdl'; found {[lang.name for lang in found]}")
    return found[0]


@functools.cache
def reserved() -> Reserved:
    """What every language reserves: words no catalogue name may be, field names its generator owns."""
    langs = all_languages()
    return Reserved(
        words={name: lang.reserved for name, lang in langs.items()},
        fields={name: lang.reserved_fields for name, lang in langs.items() if lang.reserved_fields},
    )
