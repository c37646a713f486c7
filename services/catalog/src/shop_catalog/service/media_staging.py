"""Uploaded files on their way into the media store: written chunk by chunk to a temp file in
the store's own folder (so joining the library is a rename, not a copy), hashed as they come,
removed on any failure.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from shop_catalog.domain.media_errors import UploadTooLargeError
from shop_media.store import LocalMediaStore, MediaStore

STAGING_KEY = ".incoming"  # a folder of the store that no media key uses
STALE_AFTER_S = 24 * 3600  # a staged part this old belongs to a process that died
SWEEP_EVERY_S = 3600
_last_sweep: dict[Path, float] = {}


def staging_dir(store: MediaStore) -> Path:
    folder = store.path_for(STAGING_KEY)
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    if now - _last_sweep.get(folder, 0.0) > SWEEP_EVERY_S:
        _last_sweep[folder] = now
        sweep_stale(folder, now=now)
    return folder


def sweep_stale(folder: Path, *, now: float, older_than_s: float = STALE_AFTER_S) -> int:
    """Remove staged parts left by a process that died mid-upload; how many went."""
    removed = 0
    for part in folder.glob("upload-*.part"):
        with contextlib.suppress(FileNotFoundError):
            if now - part.stat().st_mtime > older_than_s:
                part.unlink()
                removed += 1
    return removed


@dataclass
class StagedFile:
    """One file of a form being received."""

    path: Path
    filename: str | None
    max_bytes: int
    size: int = 0
    complete: bool = False
    _hash: hashlib._Hash = field(default_factory=hashlib.sha256, repr=False)
    _fd: int | None = field(default=None, repr=False)

    @classmethod
    def open(cls, folder: Path, filename: str | None, max_bytes: int) -> StagedFile:
        fd, name = tempfile.mkstemp(dir=folder, prefix="upload-", suffix=".part")
        return cls(Path(name), filename, max_bytes, _fd=fd)

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.max_bytes:
            raise UploadTooLargeError(
                f"the file is over the upload limit of {self.max_bytes:,} bytes"
            )
        self._hash.update(data)
        assert self._fd is not None
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def finish(self) -> None:
        self.close()
        self.complete = True

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def discard(self) -> None:
        self.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def adopt(store: MediaStore, key: str, staged: StagedFile) -> None:
    """Move the staged file under `key` (replacing what was there, atomically)."""
    if isinstance(store, LocalMediaStore):
        dest = store.path_for(key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged.path, dest)
    else:  # another store: copy, then drop the staged file
        store.put_file(key, staged.path)
        staged.discard()


def remove(store: MediaStore, key: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        store.path_for(key).unlink()


@contextlib.contextmanager
def kept_aside(store: MediaStore, key: str) -> Iterator[None]:
    """Keep the current file of `key` until the block ends: put back if the block fails."""
    dest = store.path_for(key)
    backup = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:12]}.previous")
    had = dest.exists()
    if had:
        with contextlib.suppress(FileNotFoundError):
            backup.unlink()
        os.link(dest, backup)
    try:
        yield
    except BaseException:
        if had:
            os.replace(backup, dest)
        raise
    finally:
        with contextlib.suppress(FileNotFoundError):
            backup.unlink()
