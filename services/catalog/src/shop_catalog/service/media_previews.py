"""Which preview file to serve (made now if it is not there yet)."""

from __future__ import annotations

import uuid
from pathlib import Path

import structlog

from shop_catalog.domain.media_errors import MediaNotFoundError, PreviewUnavailableError
from shop_catalog.domain.media_settings import WatermarkSettings
from shop_catalog.service.media_library import MediaLibrary
from shop_catalog.service.media_ports import IMAGE_PREVIEWS, VIDEO_PREVIEWS, PreviewName

log = structlog.get_logger()

WATERMARKED = frozenset({"large.jpg", "poster.jpg", "clip.mp4"})


async def preview_file(
    library: MediaLibrary, media_id: uuid.UUID, name: PreviewName
) -> tuple[Path, int, bool]:
    """(the file, the media's file revision, whether it carries the watermark)."""
    async with library.transaction() as repos:
        media = await repos.media.get(media_id)
        settings = await repos.media.settings() if name in WATERMARKED else None
    if media is None or media.withdrawn:
        raise MediaNotFoundError(media_id)
    if name not in (VIDEO_PREVIEWS if media.kind == "video" else IMAGE_PREVIEWS):
        raise MediaNotFoundError(f"{media_id}/{name}")
    mark = settings.watermark if settings is not None else None
    try:
        path = await library.workshop.preview(media, name, mark or WatermarkSettings())
    except Exception as exc:
        log.warning("preview.unavailable", media_id=str(media_id), name=name, error=repr(exc))
        raise PreviewUnavailableError(f"the preview of media {media_id} cannot be made") from exc
    return path, media.file_revision, name in WATERMARKED
