"""check:interfaces:<schema>: every field and enabled operation of a schema is present in every language."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import languages
from ..fsio import read_json
from ..layout import Layout


def check_interfaces(layout: Layout, stem: str) -> bool:
    """Every field and enabled operation of a schema is present in every language's output."""
    missing = []
    checked = 0
    ident_ = read_json(Path(layout.model(stem, "ident")))
    if ident_.get("valid"):
        for name, language in languages.all_languages().items():
            view = read_json(Path(layout.view(name, stem)))
            rel = language.interface_file(language.context(view))
            path = Path(layout.sdk(name)) / rel
            text = path.read_text("utf-8")
            anchor = next((i for i, line in enumerate(text.splitlines(), 1) if ident_["object"] in line), 1)
            for symbol, what in language.expected_interface(view):
                checked += 1
                if symbol not in text:
                    shown = layout.display(path)
                    missing.append(f"{shown}:{anchor}: {name}: {stem}: {what} missing (expected `{symbol}`)")
    for line in missing:
        print(line, file=sys.stderr)
    print(f"interfaces: {checked - len(missing)} passed, {len(missing)} failed")
    return not missing
