"""One shape for every problem found in a schema: file, JSON path, line, rule, message."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Diagnostic:
    file: str
    path: str  # dotted JSON path, "(root)" for the document itself
    line: int  # 1-based; 0 when the file could not be read at all
    rule: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity}: {self.path}: {self.message} [{self.rule}]"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Diagnostic:
        return cls(**data)


def json_path(parts: tuple | list) -> str:
    """Dotted path of a JSON location; list indexes in brackets."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(root)"


def errors(diags: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.severity == "error"]
