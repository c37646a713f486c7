"""The previews workshop: libvips and PyAV in a bounded thread pool (`preview_workers`).

- Uploads are checked here (type by content, pixel limit, a real decode, metadata).
- Previews are files under `preview_dir/<media id>/r<file revision>/`, the watermarked ones
  named with the watermark's version: made once, whoever asks first; requests for the same
  preview while it is being made wait for that one job. A replaced file drops the folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyvips
import structlog

from shop_catalog.domain.media import Media
from shop_catalog.domain.media_settings import WatermarkSettings
from shop_catalog.service.media_ports import IMAGE_PREVIEWS, VIDEO_PREVIEWS, PreviewName
from shop_media import preview as make
from shop_media.ingest import (
    DEFAULT_MAX_PIXELS,
    Inspected,
    UnreadableFileError,
    UnsupportedFileError,
    file_type,
    inspect_upload,
    unreadable,
)
from shop_media.memory import bound_render_memory, release_freed_memory
from shop_media.store import MediaStore
from shop_media.watermark import Watermark

log = structlog.get_logger()

MAX_LOGO_EDGE = 4000
WATERMARKED: frozenset[str] = frozenset({"large.jpg", "poster.jpg", "clip.mp4"})


class PreviewWorkshop:
    def __init__(
        self,
        *,
        store: MediaStore,
        root: Path,
        workers: int,
        max_pixels: int = DEFAULT_MAX_PIXELS,
    ) -> None:
        bound_render_memory()  # no libvips cache, one libvips thread per worker, 2 arenas
        self._store = store
        self._root = root.resolve()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="preview")
        self._max_pixels = max_pixels
        self._making: dict[Path, asyncio.Future[Path]] = {}
        self._background: set[asyncio.Task[None]] = set()
        self._metrics: Any = None

    def bind_metrics(self, metrics: Any) -> None:
        """The root's metrics: previews made count as renditions of kind `preview_*`."""
        self._metrics = metrics

    async def _run(self, call: Callable[[], Any]) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, call)

    async def inspect(
        self,
        path: Path,
        *,
        preview_as: tuple[uuid.UUID, int] | None = None,
        watermark: WatermarkSettings | None = None,
    ) -> Inspected:
        """With `preview_as` (media id, file revision), an image's previews are made from
        the same decode that proves the file whole: one decode of the original in all."""

        def work() -> Inspected:
            try:
                return self._inspect(path, preview_as, watermark or WatermarkSettings())
            finally:
                release_freed_memory()

        started = time.perf_counter()
        result: Inspected = await self._run(work)
        if preview_as is not None and result.kind == "image":
            self._count("preview_upload", "made", started)
        return result

    def _inspect(
        self,
        path: Path,
        preview_as: tuple[uuid.UUID, int] | None,
        watermark: WatermarkSettings,
    ) -> Inspected:
        found = file_type(path)
        if preview_as is None or found.kind != "image" or found.format == "heif":
            return inspect_upload(path, max_pixels=self._max_pixels)
        inspected = inspect_upload(path, max_pixels=self._max_pixels, decode=False)
        media_id, revision = preview_as
        folder = self.folder(media_id) / f"r{revision}"
        try:
            make.image_previews(
                path,
                thumb=folder / "thumb.jpg",
                large=folder / self._large_name("large.jpg", watermark),
                watermark=self._watermark(watermark),
            )
        except pyvips.Error as exc:
            shutil.rmtree(self.folder(media_id), ignore_errors=True)
            raise unreadable(found, exc, path) from exc
        return inspected

    async def check_logo(self, path: Path) -> None:
        def check() -> None:
            with path.open("rb") as f:
                if f.read(8) != b"\x89PNG\r\n\x1a\n":
                    raise UnsupportedFileError("not a PNG file")
            try:
                logo = pyvips.Image.pngload(str(path), fail_on="error")
                if max(logo.width, logo.height) > MAX_LOGO_EDGE:
                    raise UnreadableFileError(f"at most {MAX_LOGO_EDGE} pixels wide and high")
                logo.avg()
            except pyvips.Error as exc:
                raise UnreadableFileError(f"the PNG does not decode ({exc})") from exc

        await self._run(check)

    def folder(self, media_id: uuid.UUID) -> Path:
        return self._root / str(media_id)

    @staticmethod
    def _large_name(name: str, watermark: WatermarkSettings) -> str:
        stem, _, suffix = name.partition(".")
        if name in WATERMARKED:
            stem = f"{stem}-w{watermark.version}" if watermark.kind != "none" else f"{stem}-w0"
        return f"{stem}.{suffix}"

    def path_of(self, media: Media, name: PreviewName, watermark: WatermarkSettings) -> Path:
        folder = self.folder(media.id) / f"r{media.file_revision}"
        return folder / self._large_name(name, watermark)

    async def preview(self, media: Media, name: PreviewName, watermark: WatermarkSettings) -> Path:
        wanted = VIDEO_PREVIEWS if media.kind == "video" else IMAGE_PREVIEWS
        if name not in wanted:
            raise FileNotFoundError(f"a {media.kind} has no {name}")
        path = self.path_of(media, name, watermark)
        if path.is_file():
            return path
        running = self._making.get(path)
        if running is None:
            running = asyncio.ensure_future(self._make(media, name, watermark, path))
            self._making[path] = running
            running.add_done_callback(lambda _: self._making.pop(path, None))
        return await asyncio.shield(running)

    async def _make(
        self, media: Media, name: PreviewName, watermark: WatermarkSettings, dest: Path
    ) -> Path:
        src = self._store.path_for(media.media_key)
        mark = self._watermark(watermark) if name in WATERMARKED else None
        kind = f"preview_{name.partition('.')[0]}"
        started = time.perf_counter()

        def work() -> None:
            try:
                if name == "clip.mp4":
                    make.video_clip(src, dest, watermark=mark)
                elif media.kind == "video":
                    edge = make.THUMB_EDGE if name == "thumb.jpg" else make.LARGE_EDGE
                    make.video_poster(src, dest, long_edge=edge, watermark=mark)
                else:
                    edge = make.THUMB_EDGE if name == "thumb.jpg" else make.LARGE_EDGE
                    make.image_preview(src, dest, long_edge=edge, watermark=mark)
            finally:
                release_freed_memory()

        try:
            await self._run(work)
        except Exception:
            self._count(kind, "failed", started)
            raise
        self._count(kind, "made", started)
        return dest

    def _count(self, kind: str, result: str, started: float) -> None:
        if self._metrics is None:
            return
        self._metrics.renditions.labels(kind, result).inc()
        if result == "made":
            self._metrics.rendition_duration.labels(kind).observe(time.perf_counter() - started)

    def _watermark(self, settings: WatermarkSettings) -> Watermark | None:
        if settings.kind == "none":
            return None
        if settings.kind == "logo" and settings.logo_key:
            logo = self._store.path_for(settings.logo_key)
            if logo.is_file():
                return Watermark(
                    "logo",
                    logo=logo,
                    position=settings.position,
                    size_pct=settings.size_pct,
                    opacity_pct=settings.opacity_pct,
                )
        return Watermark(
            "text",
            text=settings.text or "Preview",
            position=settings.position,
            size_pct=settings.size_pct,
            opacity_pct=settings.opacity_pct,
        )

    def make_soon(self, media: Media, watermark: WatermarkSettings) -> None:
        async def make_all() -> None:
            names = VIDEO_PREVIEWS if media.kind == "video" else IMAGE_PREVIEWS
            for name in names:
                try:
                    await self.preview(media, name, watermark)
                except Exception as exc:  # served on demand later; never crash the loop
                    log.warning(
                        "preview.failed", media_id=str(media.id), name=name, error=repr(exc)
                    )

        task = asyncio.get_running_loop().create_task(make_all())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drop(self, media_id: uuid.UUID, *, keep_revision: int | None = None) -> None:
        folder = self.folder(media_id)
        keep = f"r{keep_revision}" if keep_revision is not None else None

        def remove() -> None:
            if keep is None:
                shutil.rmtree(folder, ignore_errors=True)
                return
            if not folder.is_dir():
                return
            for child in folder.iterdir():
                if child.name != keep:
                    shutil.rmtree(child, ignore_errors=True)

        await asyncio.to_thread(remove)

    async def idle(self) -> None:
        """Wait for the background previews (tests, shutdown)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    async def aclose(self) -> None:
        for task in list(self._background):
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.gather(*list(self._background), return_exceptions=True)
        await asyncio.to_thread(self._pool.shutdown, wait=True)
