"""Plugins found by looking: every module of a package that defines a given attribute is one."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from typing import Any

from .errors import PluginError


def discover(package: str, path: Iterable[str], attribute: str, kind: type) -> dict[str, Any]:
    """{plugin.name: plugin} for each module (or sub-package) of `package` whose `attribute` is a `kind`."""
    found: dict[str, Any] = {}
    for info in sorted(pkgutil.iter_modules(list(path)), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"{package}.{info.name}")
        except TypeError as exc:  # a plugin class missing an abstract method fails here, when it is loaded
            raise PluginError(f"{package}.{info.name}: {exc}") from exc
        value = getattr(module, attribute, None)
        if isinstance(value, kind):
            found[value.name] = value
    return found


def pick(found: dict[str, Any], name: str, what: str) -> Any:
    """found[name], or a PluginError that lists the names there are."""
    try:
        return found[name]
    except KeyError:
        raise PluginError(f"unknown {what} {name!r}; known: {', '.join(found)}") from None
