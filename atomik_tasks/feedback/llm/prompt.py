"""What the model sees: a stable part (instructions and the algebra, sent with prompt caching so repeats read it
from the cache) and the case, built from what the build already knows: the failing task, its normalized error
and excerpt, the knowledge base's nearest entries, the schema (or its changes since it last built), the
language's view and the template lines involved, and build/context.json. Under a hard cap: compressed first
(comments and blank lines dropped, the schema as a delta), then the least useful parts cut, and the prompt says
how much."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...layout import Layout

INSTRUCTIONS = Path(__file__).resolve().parent / "instructions.md"
CHARS_PER_TOKEN = 4  # the local estimate when the API's count is not at hand
_GENERATED = re.compile(r"[\w.-]+\.(c|h|rs|mjs|js|py|v)\b")
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)


def estimate(text: str) -> int:
    return len(text) // CHARS_PER_TOKEN + 1


@dataclass
class Part:
    title: str
    text: str
    keep: int  # lower is cut first


@dataclass
class Prompt:
    system: str
    user: str
    cut_tokens: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def estimate(self) -> int:
        return estimate(self.system) + estimate(self.user)


def stable() -> str:
    return INSTRUCTIONS.read_text("utf-8")


def _schema_delta(layout: Layout, stem: str, text: str) -> str | None:
    """The schema's changes since its last valid build, as JSON paths (what `doit diff` shows)."""
    try:
        before = json.loads(Path(layout.model(stem, "source")).read_text("utf-8"))
        after = json.loads(text)
    except (OSError, ValueError):
        return None
    changes: list[str] = []

    def walk(a: Any, b: Any, path: str) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) | set(b)):
                walk(a.get(k, "<absent>"), b.get(k, "<absent>"), f"{path}.{k}" if path else k)
        elif a != b:
            changes.append(f"{path}: {json.dumps(a)} -> {json.dumps(b)}")

    walk(before, after, "")
    return "changes since the schema last built:\n" + "\n".join(changes) if changes else None


def _templates(error: str, language: str, shipped: Path, override: str | None) -> list[Part]:
    """The templates of the language that wrote the files the error names (by their suffix)."""
    suffixes = {m.group(1) for m in _GENERATED.finditer(error)}
    parts = []
    for template in sorted(shipped.glob("*.j2")):
        name = template.name[:-3]
        if not any(name.endswith(f".{sfx}") for sfx in suffixes):
            continue
        own = Path(override, template.name) if override else None
        text = (own if own and own.exists() else template).read_text("utf-8")
        numbered = "\n".join(f"{i:4} {line}" for i, line in enumerate(text.splitlines(), 1))
        parts.append(Part(f"template templates/{language}/{template.name}", numbered, 3))
    return parts


def build(
    layout: Layout, escalation: dict[str, Any], stem: str, language: str, shipped_templates: Path | None, cap: int
) -> Prompt:
    task = escalation["task"]
    parts = [
        Part("failing task", f"{task} ({escalation.get('reason', '')})", 9),
        Part("error (normalized)", escalation.get("normalized", ""), 9),
        Part("error (as the tool printed it)", escalation.get("message", "")[:3000], 8),
    ]
    nearest = escalation.get("nearest") or []
    if nearest:
        parts.append(Part("knowledge base: nearest known failures", json.dumps(nearest), 2))
    schema = Path(layout.schema(stem)) if stem else None
    if schema and schema.exists():
        parts.append(Part(f"schema schemas/{stem}.json", schema.read_text("utf-8"), 7))
    if language:
        view = Path(layout.view(language, stem))
        if view.exists():
            parts.append(Part(f"the {language} view of the schema", view.read_text("utf-8"), 4))
        if shipped_templates:
            parts += _templates(
                escalation.get("message", ""), language, shipped_templates, layout.template_override(language)
            )
    context = Path(layout.context)
    if context.exists():
        parts.append(Part("build/context.json", context.read_text("utf-8"), 1))
    return fit(parts, stable(), cap, layout, stem)


def _render(parts: list[Part]) -> str:
    return "\n\n".join(f"## {p.title}\n{p.text}" for p in parts)


def fit(parts: list[Part], system: str, cap: int, layout: Layout | None = None, stem: str = "") -> Prompt:
    """The prompt under cap tokens: compress, then cut the least useful parts; say how much went."""
    full = estimate(system) + estimate(_render(parts))
    notes = []
    if full > cap:  # compress: template comments and blank lines, the schema as a delta
        for p in parts:
            if p.title.startswith("template"):
                p.text = "\n".join(line for line in _JINJA_COMMENT.sub("", p.text).splitlines() if line[5:].strip())
            elif p.title.startswith("schema") and layout is not None:
                delta = _schema_delta(layout, stem, p.text)
                if delta:
                    p.text = delta
        notes.append("compressed: template comments and blank lines dropped, the schema as its changes")
    for p in sorted(parts, key=lambda q: q.keep):
        over = estimate(system) + estimate(_render(parts)) - cap
        if over <= 0:
            break
        keep_chars = max(0, len(p.text) - over * CHARS_PER_TOKEN - 40)
        p.text = p.text[:keep_chars] + ("\n[... cut]" if keep_chars else "[cut]")
        notes.append(f"cut: {p.title}")
    user = _render(parts)
    prompt = Prompt(system, user, max(0, full - estimate(system) - estimate(user)), notes)
    if notes:
        prompt.notes.append(f"{prompt.cut_tokens} of {full} tokens cut to fit the cap of {cap}")
    return prompt
