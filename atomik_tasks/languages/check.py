"""What a language's check returns (Counts) and what it may ask of the check runner (CheckContext).

The runner lives above the languages (atomik_tasks.checks) and implements CheckContext; a language calls it
through this protocol, so its folder holds its whole toolchain use without importing the runner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..layout import Layout
from ..tools import Tool


@dataclass
class Counts:
    tests: int
    passed: int
    failed: int
    vectors: int | None = None

    def __add__(self, other: Counts) -> Counts:
        vec = None if self.vectors is None and other.vectors is None else (self.vectors or 0) + (other.vectors or 0)
        return Counts(self.tests + other.tests, self.passed + other.passed, self.failed + other.failed, vec)


@dataclass
class Consumer:
    """A consumer project in a temp dir outside build/: what a user of the language would write."""

    project: Path  # the consumer's own folder (its rendered templates)
    scratch: Path  # beside it: install prefixes, tarballs, venvs
    stem: str  # the schema whose object it uses
    schema: Path  # that schema's file


class CheckContext(Protocol):
    layout: Layout
    language: str
    stem: str  # or PACKAGE_CHECK
    tools: dict[str, str]  # tool -> version, for the report
    notes: list[str]
    extra: dict[str, Any]  # more report keys

    @property
    def sdk(self) -> Path: ...

    @property
    def work(self) -> Path: ...

    def vectors(self, suffix: str) -> Path: ...

    def files(self) -> list[str]:
        """Paths (relative to the SDK) this schema's generate task wrote."""
        ...

    def tool(self, tool: Tool) -> str:
        """Absolute path of a tool (ToolMissing names the package); its version goes in the report."""
        ...

    def env(self, **extra: str) -> dict[str, str]: ...

    def run(self, cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 1800) -> str:
        """Run a command, log it, return stdout+stderr; CheckFailed on a non-zero exit."""
        ...

    def run_flow(self, flow: str, edam: dict[str, Any], work: Path) -> str:
        """Run an Edalize flow (flow API) on an EDAM; return what the tools printed; CheckFailed on failure."""
        ...


def vector_counts(out: str) -> Counts:
    """The vector harnesses' own closing line, in every language: `vectors: N passed, M failed`."""
    m = re.findall(r"vectors: (\d+) passed, (\d+) failed", out)
    if not m:
        return Counts(1, 0, 1, 0)
    passed, failed = int(m[-1][0]), int(m[-1][1])
    return Counts(1, int(failed == 0), int(failed != 0), passed)


def last_number(pattern: str, text: str) -> int:
    """The last match of a runner's count line (runners repeat totals), or 0."""
    found = re.findall(pattern, text, re.M)
    return int(found[-1]) if found else 0
