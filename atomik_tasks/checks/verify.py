"""verify:<lang>:<schema> and verify:<lang>:_package: a language's own check, through the runner."""

from __future__ import annotations

from .. import languages
from ..layout import PACKAGE_CHECK, Layout
from .runner import run_check


def report_path(layout: Layout, language: str, stem: str) -> str:
    return layout.report(f"verify-{language}", stem)


def run_verify(layout: Layout, language: str, stem: str) -> bool:
    lang = languages.get(language)
    check = lang.verify_package if stem == PACKAGE_CHECK else lang.verify_schema
    return run_check(layout, f"verify:{language}:{stem}", language, stem, check, report_path(layout, language, stem))
