"""build/reports/junit.xml: one test case per task, for CI."""

from __future__ import annotations

from typing import Any

# XML 1.0 allows no control characters but tab, newline and carriage return (kept as character references),
# no surrogates and neither U+FFFE nor U+FFFF: those are dropped.
_XML_DROPPED = [*(c for c in range(32) if c not in (9, 10, 13)), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF]
_XML_ATTR: dict[int, str | None] = dict.fromkeys(_XML_DROPPED) | {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord('"'): "&quot;",
    9: "&#9;",
    10: "&#10;",
    13: "&#13;",
}


def _attr(value: str) -> str:
    """A double-quoted XML attribute value; a task's failure cause is tool output and may hold anything."""
    return '"' + value.translate(_XML_ATTR) + '"'


def junit(run: dict[str, Any]) -> str:
    """JUnit XML: one test case per task. Written by hand from attribute values only (ElementTree's import
    was a third of what the record costs a no-op run); tests parse it back with ElementTree."""
    out = [
        f'<testsuite name="atomik-tasks" tests="{len(run["tasks"])}" failures="{run["counts"]["failed"]}" '
        f'time="{run["seconds"]:.3f}">'
    ]
    for task in run["tasks"]:
        classname, _, name = task["name"].partition(":")
        seconds = task["seconds"] or 0
        head = f'<testcase classname={_attr(classname)} name={_attr(name or classname)} time="{seconds:.3f}"'
        if task["status"] == "failure":
            out.append(f"{head}><failure message={_attr(task.get('cause', 'failed'))} /></testcase>")
        elif task["status"] == "up-to-date":
            out.append(f"{head}><system-out>up to date</system-out></testcase>")
        elif run.get("results", {}).get(task["name"], {}).get("cached"):
            out.append(f"{head}><system-out>cached</system-out></testcase>")
        else:
            out.append(f"{head} />")
    out.append("</testsuite>")
    return "".join(out) + "\n"
