"""Identifier forms every language derives from schema names (each language keeps its own reserved words)."""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def snake(name: str) -> str:
    """PascalCase or snake_case to snake_case: H264Delta -> h264_delta, IMUFusion -> imu_fusion."""
    if "_" in name or name.islower():
        return "_".join(p for p in name.lower().split("_") if p)
    parts = _WORD.findall(name)
    out: list[str] = []
    for part in parts:
        # Digits stay glued to the word before them (H264 is one word).
        if part.isdigit() and out:
            out[-1] += part
        else:
            out.append(part.lower())
    return "_".join(out)


def camel(name: str) -> str:
    """snake_case to camelCase: price_delta -> priceDelta."""
    parts = [p for p in name.split("_") if p]
    return parts[0].lower() + "".join(p[:1].upper() + p[1:] for p in parts[1:]) if parts else name


def pascal(name: str) -> str:
    """snake_case to PascalCase: price_delta -> PriceDelta."""
    return "".join(p[:1].upper() + p[1:] for p in name.split("_") if p)
