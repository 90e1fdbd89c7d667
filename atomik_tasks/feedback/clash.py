"""Who takes a new name when two schema files share an identity (a copied schema): never the original.

The original is the one with a good build of that identity (its last valid document, kept by normalize, has
it); when both or neither have one, the older file. Every other file of the group is a newcomer, in order: each
takes the first free suffixed object name the ones before it did not take, so two proposals never collide.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from ..languages.normalize import identities
from ..layout import Layout
from ..schema.model import identity, identity_key


@dataclass
class Role:
    stem: str
    original: str  # the stem that keeps the identity
    newcomers: list[str] = field(default_factory=list)  # in the order they take new names

    @property
    def is_original(self) -> bool:
        return self.stem == self.original

    @property
    def before(self) -> list[str]:
        """The newcomers that choose their new name before this one."""
        return self.newcomers[: self.newcomers.index(self.stem)] if self.stem in self.newcomers else []


def _built(layout: Layout, stem: str, key: str) -> bool:
    try:
        with open(layout.model(stem, "source"), encoding="utf-8") as fh:
            ident = identity(json.load(fh))
    except (OSError, ValueError):
        return False
    return bool(ident) and identity_key(ident) == key


def _age(layout: Layout, stem: str) -> float:
    try:
        return os.stat(layout.schema(stem)).st_mtime
    except OSError:
        return 0.0


def role(layout: Layout, stem: str, keys: dict[str, str] | None = None) -> Role | None:
    """This schema's place in its identity clash, or None when it shares its identity with no other file."""
    keys = identities(layout) if keys is None else keys
    key = keys.get(stem)
    group = [s for s, k in keys.items() if k == key] if key else []
    if len(group) < 2:
        return None
    ordered = sorted(group, key=lambda s: (not _built(layout, s, key), _age(layout, s), s))
    return Role(stem, ordered[0], ordered[1:])
