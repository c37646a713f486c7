"""What delivery reads from an original for every order, read once per version of the file.

Naming reads the shooting date (EXIF, a libvips header) and the `original` mode probes the
file (size, type, pixels): both in the render pool, each ~0.25 ms of CPU, for every order
until issue 15. They are remembered per media key with the file's signature (inode, size,
modification time): a replaced original (a new file renamed into place, or rewritten) has
another signature and is read again, and `MediaFileReplaced` forgets it outright
(`Renderer.forget`). The signature is taken before the read, so a file replaced during the
read is remembered under the old signature, which no later stat() matches.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from shop_media.naming import shooting_date
from shop_media.probe import MediaInfo, probe

Signature = tuple[int, int, int]
InPool = Callable[..., Awaitable[Any]]
T = TypeVar("T")

MAX_REMEMBERED = 20_000  # originals; a few hundred bytes each
_UNKNOWN = datetime(1, 1, 1)


def signature(path: Path) -> Signature:
    status = path.stat()
    return status.st_ino, status.st_size, status.st_mtime_ns


class OriginalFacts:
    """The probe and the shooting date of each original, as long as the file is unchanged."""

    def __init__(self, max_remembered: int = MAX_REMEMBERED) -> None:
        self._max = max_remembered
        self._probes: dict[str, tuple[Signature, MediaInfo]] = {}
        self._dates: dict[str, tuple[Signature, datetime | None]] = {}

    async def probe(self, media_key: str, path: Path, in_pool: InPool) -> MediaInfo:
        info: MediaInfo = await self._read(self._probes, media_key, path, in_pool, probe)
        return info

    async def shooting_date(
        self, media_key: str, path: Path, fallback: datetime, in_pool: InPool
    ) -> datetime:
        """EXIF DateTimeOriginal (a video's creation time), else `fallback`."""
        taken = await self._read(self._dates, media_key, path, in_pool, _taken)
        return fallback if taken is None else taken

    def forget(self, media_key: str) -> None:
        self._probes.pop(media_key, None)
        self._dates.pop(media_key, None)

    async def _read(
        self,
        remembered: dict[str, tuple[Signature, T]],
        media_key: str,
        path: Path,
        in_pool: InPool,
        read: Callable[[Path], T],
    ) -> T:
        try:
            current = signature(path)
        except OSError:  # gone: read as before (it fails or falls back), nothing kept
            gone: T = await in_pool(read, path)
            return gone
        entry = remembered.get(media_key)
        if entry is not None and entry[0] == current:
            return entry[1]
        value: T = await in_pool(read, path)
        if len(remembered) >= self._max:
            del remembered[next(iter(remembered))]  # the oldest
        remembered[media_key] = (current, value)
        return value


def _taken(path: Path) -> datetime | None:
    taken = shooting_date(path, _UNKNOWN)
    return None if taken is _UNKNOWN else taken
