"""The error knowledge base: known failure classes, matched against a failure's normalized message.

The shipped file (knowledge.json beside this module, versioned by schema_version) holds the seeds; a project's
knowledge/learned.json (outside build/, meant to be committed) adds learned entries, overrides shipped ones by
id, and keeps every entry's success and failure counts. Matching tries each signature (a regular expression
over the normalized message) in order, then a near miss: a known example within edit distance 3.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AtomikError
from .messages import normalize

SHIPPED = Path(__file__).resolve().parent / "knowledge.json"

#: Where plugin folders keep their entries (relative to the package).
PLUGIN_KNOWLEDGE = (
    "languages/*/knowledge.json",
    "hardware/families/*/knowledge.json",
    "hardware/programmers/*/knowledge.json",
)

#: A failure's type (errors.failure_kind) -> the entry it is, before any text is read.
BY_KIND = {
    "missing-tool": "tool.missing",
    "timeout": "transient.timeout",
    "killed": "transient.killed",
    "does-not-fit": "fit.does-not-fit",
    "counterexample": "formal.counterexample",
}
SCHEMA_VERSION = 1
FUZZY_DISTANCE = 3  # a near miss: at most this many edits from a known message


class KnowledgeError(AtomikError):
    """A knowledge-base file that cannot be used (names the file and the entry)."""


@dataclass(frozen=True)
class Fix:
    kind: str  # a schema repair, "install", "retry", "timing", or "person" (advice only)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def automatic(self) -> bool:
        return self.kind != "person"


@dataclass(frozen=True)
class Entry:
    id: str
    stage: str  # validate, verify, sim, synth, any
    tool: str  # the program whose message it is (atomik-tasks for the schema rules)
    language: str  # "" when any
    signature: str  # regular expression over the normalized message
    cls: str  # the failure class
    fix: Fix
    advice: str  # what a person should do when the fix does not apply
    examples: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["class"] = data.pop("cls")
        data["examples"] = list(self.examples)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str) -> Entry:
        try:
            entry = cls(
                id=data["id"],
                stage=data.get("stage", "any"),
                tool=data.get("tool", ""),
                language=data.get("language", ""),
                signature=data["signature"],
                cls=data["class"],
                fix=Fix(data.get("fix", {}).get("kind", "person"), dict(data.get("fix", {}).get("params", {}))),
                advice=data.get("advice", ""),
                examples=tuple(data.get("examples", ())),
            )
            re.compile(entry.signature)
        except (KeyError, TypeError, AttributeError) as exc:
            raise KnowledgeError(f"{source}: entry {data.get('id', '?')!r} lacks {exc}") from None
        except re.error as exc:
            raise KnowledgeError(f"{source}: entry {data['id']!r}: bad signature: {exc}") from None
        return entry


@dataclass(frozen=True)
class Match:
    entry: Entry
    how: str  # "exact" or "fuzzy"
    score: float  # 100 for exact; rapidfuzz's similarity for a near miss
    distance: int  # edits from the nearest known message (0 for exact)
    normalized: str

    def to_dict(self) -> dict[str, Any]:
        return {"entry": self.entry.id, "class": self.entry.cls, "how": self.how, "score": round(self.score, 1)}


class KnowledgeBase:
    def __init__(self, entries: list[Entry]):
        self.entries = entries
        self._by_id = {e.id: e for e in entries}
        # one alternation per entry, tried in order: re's search of a compiled pattern is the fast path
        self._compiled = [(re.compile(e.signature), e) for e in entries]
        self._known = [(normalize(x), e) for e in entries for x in e.examples]

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def match_failure(self, message: str, stage: str, missing_tool: str = "", kind: str = "") -> Match | None:
        """The entry of a check's failure: by its type first (errors.failure_kind, as the report records it:
        a missing tool, a time-out, a kill, a design that does not fit), whatever the tool's wording; else
        by its message."""
        entry_id = BY_KIND.get("missing-tool" if missing_tool else kind, "")
        entry = self.get(entry_id) if entry_id else None
        if entry is not None:
            return Match(entry, "exact", 100.0, 0, normalize(message))
        return self.match(message, stage) if message else None

    def match(self, message: str, stage: str = "") -> Match | None:
        """The entry for a failure message: a signature that matches its normalized form, else the nearest
        known example within FUZZY_DISTANCE edits, else None."""
        text = normalize(message)
        # the entries of a tool the message names first ("iverilog exited 2: ..."): a generic signature of
        # another tool (gcc's "<path>: error:") must not win because its folder's file was read first
        named = {e.id for _, e in self._compiled if any(_names(text, t) for t in e.tool.split("/") if t)}
        for first in (True, False):
            for pattern, entry in self._compiled:
                if (entry.id in named) != first:
                    continue
                if (not stage or entry.stage in (stage, "any")) and pattern.search(text):
                    return Match(entry, "exact", 100.0, 0, text)
        return self._near(text, stage)

    def _near(self, text: str, stage: str) -> Match | None:
        from rapidfuzz.distance import Levenshtein

        best: tuple[int, Entry, str] | None = None
        for known, entry in self._known:
            if stage and entry.stage not in (stage, "any"):
                continue
            if abs(len(known) - len(text)) > FUZZY_DISTANCE:
                continue  # cannot be within the distance: skip the comparison
            dist = Levenshtein.distance(text, known, score_cutoff=FUZZY_DISTANCE)
            if dist <= FUZZY_DISTANCE and (best is None or dist < best[0]):
                best = (dist, entry, known)
        if best is None:
            return None
        dist, entry, known = best
        score = Levenshtein.normalized_similarity(text, known) * 100
        return Match(entry, "fuzzy", score, dist, text)

    def nearest(self, message: str, limit: int = 3) -> list[dict[str, Any]]:
        """The entries whose examples read most like a message (for an escalation: what it resembles)."""
        from rapidfuzz import fuzz, process

        text = normalize(message)
        found = process.extract(text, [k for k, _ in self._known], scorer=fuzz.token_set_ratio, limit=limit * 3)
        out: list[dict[str, Any]] = []
        for _choice, score, index in found:
            entry = self._known[index][1]
            if entry.id not in {o["entry"] for o in out}:
                out.append({"entry": entry.id, "class": entry.cls, "score": round(score, 1)})
        return out[:limit]

    def to_json(self, counts: dict[str, dict[str, int]] | None = None) -> dict[str, Any]:
        """The whole knowledge base as one JSON document (`python -m atomik_tasks kb --export`)."""
        entries = []
        for e in self.entries:
            data = e.to_dict()
            data["counts"] = (counts or {}).get(e.id, {"success": 0, "failure": 0})
            entries.append(data)
        return {"schema_version": SCHEMA_VERSION, "entries": entries}


def _names(text: str, tool: str) -> bool:
    """Whether a normalized message names a tool as a word ("gcc exited", not "gcc" inside another name)."""
    return re.search(rf"(?<![\w-]){re.escape(tool.lower())}(?![\w-])", text) is not None


def parse(data: Any, source: str) -> list[Entry]:
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        raise KnowledgeError(f"{source}: not a knowledge base of schema_version {SCHEMA_VERSION}")
    return _unique([Entry.from_dict(d, source) for d in data.get("entries", [])], source)


def _unique(entries: list[Entry], source: str) -> list[Entry]:
    """The entries, or KnowledgeError naming an id that appears twice (in one file, or across the files)."""
    seen: set[str] = set()
    for e in entries:
        if e.id in seen:
            raise KnowledgeError(f"{source}: entry id {e.id!r} appears twice")
        seen.add(e.id)
    return entries


@functools.cache
def shipped() -> tuple[Entry, ...]:
    """The core entries, then each plugin folder's own (a language's, an FPGA family's, a programmer's
    knowledge.json: what its tools say when they fail)."""
    package = SHIPPED.parent.parent
    files = [SHIPPED, *sorted(p for pattern in PLUGIN_KNOWLEDGE for p in package.glob(pattern))]
    entries = [e for f in files for e in parse(json.loads(f.read_text("utf-8")), str(f.relative_to(package.parent)))]
    return tuple(_unique(entries, "the shipped knowledge base (core and plugin folders)"))


def merged(learned: list[Entry]) -> KnowledgeBase:
    """Learned entries first (a project knows its own failures best), then the shipped ones they do not
    override."""
    ids = {e.id for e in learned}
    return KnowledgeBase([*learned, *(e for e in shipped() if e.id not in ids)])
