"""Target plugins, found by looking: every module here that defines TARGET is one."""

from __future__ import annotations

import functools
import importlib
import pkgutil

from .base import Target, names

__all__ = ["Target", "all_targets", "get", "module_file", "names"]


@functools.cache
def all_targets() -> dict[str, Target]:
    found: dict[str, Target] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        target = getattr(module, "TARGET", None)
        if isinstance(target, Target):
            found[target.name] = target
    return found


def get(name: str) -> Target:
    return all_targets()[name]


def module_file(target: Target) -> str:
    """Source file of a target's plugin module (a dependency of its generate tasks)."""
    return importlib.import_module(type(target).__module__).__file__
