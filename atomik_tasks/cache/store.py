"""The store behind the cache: fsspec (file:// by default, s3:// with s3fs, gs://, a shared folder). Every
failure of the store (unreachable, denied, a corrupt or mismatched object) is a StoreError the caller turns into
a miss with one warning line; nothing fetched is used before its sha256 is checked."""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import AtomikError
from ..fsio import sha256_file, write_atomic

DEFAULT_DIR = "~/.cache/atomik-tasks"


class StoreError(AtomikError):
    """The store could not be read or written (bad_entry False: it is unreachable or denied), or held an entry
    it should not (bad_entry True: corrupt, mismatched, missing; the entry is ignored, the store still used)."""

    def __init__(self, message: str, bad_entry: bool = False):
        super().__init__(message)
        self.bad_entry = bad_entry


@dataclass
class Store:
    url: str
    read_only: bool = False
    max_bytes: int = 0  # a local store is trimmed to this (least recently used first); 0: no cap

    def __post_init__(self) -> None:
        import fsspec  # imported only when a cacheable task runs

        try:
            self.fs, root = fsspec.core.url_to_fs(os.path.expanduser(self.url))
        except (ImportError, ValueError) as exc:
            raise StoreError(f"cache {self.url}: {exc}") from None
        self.root = root.rstrip("/")
        self.local = "file" in (self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,))

    def _path(self, kind: str, name: str) -> str:
        return f"{self.root}/{kind}/{name}"

    def _guard(self, what: str, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except FileNotFoundError:
            return None
        except StoreError:
            raise
        except Exception as exc:  # fsspec backends raise their own kinds (botocore, aiohttp, OSError)
            raise StoreError(f"cache {self.url}: {what} failed: {type(exc).__name__}: {str(exc)[:160]}") from None

    # ---- action results -------------------------------------------------------------------------------------
    def get_action(self, key: str) -> dict[str, Any] | None:
        raw = self._guard("reading an action", self.fs.cat_file, self._path("ac", key))
        if raw is None:
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            raise StoreError(f"cache {self.url}: ac/{key[:12]} is not JSON (corrupt entry, ignored)", True) from None
        if not isinstance(data, dict) or not isinstance(data.get("outputs"), list):
            raise StoreError(f"cache {self.url}: ac/{key[:12]} has no outputs (corrupt entry, ignored)", True)
        if self.local and not self.read_only:
            self._guard("touching an action", self.fs.touch, self._path("ac", key), False)
        return data

    def remove_action(self, key: str) -> None:
        """Forget a bad entry (a read-only store is left as it is: its entry is only ignored)."""
        if not self.read_only:
            self._guard("removing an action", self.fs.rm_file, self._path("ac", key))

    def put_action(self, key: str, data: dict[str, Any]) -> None:
        if self.read_only:
            return
        self._guard(
            "writing an action", self._put_bytes, self._path("ac", key), json.dumps(data, sort_keys=True).encode()
        )

    # ---- contents ------------------------------------------------------------------------------------------
    def has_blob(self, digest: str) -> bool:
        return bool(self._guard("looking up a blob", self.fs.exists, self._path("cas", digest)))

    def put_blob(self, path: Path) -> str:
        digest = sha256_file(path)
        if not self.read_only and not self.has_blob(digest):
            self._guard("writing a blob", self._put_bytes, self._path("cas", digest), path.read_bytes())
        return digest

    def get_blob(self, digest: str, dest: Path) -> None:
        """Write the blob to dest, atomically, only once its sha256 is the one asked for."""
        data = self._guard("reading a blob", self.fs.cat_file, self._path("cas", digest))
        if data is None:
            raise StoreError(f"cache {self.url}: cas/{digest[:12]} is missing", True)
        if hashlib.sha256(data).hexdigest() != digest:
            if not self.read_only:  # the next store of this content writes it anew
                self._guard("removing a corrupt blob", self.fs.rm_file, self._path("cas", digest))
            raise StoreError(
                f"cache {self.url}: cas/{digest[:12]} does not match its digest (corrupt entry, ignored)", True
            )
        if self.local and not self.read_only:  # its last use, for the least-recently-used eviction
            self._guard("touching a blob", self.fs.touch, self._path("cas", digest), False)
        write_atomic(dest, data)

    def _put_bytes(self, path: str, data: bytes) -> None:
        if self.local:  # a rename: a reader never sees half an object; the umask's mode, so a team can share it
            write_atomic(Path(path), data)
        else:
            self.fs.pipe_file(path, data)

    # ---- size, eviction, clearing ----------------------------------------------------------------------------
    def entries(self) -> list[tuple[str, int, float]]:
        """(path, size, last use) of every object."""
        out = []
        for kind in ("ac", "cas"):
            found = self._guard("listing", self.fs.find, f"{self.root}/{kind}", None, False, True) or {}
            for path, info in found.items():
                mtime = info.get("mtime") or info.get("LastModified") or 0
                out.append(
                    (
                        path,
                        int(info.get("size") or 0),
                        mtime.timestamp() if hasattr(mtime, "timestamp") else float(mtime),
                    )
                )
        return out

    def evict(self) -> int:
        """Trim a local store to max_bytes, least recently used first; the bytes removed."""
        if not self.local or not self.max_bytes or self.read_only:
            return 0
        entries = sorted(self.entries(), key=lambda e: e[2])
        total = sum(e[1] for e in entries)
        removed = 0
        for path, size, _ in entries:
            if total - removed <= self.max_bytes:
                break
            self._guard("evicting", self.fs.rm_file, path)
            removed += size
        if removed:
            self.log(f"evict {removed}")  # `doit optimize` weighs evictions against the hit rate
        return removed

    def clear(self) -> None:
        if self.read_only:
            raise StoreError(f"cache {self.url} is read-only")
        for kind in ("ac", "cas"):
            if self._guard("checking", self.fs.exists, f"{self.root}/{kind}"):
                self._guard("clearing", self.fs.rm, f"{self.root}/{kind}", True)

    # ---- the hit rate (a local store keeps a log of lookups) ------------------------------------------------
    def log(self, event: str) -> None:
        if not self.local:
            return
        path = Path(self.root, "events.log")
        try:
            with path.open("a", encoding="utf-8") as fh:
                fh.write(f"{int(time.time())} {event}\n")
        except OSError:
            pass

    def hit_rate(self) -> tuple[int, int]:
        """(hits, lookups) over the last 1,000 lookups of a local store."""
        try:
            lines = Path(self.root, "events.log").read_text("utf-8").splitlines()
        except OSError:
            return 0, 0
        events = [line.split()[-1] for line in lines if line.endswith((" hit", " miss"))][-1000:]
        return events.count("hit"), len(events)
