"""The media library's ports (media rows, the catalog settings, the unfinished orders that use
media, the previews workshop)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

from shop_catalog.domain.media import Media
from shop_catalog.domain.media_settings import CatalogSettings, WatermarkSettings
from shop_media.ingest import Inspected

PreviewName = Literal["thumb.jpg", "large.jpg", "poster.jpg", "clip.mp4"]
IMAGE_PREVIEWS: tuple[PreviewName, ...] = ("thumb.jpg", "large.jpg")
VIDEO_PREVIEWS: tuple[PreviewName, ...] = ("thumb.jpg", "poster.jpg", "clip.mp4")


class MediaRepository(Protocol):
    async def add(self, media: Media) -> None: ...

    async def get(self, media_id: uuid.UUID, *, for_update: bool = False) -> Media | None: ...

    async def save(self, media: Media) -> None:
        """Write the fields a use case may change (never `revision`: publish_media's)."""
        ...

    async def page(
        self,
        *,
        q: str | None,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
        photographer_id: uuid.UUID | None = None,
    ) -> list[Media]:
        """Newest first; `q` matches the title or a keyword; withdrawn ones left out;
        `photographer_id`: only that photographer's (None: everyone's)."""
        ...

    async def lock_content(self, sha256: str) -> None:
        """Serialise uploads of the same bytes until the transaction ends."""
        ...

    async def live_with_content(self, sha256: str) -> Media | None: ...

    async def settings(self, *, for_update: bool = False) -> CatalogSettings: ...

    async def save_settings(self, settings: CatalogSettings, now: datetime) -> None: ...


class MediaUsageRepository(Protocol):
    async def unfinished_orders_using(self, media_id: uuid.UUID) -> int: ...

    async def record(self, order_id: uuid.UUID, media_ids: Iterable[uuid.UUID]) -> None:
        """The order uses these media (nothing when the order is already finished)."""
        ...

    async def finish(self, order_id: uuid.UUID) -> None:
        """The order is delivered or cancelled: it uses nothing any more."""
        ...


class PreviewWorkshop(Protocol):
    """libvips / PyAV work in a bounded pool: checking uploads, making previews."""

    async def inspect(
        self,
        path: Path,
        *,
        preview_as: tuple[uuid.UUID, int] | None = None,
        watermark: WatermarkSettings | None = None,
    ) -> Inspected:
        """The upload's type, size and metadata, or a `shop_media.ingest.UploadError`;
        with `preview_as` (media id, file revision) an image's previews are made from the
        same decode (`drop` them if the upload is not kept)."""
        ...

    async def preview(self, media: Media, name: PreviewName, watermark: WatermarkSettings) -> Path:
        """The preview's file, made now if it is not there yet (once, however many ask)."""
        ...

    def make_soon(self, media: Media, watermark: WatermarkSettings) -> None:
        """Start making every preview of the media in the background."""
        ...

    async def drop(self, media_id: uuid.UUID, *, keep_revision: int | None = None) -> None:
        """Forget the media's previews (its file was replaced), but those of
        `keep_revision` (the new file's, perhaps already asked for)."""
        ...

    async def check_logo(self, path: Path) -> None:
        """Raise `shop_media.ingest.UploadError` unless the file is a readable PNG."""
        ...
