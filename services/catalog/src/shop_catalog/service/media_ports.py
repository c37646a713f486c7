"""The media library's ports (media rows, the unfinished orders that use media)."""

from __future__ import annotations

from typing import Protocol


class MediaRepository(Protocol):
    pass


class MediaUsageRepository(Protocol):
    pass
