"""Typed failures. The build graph turns each into a failed task with its one-line message; nothing below the
graph prints a traceback for a problem a user can fix."""

from __future__ import annotations


class AtomikError(Exception):
    """A failure with a message meant for a person: what happened and what to do."""

    kind = "failed"  # the type a report records (failure_kind)


class ConfigError(AtomikError):
    """atomik.toml cannot be used: names the file, the key and what is allowed."""


class ToolMissing(AtomikError):
    """A required program is not installed; the message names the package that provides it."""

    kind = "missing-tool"

    def __init__(self, message: str, command: str = ""):
        super().__init__(message)
        self.command = command  # the program's name: a report keeps it, so the fix can check it is there after


class CheckFailed(AtomikError):
    """A toolchain reported a problem; the message holds its first relevant lines."""


class BoardUnavailable(AtomikError):
    """No board answered: not connected, no permission, or loaded with another design."""


class PluginError(AtomikError):
    """A language or board name that no folder provides."""


class ToolTimedOut(CheckFailed):
    """A tool ran past its time limit (transient: the feedback loop runs the check once more)."""

    kind = "timeout"


class ToolKilled(CheckFailed):
    """A tool was killed by a signal (out of memory, a runner's time-out): transient, tried once more."""

    kind = "killed"

    def __init__(self, message: str, signal: int = 0):
        super().__init__(message)
        self.signal = signal


class DoesNotFit(CheckFailed):
    """A design needs more of a resource than its device has: found before synthesis, from the schema."""

    kind = "does-not-fit"


class Counterexample(CheckFailed):
    """A proof found an input sequence on which the generated module breaks the algebra."""

    kind = "counterexample"


def failure_kind(exc: BaseException) -> str:
    """A failure's type as a report records it: the feedback loop decides by it before reading any text."""
    return exc.kind if isinstance(exc, AtomikError) else "crashed"
