"""What task creation knows about one project: its layout, schemas, languages, settings and identities."""

from __future__ import annotations

import os
import sys
from typing import Any

from .. import config, languages
from ..languages.generate import load_ident
from ..layout import Layout


class Project:
    """Read once per `doit` call: task creation runs on every call, so it stays cheap."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self.stems = layout.stems()
        self.languages = languages.all_languages()
        self.config = config.load(layout)
        self._idents: dict[str, tuple[dict[str, Any] | None, int]] = {}
        self.retry = bool(self.config.feedback.retry_transient)
        # the schemas this `doit` call programs (`program` alone: all of them)
        self.programming = {a.partition(":")[2] or "*" for a in sys.argv[1:] if a.split(":")[0] == "program"}

    def programs(self, stem: str) -> bool:
        return stem in self.programming or "*" in self.programming

    def ident(self, stem: str) -> dict[str, Any] | None:
        """The identity file of a valid schema (read once per run), or None."""
        if stem not in self._idents:
            self._idents[stem] = load_ident(self.layout.model(stem, "ident"))
        return self._idents[stem][0]

    def warnings(self, stem: str) -> int:
        """How many warnings the schema had when it was last validated."""
        self.ident(stem)
        return self._idents[stem][1]

    def outputs(self, language: str, stem: str) -> list[str]:
        """Files generate:<language>:<stem> writes; they depend on identity only (unknown before the first run)."""
        ident = self.ident(stem)
        if not ident:
            return []
        sdk = self.layout.sdk(language)
        return [f"{sdk}/{rel}" for rel in self.languages[language].schema_outputs(languages.names(ident))]


def group(basename: str, name: str | None, doc: str, task_dep: list[str] | None = None) -> dict[str, Any]:
    """A task that only runs others. uptodate=True: doit would otherwise count it as executed on every run."""
    task = {"basename": basename, "name": name, "doc": doc, "actions": None, "uptodate": [True]}
    if task_dep is not None:
        task["task_dep"] = task_dep
    return task


def cores() -> int:
    """The cores this process may use (its CPU affinity, which a container or taskset may narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
