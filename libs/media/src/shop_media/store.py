"""Where media originals live: a small interface and a local-folder implementation.

The interface is deliberately tiny (read a path, open, exists, put, size) so that an
S3-compatible store can replace `LocalMediaStore` later without touching its callers.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol, runtime_checkable

from shop_media.errors import MediaKeyError, MediaNotFoundError


@runtime_checkable
class MediaStore(Protocol):
    """Originals addressed by relative POSIX keys such as `demo/alps.jpg`."""

    def path_for(self, key: str) -> Path:
        """A local path to read the file from (a remote store would download to a cache)."""
        ...

    def open(self, key: str) -> BinaryIO: ...

    def exists(self, key: str) -> bool: ...

    def put_bytes(self, key: str, data: bytes) -> None: ...

    def put_file(self, key: str, src: Path) -> None: ...

    def size(self, key: str) -> int: ...


def validate_key(key: str) -> PurePosixPath:
    """Return the key as a relative path, or raise `MediaKeyError` naming the problem."""
    if not key or key.strip() != key:
        raise MediaKeyError(f"media key {key!r} is empty or has surrounding whitespace")
    if "\\" in key or "\x00" in key:
        raise MediaKeyError(f"media key {key!r} contains a backslash or NUL byte")
    path = PurePosixPath(key)
    if path.is_absolute():
        raise MediaKeyError(f"media key {key!r} is absolute; keys are relative to the store")
    # Reject `..` anywhere (even `a/../b`) and `.` segments: one spelling per file keeps
    # cache keys and S3 object names unambiguous.
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise MediaKeyError(f"media key {key!r} has '.', '..' or empty segments")
    return path


def write_atomically(dest: Path, write: Callable[[Path], object]) -> None:
    """Let `write` fill a temp file beside `dest`, then rename it into place.

    A crash leaves either the old file or the new one, never a half-written file; the temp
    file sits in the same folder so `os.replace` is a same-filesystem atomic rename.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class LocalMediaStore:
    """A `MediaStore` backed by a folder on the local filesystem."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def __repr__(self) -> str:
        return f"LocalMediaStore({str(self.root)!r})"

    def path_for(self, key: str) -> Path:
        path = (self.root / validate_key(key)).resolve()
        # A symlink inside the root could still point outside it: check the resolved path.
        if not path.is_relative_to(self.root):
            raise MediaKeyError(f"media key {key!r} resolves outside the store root")
        return path

    def open(self, key: str) -> BinaryIO:
        path = self._existing(key)
        return path.open("rb")

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def put_bytes(self, key: str, data: bytes) -> None:
        write_atomically(self.path_for(key), lambda tmp: tmp.write_bytes(data))

    def put_file(self, key: str, src: Path) -> None:
        write_atomically(self.path_for(key), lambda tmp: shutil.copyfile(src, tmp))

    def size(self, key: str) -> int:
        return self._existing(key).stat().st_size

    def _existing(self, key: str) -> Path:
        path = self.path_for(key)
        if not path.is_file():
            raise MediaNotFoundError(f"no media stored under key {key!r}")
        return path
