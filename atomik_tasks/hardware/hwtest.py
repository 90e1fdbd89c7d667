"""hwtest:<schema>: replay the shared vectors against a board on a serial port (the host driver in hostlink)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..config import Section
from ..errors import BoardUnavailable
from ..fsio import read_json, write_json
from ..languages import hdl
from ..layout import VECTORS_VIEW, Layout
from ..reference import vectors
from . import boards
from .identity import describe, design_id


def known_designs(layout: Layout) -> dict[int, str]:
    """{design id: how a person names it} of every schema of this project."""
    out = {}
    for other in layout.stems():
        path = Path(layout.view(hdl().name, other))
        view = read_json(path) if path.exists() else {}
        if "identity" in view:  # not the stand-in view of an invalid schema
            out[design_id(view)] = describe(view)
    return out


def check_identity(layout: Layout, stem: str, answered: int | None) -> None:
    """Before the vectors: the board runs this schema's design, or one clear line saying what it runs."""
    view = read_json(Path(layout.view(hdl().name, stem)))
    if answered == design_id(view):
        return
    fix = f"program it with `doit program:{stem}`"
    if answered is None:
        raise BoardUnavailable(
            f"board does not identify itself (a design older than `I`): expected {describe(view)}; {fix}"
        )
    runs = known_designs(layout).get(answered, f"an unknown design (id {answered:06x})")
    raise BoardUnavailable(f"board runs {runs}, expected {describe(view)}; {fix}")


def hwtest(layout: Layout, stem: str, hw: Section, port: str = "") -> bool:
    from . import hostlink  # pyserial: only when a board is asked for

    vview = read_json(Path(layout.view(VECTORS_VIEW, stem)))
    ops = vectors.parse_text(Path(layout.vectors(stem, "txt")).read_text("utf-8"))
    try:
        with hostlink.BoardLink.open(port or hw.serial_port, hw.baud, boards.get(hw.board)) as link:
            check_identity(layout, stem, link.identify())
            result = hostlink.replay(link, ops, vview)
    except (hostlink.LinkError, BoardUnavailable) as exc:
        print(f"hwtest:{stem}: {exc}", file=sys.stderr)
        return False
    write_json(Path(layout.report("hwtest", stem)), {"task": f"hwtest:{stem}", **result})
    print(f"hwtest:{stem}: {result['passed']} passed, {result['failed']} failed")
    for line in result["failures"][:5]:
        print(f"  {line}", file=sys.stderr)
    return result["failed"] == 0
