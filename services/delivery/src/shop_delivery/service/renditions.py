"""The file each item delivers: the original itself, or a cached rendition of it.

A rendition is rendered once per (media key, spec key), off the event loop, and kept under
the rendition root; its row in `renditions` lets every later order reuse it. An advisory
lock per rendition makes a concurrent order wait for the first render instead of repeating it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.db.renditions import CachedRendition, RenditionRepository
from shop_delivery.domain.items import FileSource, StoredFile
from shop_media import DeliverySpec as MediaSpec
from shop_media import MediaError, MediaStore, RenditionInfo, probe, render_in_pool
from shop_media.store import validate_key

log = structlog.get_logger()

RenderFn = Callable[[Executor, Path, Path, MediaSpec], Awaitable[RenditionInfo]]


class RenditionFailedError(Exception):
    """The file cannot be produced (missing original, unsupported spec...): not transient."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Renderer:
    media: MediaStore
    root: Path
    executor: Executor
    render: RenderFn = field(default=render_in_pool)

    async def file_for(
        self, session: AsyncSession, media_key: str, spec: dict[str, Any]
    ) -> StoredFile:
        media_spec = self._spec(media_key, spec)
        src = self._original(media_key)
        if media_spec.mode == "original":
            return await self._original_file(media_key, src)
        return await self._rendition(session, media_key, src, media_spec)

    def path_of(self, stored: StoredFile) -> Path:
        """Where a delivered file is on disk (keys were validated when stored)."""
        if stored.source is FileSource.MEDIA:
            return self.media.path_for(stored.key)
        return self.root / validate_key(stored.key)

    @staticmethod
    def _spec(media_key: str, spec: dict[str, Any]) -> MediaSpec:
        try:
            return MediaSpec.model_validate(spec)
        except ValidationError as exc:
            raise RenditionFailedError(f"invalid delivery format for {media_key}: {exc}") from exc

    def _original(self, media_key: str) -> Path:
        try:
            src = self.media.path_for(media_key)
        except MediaError as exc:
            raise RenditionFailedError(str(exc)) from exc
        if not src.is_file():
            raise RenditionFailedError(f"the original of {media_key!r} is missing")
        return src

    async def _original_file(self, media_key: str, src: Path) -> StoredFile:
        loop = asyncio.get_running_loop()
        info = await loop.run_in_executor(self.executor, probe, src)
        extension = src.suffix.lower()
        return StoredFile(FileSource.MEDIA, media_key, info.size_bytes, info.mime_type, extension)

    async def _rendition(
        self, session: AsyncSession, media_key: str, src: Path, spec: MediaSpec
    ) -> StoredFile:
        repo = RenditionRepository(session)
        spec_key = spec.key()
        await repo.lock(media_key, spec_key)
        cached = await repo.find(media_key, spec_key)
        if cached is not None and (self.root / cached.path).is_file():
            log.info("rendition.reused", media_key=media_key, spec=spec_key)
            return _stored(cached)
        relative, info = await self._render(media_key, src, spec)
        cached = CachedRendition(
            media_key=media_key,
            spec_key=spec_key,
            path=relative,
            width=info.width,
            height=info.height,
            size_bytes=info.size_bytes,
            mime_type=info.mime_type,
        )
        await repo.put(cached)
        return _stored(cached)

    async def _render(
        self, media_key: str, src: Path, spec: MediaSpec
    ) -> tuple[str, RenditionInfo]:
        """Render to `<root>/<spec key>/<media key>[<extension>]`; returns the relative path."""
        relative = f"{spec.key()}/{media_key}"
        dest = self.root / validate_key(relative)
        try:
            info = await self.render(self.executor, src, dest, spec)
        except Exception as exc:  # libvips errors, unsupported input: never transient here
            log.warning("rendition.failed", media_key=media_key, spec=spec.key(), error=repr(exc))
            raise RenditionFailedError(f"cannot render {media_key} ({spec.key()}): {exc}") from exc
        if dest.suffix.lower() != info.extension:
            # Appended, not substituted: `a.jpeg` and `a.png` must not share `a.jpg`.
            os.replace(dest, dest.with_name(dest.name + info.extension))
            relative += info.extension
        log.info("rendition.rendered", media_key=media_key, spec=spec.key(), size=info.size_bytes)
        return relative, info


def _stored(cached: CachedRendition) -> StoredFile:
    extension = Path(cached.path).suffix.lower()
    return StoredFile(
        FileSource.RENDITION, cached.path, cached.size_bytes, cached.mime_type, extension
    )
