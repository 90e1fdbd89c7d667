"""`doit fix:<schema>`: each error of a schema, its class, and the repair the knowledge base knows, as a
unified diff of the schema file; with --apply the repaired file is written (the original kept under build/).

The loop's rules: at most `max_rounds` rounds; a repair that does not reduce the error count is reverted; the
same normalized error after its repair stops the loop at once and escalates; nothing is hidden: what is left
is printed with the knowledge base's advice.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..fsio import write_atomic
from ..languages import reserved
from ..languages.normalize import check_text, identities
from ..layout import Layout
from ..schema.diagnostics import Diagnostic, errors
from ..schema.model import identity, identity_key
from . import clash, learned, record
from .kb import KnowledgeBase
from .messages import diagnostic_text, normalize
from .record import Attempt
from .repairs import REPAIRS, Proposal, Subject, free_catalogue_name

RENAMES_FIRST = ("jsonc", "closest-key", "snake-field")


@dataclass
class Outcome:
    text: str  # the schema's text after the loop
    errors: list[Diagnostic]  # what is left
    attempts: list[Attempt] = field(default_factory=list)
    choices: list[tuple[Diagnostic, Proposal]] = field(default_factory=list)
    unknown: list[Diagnostic] = field(default_factory=list)  # no knowledge-base entry, or no repair applied
    escalated: str = ""  # why the loop stopped early, if it did
    rounds: int = 0


def _key(d: Diagnostic) -> tuple[str, str]:
    return d.path, normalize(diagnostic_text(d.rule, d.path, d.message))


class SchemaFixer:
    """The repair loop over one schema's text (pure: nothing is written here)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        display: str,
        clashes_of: Callable[[str], list[str]],
        taken: set[str],
        max_rounds: int,
        keeps_identity: str = "",
    ):
        self.keeps_identity = keeps_identity
        self.kb = kb
        self.display = display
        self.clashes_of = clashes_of  # text -> the other schema files with the same identity
        self.taken = taken
        self.max_rounds = max_rounds

    def _priority(self, diag: Diagnostic) -> int:
        """Renames first: a misspelt key, once right, often supplies what another rule found missing."""
        match = self.kb.match(diagnostic_text(diag.rule, diag.path, diag.message), stage="validate")
        return 0 if match and match.entry.fix.kind in RENAMES_FIRST else 1

    def check(self, text: str) -> tuple[Subject, list[Diagnostic]]:
        src, diags = check_text(text, self.display, self.clashes_of(text))
        return Subject(text, self.display, src, reserved(), self.taken, self.keeps_identity), errors(diags)

    def run(self, text: str, task: str) -> Outcome:
        subject, errs = self.check(text)
        out = Outcome(text, errs)
        for round_no in range(1, self.max_rounds + 1):
            if not errs or out.escalated:
                break
            out.rounds = round_no
            progressed = False
            for diag in sorted(errs, key=self._priority):
                if _key(diag) not in {_key(e) for e in errs}:
                    continue  # an earlier repair of this round already removed it
                step = self._one(subject, errs, diag, task, round_no, out)
                if step is not None:
                    subject, errs = step
                    progressed = True
                if out.escalated:
                    break
            if not progressed and not out.escalated:
                # mistakes that are coupled (every width and DATA_WIDTH 48): each repair alone leaves a mismatch and
                # is reverted; together they mend the file
                step = self._together(subject, errs, task, round_no, out)
                if step is not None:
                    subject, errs = step
                    progressed = True
            if not progressed:
                break
        out.text, out.errors = subject.text, errs
        return out

    def _together(
        self, subject: Subject, errs: list[Diagnostic], task: str, round_no: int, out: Outcome
    ) -> tuple[Subject, list[Diagnostic]] | None:
        """Every repair of the round applied one after another and judged once, against the round's start."""
        current, left = subject, errs
        applied = []
        for diag in sorted(errs, key=self._priority):
            if _key(diag) not in {_key(e) for e in left}:
                continue
            match = self.kb.match(diagnostic_text(diag.rule, diag.path, diag.message), stage="validate")
            repair = REPAIRS.get(match.entry.fix.kind) if match else None
            proposal = repair(current, diag, match.entry.fix.params) if repair and match else None
            if proposal is None or proposal.text is None:
                continue
            current, left = self.check(proposal.text)
            applied.append((match, proposal))
        if len(applied) < 2 or _weight(current, left) >= _weight(subject, errs):
            return None
        for match, proposal in applied:
            summary = f"{proposal.summary} (judged with this round's other repairs)"
            out.attempts.append(Attempt(task, match.entry.cls, match.entry.id, summary, round_no, "fixed", match.how))
        return current, left

    def _one(
        self, subject: Subject, errs: list[Diagnostic], diag: Diagnostic, task: str, round_no: int, out: Outcome
    ) -> tuple[Subject, list[Diagnostic]] | None:
        """Try the repair of one error; the new state when it is kept."""
        match = self.kb.match(diagnostic_text(diag.rule, diag.path, diag.message), stage="validate")
        repair = REPAIRS.get(match.entry.fix.kind) if match else None
        proposal = repair(subject, diag, match.entry.fix.params) if repair else None
        if proposal is None or match is None:
            if diag not in out.unknown:
                out.unknown.append(diag)
            return None
        if proposal.text is None:
            if all(d is not diag for d, _ in out.choices):
                out.choices.append((diag, proposal))
                out.attempts.append(
                    Attempt(task, match.entry.cls, match.entry.id, proposal.summary, round_no, "choices", match.how)
                )
            return None
        after, new_errs = self.check(proposal.text)
        attempt = Attempt(task, match.entry.cls, match.entry.id, proposal.summary, round_no, "fixed", match.how)
        out.attempts.append(attempt)
        if _weight(after, new_errs) >= _weight(subject, errs):
            attempt.outcome = "reverted"
            if _key(diag) in {_key(e) for e in new_errs}:
                out.escalated = f"the same error after its repair ({match.entry.id}): {diag.message}"
                attempt.outcome = "escalated"
            return None
        if _key(diag) in {_key(e) for e in new_errs}:
            attempt.outcome = "escalated"
            out.escalated = f"the same error after its repair ({match.entry.id}): {diag.message}"
        return after, new_errs


def _weight(subject: Subject, errs: list[Diagnostic]) -> float:
    """The error count, where a file that does not parse counts more than any: making it parse is progress
    even when validation then finds more (it could not look before)."""
    return len(errs) if subject.src is not None else math.inf


def _clashes_of(layout: Layout, stem: str) -> tuple[Callable[[str], list[str]], set[str], str]:
    """(the other schema files a text's identity clashes with, the identity keys taken, and for the original of
    a clash what renames the newcomer instead). A newcomer's taken keys include the names the newcomers before
    it take, so two proposals never collide."""
    keys = identities(layout)
    others = {s: k for s, k in keys.items() if s != stem}
    taken = set(others.values())
    who = clash.role(layout, stem, keys)
    keeps = ""
    if who and who.is_original:
        keeps = "; ".join(f"doit fix:{n} --apply renames {layout.display(layout.schema(n))}" for n in who.newcomers)
    for earlier in who.before if who else []:
        taken.add(_renamed_key(layout, earlier, taken))

    def clashes(text: str) -> list[str]:
        from ..schema.source import SourceError, parse_text

        try:
            ident = identity(parse_text(text, stem).doc)
        except SourceError:
            return []
        key = identity_key(ident) if ident else None
        return sorted(layout.display(layout.schema(o)) for o, k in others.items() if key and k == key)

    return clashes, taken, keeps


def _renamed_key(layout: Layout, stem: str, taken: set[str]) -> str:
    """The identity key an earlier newcomer takes when renamed (as its own `doit fix` would rename it)."""
    from ..schema.source import SourceError, parse_text

    text = Path(layout.schema(stem)).read_text("utf-8")
    try:
        src = parse_text(text, stem)
    except SourceError:
        return ""
    subject = Subject(text, stem, src, reserved(), taken)
    new = free_catalogue_name(subject, str(src.doc["catalogue"]["object"]), "object")
    doc = {**src.doc, "catalogue": {**src.doc["catalogue"], "object": new}}
    ident = identity(doc)
    return identity_key(ident) if ident and new else ""


def proposes_repair(layout: Layout, stem: str, kb: KnowledgeBase, max_rounds: int = 3) -> bool:
    """Whether `doit fix:<stem> --apply` would change the schema (nothing is printed or written)."""
    try:
        original = Path(layout.schema(stem)).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    clashes_of, taken, keeps = _clashes_of(layout, stem)
    out = SchemaFixer(kb, layout.display(layout.schema(stem)), clashes_of, taken, max_rounds, keeps).run(original, "")
    return out.text != original


def fix_schema(layout: Layout, stem: str, kb: KnowledgeBase, apply: bool, max_rounds: int) -> Outcome:
    """Run the loop on one schema file and print what it found and did."""
    path = Path(layout.schema(stem))
    display = layout.display(path)
    task = f"fix:{stem}"
    try:
        original = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{display}: cannot be read ({exc}): needs a person")
        return Outcome("", [])
    clashes_of, taken, keeps = _clashes_of(layout, stem)
    fixer = SchemaFixer(kb, display, clashes_of, taken, max_rounds, keeps)
    out = fixer.run(original, task)
    _print(out, display, original, apply, stem)
    if apply and out.text != original:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        keep = Path(layout.original(stem, stamp))
        write_atomic(keep, path.read_bytes())
        write_atomic(path, out.text)
        print(f"wrote {display} (the original is kept in {layout.display(keep)})")
    if apply:
        for a in out.attempts:
            if a.outcome in ("fixed", "reverted", "escalated"):
                learned.count(layout, a.entry, a.outcome == "fixed")
    else:
        for a in out.attempts:
            if a.outcome == "fixed":
                a.outcome = "proposed"
    record.save(layout, task, out.attempts)
    if out.errors:
        reason = out.escalated or "no repair of the knowledge base applies"
        first = out.errors[0]
        message = diagnostic_text(first.rule, first.path, first.message)
        record.escalate(layout, f"validate:{stem}", message, kb, kb.match(message, "validate"), reason)
    else:
        record.clear_escalation(layout, f"validate:{stem}")
    return out


def _print(out: Outcome, display: str, original: str, apply: bool, stem: str) -> None:
    for a in out.attempts:
        if a.outcome != "choices":
            outcome = a.outcome if apply or a.outcome != "fixed" else "proposed"
            print(f"round {a.round}: [{a.cls}] {a.fix}  ({a.entry}, {outcome})")
    for diag, proposal in out.choices:
        print(f"{display}:{diag.line}: {diag.path}: {proposal.summary}; choose one (nothing changed):")
        for c in proposal.choices:
            print(f"    - {c}")
    if out.text != original:
        diff = difflib.unified_diff(
            original.splitlines(keepends=True), out.text.splitlines(keepends=True), display, f"{display} (repaired)"
        )
        print("".join(diff).rstrip("\n"))
    chosen = {id(d) for d, _ in out.choices}
    for d in out.errors:
        if id(d) not in chosen:
            print(f"needs a person: {d.format()}")
    if out.escalated:
        print(f"escalated: {out.escalated}")
    if not out.errors and out.text == original:
        print(f"{display}: no errors")
    elif not apply and out.text != original:
        print(f"apply it: doit fix:{stem} --apply")
