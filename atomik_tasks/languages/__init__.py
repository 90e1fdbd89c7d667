"""Languages stage: every folder here with a LANGUAGE is one SDK target (code, templates, reserved words,
escaping, toolchain and test-output parser). Nothing outside its folder names a language."""

from __future__ import annotations

import functools

from ..plugins import discover, pick
from .base import Language, grouped, names

__all__ = ["Language", "all_languages", "get", "grouped", "names", "reserved_words"]


@functools.cache
def all_languages() -> dict[str, Language]:
    return discover(__name__, __path__, "LANGUAGE", Language)


def get(name: str) -> Language:
    return pick(all_languages(), name, "language")


def reserved_words() -> dict[str, frozenset[str]]:
    """{language: its reserved words}: schema names must avoid all of them."""
    return {name: lang.reserved for name, lang in all_languages().items()}
