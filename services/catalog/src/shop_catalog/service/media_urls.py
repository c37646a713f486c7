"""Where a media's previews are served (for the storefront pages and APIs)."""

from __future__ import annotations

import uuid
from typing import Protocol


class PreviewedMedia(Protocol):
    @property
    def id(self) -> uuid.UUID: ...

    @property
    def kind(self) -> str: ...

    @property
    def file_revision(self) -> int: ...


def preview_url(base_url: str, media_id: uuid.UUID, name: str, file_revision: int) -> str:
    return f"{base_url.rstrip('/')}/previews/{media_id}/{name}?v={file_revision}"


def preview_urls(base_url: str, media: PreviewedMedia) -> dict[str, str | None]:
    """`thumbnail_url` (400 px), `preview_url` (1500 px, watermarked: the image's large
    preview or the video's poster frame) and `clip_url` (a video's short silent clip, else
    None). `?v=` changes when the file is replaced, so browsers may cache them."""
    revision = media.file_revision
    large = "large.jpg" if media.kind == "image" else "poster.jpg"
    return {
        "thumbnail_url": preview_url(base_url, media.id, "thumb.jpg", revision),
        "preview_url": preview_url(base_url, media.id, large, revision),
        "clip_url": (
            preview_url(base_url, media.id, "clip.mp4", revision) if media.kind == "video" else None
        ),
    }
