"""A software board: the UART protocol (`atomik-tasks docs uart-protocol`) on a pseudo-terminal, backed by the
reference model. It stands in for a Tang Nano 9K where none is connected (tests of the host driver, host programs).

    python -m atomik_tasks.hardware.boardmodel build/views/_vectors/<schema>.json   # prints the pty path to use
"""

from __future__ import annotations

import os
import sys
import threading
import tty
from pathlib import Path
from typing import Any

from ..reference.semantics import ReferenceObject
from .identity import ID_BYTES, design_id


class BoardModel:
    """Serves one pty until closed. mode: "normal", "silent" (never answers), "garbled" (answers junk)."""

    def __init__(self, vview: dict[str, Any], mode: str = "normal", design: int = 0):
        """vview: the schema's vectors view; design: the id it answers `I` with (hardware.identity)."""
        self.view = vview
        self.mode = mode
        self.design_id = design
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.obj = self._new()
        self.selected = 0

    def _new(self) -> ReferenceObject:
        depth = self.view["history_depth"]
        return ReferenceObject(
            {
                "fields": self.view["fields"],
                "operations": {
                    "reconstruct": {"enabled": self.view["reconstruct"]},
                    "rollback": {"enabled": depth > 0, "history_depth": depth},
                },
            }
        )

    def __enter__(self) -> BoardModel:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        os.close(self.master)
        os.close(self.slave)

    def _byte(self) -> int:
        while not self._stop:
            data = os.read(self.master, 1)
            if data:
                return data[0]
        raise EOFError

    def _bytes(self, n: int) -> int:
        return int.from_bytes(bytes(self._byte() for _ in range(n)), "big")

    def _send(self, data: bytes) -> None:
        if self.mode == "silent":
            return
        if self.mode == "garbled":
            data = bytes(b ^ 0x5A for b in data)
        os.write(self.master, data)

    def _serve(self) -> None:
        fields = self.view["fields"]
        try:
            while True:
                cmd = chr(self._byte())
                field = fields[self.selected]
                nbytes = field["width"] // 8
                if cmd == "P":
                    self._send(b"K")
                elif cmd == "I":
                    self._send(b"V" + self.design_id.to_bytes(ID_BYTES, "big"))
                elif cmd == "S":
                    index = self._byte()
                    if index < len(fields):
                        self.selected = index
                        self._send(b"K")
                    else:
                        self._send(b"?")
                elif cmd in "LA":
                    value = self._bytes(nbytes)
                    (self.obj.load if cmd == "L" else self.obj.accumulate)(field["name"], value)
                    self._send(b"K")
                elif cmd == "R" and self.view["reconstruct"]:
                    self._send(b"V" + self.obj.reconstruct(field["name"]).to_bytes(nbytes, "big"))
                elif cmd == "Z":
                    flags = sum(int(self.obj.is_accumulator_zero(f["name"])) << i for i, f in enumerate(fields))
                    self._send(b"V" + flags.to_bytes((len(fields) + 7) // 8, "big"))
                elif cmd == "B" and self.view["history_depth"]:
                    n = min(self._bytes(3), 0x1FFFF)
                    self._send(b"K" + self.obj.rollback(n).to_bytes(3, "big"))
                else:
                    self._send(b"?")
        except (EOFError, OSError):
            return


def main(argv: list[str]) -> int:
    import argparse
    import json
    import time

    from ..languages import hdl

    parser = argparse.ArgumentParser(
        prog="python -m atomik_tasks.hardware.boardmodel",
        description="Serve a software board (`atomik-tasks docs uart-protocol`) on a pseudo-terminal; prints its path.",
    )
    parser.add_argument("view", help="the schema's vectors view: build/views/_vectors/<schema>.json (after `doit`)")
    parser.add_argument("--mode", choices=("normal", "silent", "garbled"), default="normal", help="fault to model")
    args = parser.parse_args(argv)
    try:
        with open(args.view, encoding="utf-8") as fh:
            vview = json.load(fh)
    except (OSError, ValueError) as exc:
        parser.exit(
            2,
            f"{parser.prog}: cannot read {args.view}: {getattr(exc, 'strerror', None) or exc}"
            " (run `doit` first; the view is written by normalize:<schema>)\n",
        )
    # the design id comes from the HDL view beside the vectors view (views/verilog/<schema>.json)
    verilog = Path(args.view).parent.parent / hdl().name / Path(args.view).name
    design = design_id(json.loads(verilog.read_text("utf-8"))) if verilog.exists() else 0
    with BoardModel(vview, args.mode, design) as model:
        print(model.path, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
