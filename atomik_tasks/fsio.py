"""File writes that never leave a half-written file where a finished one is expected."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def _file_mode() -> int:
    """0o666 less the umask: what open() would give (mkstemp makes private 0o600 files)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_MODE = _file_mode()


def write_if_changed(path: Path, content: str | bytes) -> bool:
    """Write atomically unless the content is already there.

    Leaving an unchanged file alone keeps its mtime, so doit's checker does not even hash it.
    Returns True when the file was written.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write to a temp file in the same folder, then rename: readers see the old file or the new one."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dump_json(data: Any) -> str:
    """Canonical JSON text: same data, same bytes (hashes and diffs depend on it)."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_json(path: Path, data: Any) -> bool:
    return write_if_changed(path, dump_json(data))


def read_json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def sha256_file(path: Path) -> str:
    """The sha256 of a file, read in chunks (bitstreams and caches hold large ones)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextlib.contextmanager
def locked(lock: Path) -> Iterator[None]:
    """An exclusive lock held on `lock` (made when missing) while the block runs: parallel doit jobs that
    read-modify-write one file take it first."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def remove_files(base: Path, relative: list[str]) -> None:
    """Remove files under base, then the folders that left empty (up to base, which stays)."""
    for rel in relative:
        path = base / rel
        path.unlink(missing_ok=True)
        for parent in path.parents:
            if parent == base or base not in parent.parents:
                break
            try:
                parent.rmdir()
            except OSError:
                break  # not empty (or gone)


def remove_paths(paths: list[str]) -> None:
    """`doit clean` of a check: its report, log and scratch folders."""
    import shutil

    for name in paths:
        if os.path.isdir(name):
            shutil.rmtree(name, ignore_errors=True)
        else:
            Path(name).unlink(missing_ok=True)
