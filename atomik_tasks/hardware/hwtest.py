"""hwtest:<schema>: replay the shared vectors against a board on a serial port (the host driver in hostlink)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..config import Section
from ..fsio import read_json, write_json
from ..layout import VECTORS_VIEW, Layout
from ..reference import vectors
from . import boards


def hwtest(layout: Layout, stem: str, hw: Section, port: str = "") -> bool:
    from . import hostlink  # pyserial: only when a board is asked for

    vview = read_json(Path(layout.view(VECTORS_VIEW, stem)))
    ops = vectors.parse_text(Path(layout.vectors(stem, "txt")).read_text("utf-8"))
    try:
        with hostlink.BoardLink.open(port or hw.serial_port, hw.baud, boards.get(hw.board)) as link:
            result = hostlink.replay(link, ops, vview)
    except hostlink.LinkError as exc:
        print(f"hwtest:{stem}: {exc}", file=sys.stderr)
        return False
    write_json(Path(layout.report("hwtest", stem)), {"task": f"hwtest:{stem}", **result})
    print(f"hwtest:{stem}: {result['passed']} passed, {result['failed']} failed")
    for line in result["failures"][:5]:
        print(f"  {line}", file=sys.stderr)
    return result["failed"] == 0
