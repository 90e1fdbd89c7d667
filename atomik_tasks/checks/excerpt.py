"""The lines of a tool's output that say what went wrong: what a failed check's message and report carry."""

from __future__ import annotations

import re

_INTERESTING = re.compile(
    r"error|fail|assert|expected|fatal|panicked|warning|mismatch|%Warning|%Error|^\S+:\d+(:\d+)?: ", re.I
)


def excerpt(output: str, limit: int = 12) -> str:
    """The first lines that say what went wrong (or the last lines when none stands out)."""
    lines = [line for line in output.splitlines() if line.strip()]
    hits = [line for line in lines if _INTERESTING.search(line)]
    chosen = hits[:limit] if hits else lines[-limit:]
    return "\n".join(f"  {line[:300]}" for line in chosen)
