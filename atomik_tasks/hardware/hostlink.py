"""Host side of the board's UART protocol (`atomik-tasks docs uart-protocol`), over pyserial, and the vector replay.

Every failure is a LinkError with one line that says what happened: no such port, no answer in time,
or a reply that does not fit the protocol.
"""

from __future__ import annotations

from typing import Any

import serial
from serial.tools import list_ports

from ..errors import BoardUnavailable
from .boards import Board
from .identity import ID_BYTES

PING, SELECT, LOAD, ACCUMULATE, READ, ZERO, ROLLBACK = b"P", b"S", b"L", b"A", b"R", b"Z", b"B"
IDENTIFY = b"I"
OK, VALUE, REFUSED = b"K", b"V", b"?"


class LinkError(BoardUnavailable):
    pass


def find_port(board: Board) -> str:
    """The serial port of a connected board: USB bridges with the board's ids that answer a ping."""
    candidates = sorted(p.device for p in list_ports.comports() if (p.vid, p.pid) in board.usb_ids)
    for device in candidates:
        try:
            with BoardLink(serial.Serial(device, timeout=0.5)) as link:
                link.ping()
                return device
        except (serial.SerialException, LinkError):
            continue
    ids = ", ".join(f"{v:04x}:{p:04x}" for v, p in board.usb_ids)
    raise LinkError(
        f"no {board.name} answered on a serial port (looked for USB {ids}, found {len(candidates)}): "
        "connect the board or set serial_port in atomik.toml [hardware]"
    )


class BoardLink:
    """One request, one response, as the board expects (it reads nothing while it answers)."""

    def __init__(self, port: serial.Serial):
        self.port = port
        self.selected = 0  # a reset board selects field 0

    @classmethod
    def open(cls, device: str, baud: int, board: Board, timeout: float = 2.0) -> BoardLink:
        if device == "auto":
            device = find_port(board)
        try:
            return cls(serial.Serial(device, baudrate=baud, timeout=timeout))
        except serial.SerialException as exc:
            raise LinkError(f"cannot open serial port {device}: {exc}") from None

    def __enter__(self) -> BoardLink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.port.close()

    # ---- framing ------------------------------------------------------------------------------------
    def _read(self, n: int, command: bytes) -> bytes:
        data = self.port.read(n)
        if len(data) < n:
            got = f"{len(data)} of {n} bytes" if data else "nothing"
            raise LinkError(f"timeout: {got} in {self.port.timeout} s after command {command!r} on {self.port.name}")
        return data

    def _request(self, command: bytes, payload: bytes = b"", expect: bytes = OK, length: int = 0) -> bytes:
        self.port.write(command + payload)
        head = self._read(1, command)
        if head == REFUSED:
            raise LinkError(f"board refused command {command!r} (replied '?')")
        if head != expect:
            raise LinkError(f"garbled reply to {command!r}: got 0x{head[0]:02x}, expected {expect!r}")
        return self._read(length, command) if length else b""

    # ---- commands -----------------------------------------------------------------------------------
    def ping(self) -> None:
        self._request(PING)

    def identify(self) -> int | None:
        """The design's id, or None for a design that does not know the command (older than it)."""
        self.port.write(IDENTIFY)
        head = self._read(1, IDENTIFY)
        if head == REFUSED:
            return None
        if head != VALUE:
            raise LinkError(f"garbled reply to {IDENTIFY!r}: got 0x{head[0]:02x}, expected {VALUE!r}")
        return int.from_bytes(self._read(ID_BYTES, IDENTIFY), "big")

    def select(self, field: int) -> None:
        if field != self.selected:
            self._request(SELECT, bytes([field]))
            self.selected = field

    def load(self, field: int, value: int, nbytes: int) -> None:
        self.select(field)
        self._request(LOAD, value.to_bytes(nbytes, "big"))

    def accumulate(self, field: int, delta: int, nbytes: int) -> None:
        self.select(field)
        self._request(ACCUMULATE, delta.to_bytes(nbytes, "big"))

    def reconstruct(self, field: int, nbytes: int) -> int:
        self.select(field)
        return int.from_bytes(self._request(READ, expect=VALUE, length=nbytes), "big")

    def zero_flags(self, nfields: int) -> int:
        return int.from_bytes(self._request(ZERO, expect=VALUE, length=(nfields + 7) // 8), "big")

    def rollback(self, n: int) -> int:
        return int.from_bytes(self._request(ROLLBACK, min(n, 0xFFFFFF).to_bytes(3, "big"), length=3), "big")


def replay(link: BoardLink, ops: list[tuple], vview: dict[str, Any]) -> dict[str, Any]:
    """Run the shared vectors through a board; a scenario starts by loading every field's default.

    Loading empties the history and zeroes the accumulators, which is exactly a new object.
    """
    fields = vview["fields"]
    index = {f["name"]: i for i, f in enumerate(fields)}
    nbytes = {f["name"]: f["width"] // 8 for f in fields}
    passed = failed = 0
    failures: list[str] = []
    scenario = ""
    for number, op in enumerate(ops, 1):
        kind = op[0]
        if kind == "scenario":
            scenario = op[1]
            for f in fields:
                link.load(index[f["name"]], f["default"], nbytes[f["name"]])
            continue
        if kind == "load":
            link.load(index[op[1]], op[2], nbytes[op[1]])
            actual = expected = None
        elif kind == "accumulate":
            link.accumulate(index[op[1]], op[2], nbytes[op[1]])
            actual = expected = None
        elif kind == "reconstruct":
            actual, expected = link.reconstruct(index[op[1]], nbytes[op[1]]), op[2]
        elif kind == "zero":
            actual, expected = (link.zero_flags(len(fields)) >> index[op[1]]) & 1, op[2]
        else:
            actual, expected = link.rollback(op[1]), op[2]
        if actual == expected:
            passed += 1
        else:
            failed += 1
            failures.append(
                f"op {number} ({scenario}): {' '.join(map(str, op[:2]))}: expected {expected}, actual {actual}"
            )
    return {"passed": passed, "failed": failed, "failures": failures}
