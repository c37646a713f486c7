"""The file each item delivers: the original itself, or a cached rendition of it.

A rendition (image or video) is rendered once per (media key, rendition key), in the bounded
render pool, and kept under the rendition root; its row in the cache (`ports.RenditionCache`)
lets every later order reuse it. No database connection is held while rendering: the cache
is read and written in short transactions of its own. Within a process, concurrent requests
for the same rendition wait for the first render (single flight); two replicas racing on a
brand new rendition may both render it, each atomically to the same path, and record one row.

A message's transaction renders nothing (`renders_deferred`, set by the consumer): a file it
needs that this process has not found or made yet raises `RenderFirst`; the consumer rolls
the transaction back, renders outside it and handles the message again. The rendition is
then a `stat()`, as for every later order.
"""

from __future__ import annotations

import asyncio
import os
import time
import weakref
from collections.abc import Awaitable, Callable, Iterable, Iterator
from concurrent.futures import Executor
from contextlib import AbstractAsyncContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog
from pydantic import ValidationError

from shop_delivery.domain.items import FileSource, StoredFile
from shop_delivery.service.originals import OriginalFacts
from shop_delivery.service.ports import CachedRendition, RenditionCache
from shop_media.errors import MediaError
from shop_media.memory import release_freed_memory
from shop_media.render import RenditionInfo
from shop_media.rendition import is_video, render_rendition_in_pool, rendition_key
from shop_media.spec import DeliverySpec as MediaSpec
from shop_media.store import MediaStore, validate_key

log = structlog.get_logger()

RenderFn = Callable[[Executor, Path, Path, MediaSpec], Awaitable[RenditionInfo]]
Target = tuple[str, dict[str, Any]]  # (media key, delivery spec)

_deferred: ContextVar[bool] = ContextVar("renders_deferred", default=False)


@contextmanager
def renders_deferred(deferred: bool = True) -> Iterator[None]:
    """While it lasts (in this task and those it starts), a rendition that is not known yet
    raises `RenderFirst` instead of being looked up or rendered."""
    token = _deferred.set(deferred)
    try:
        yield
    finally:
        _deferred.reset(token)


class RenderFirst(Exception):
    """The message's transaction needs these renditions: roll back, render, handle again."""

    def __init__(self, targets: list[Target]) -> None:
        super().__init__(f"{len(targets)} rendition(s) to render first")
        self.targets = targets


class RenditionFailedError(Exception):
    """The file cannot be produced (missing original, unsupported spec...): not transient."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_spec(media_key: str, spec: dict[str, Any]) -> MediaSpec:
    try:
        return MediaSpec.model_validate(spec)
    except ValidationError as exc:
        raise RenditionFailedError(f"invalid delivery format for {media_key}: {exc}") from exc


@dataclass
class Renderer:
    media: MediaStore
    root: Path
    executor: Executor
    cache: RenditionCache  # each call its own short transaction
    render: RenderFn = field(default=render_rendition_in_pool)
    _flights: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = field(
        default_factory=weakref.WeakValueDictionary, init=False, repr=False
    )
    # Renditions this process has found or made: a cache hit costs a stat(), not a
    # transaction (three per order otherwise). Rows are never deleted, and one whose file
    # has changed or gone is looked up again.
    _known: dict[tuple[str, str], CachedRendition] = field(
        default_factory=dict, init=False, repr=False
    )
    # One image render at a time: each decodes its original (~25 MB for 10 Mpixel), and two
    # at once took the service past 150 MB. Renders are cached, so this only slows a shop's
    # very first orders of new media; videos keep the pool's other worker, and stamps and
    # PDFs are not held up.
    # The service's metrics (`shop_messaging.metrics.ServiceMetrics`), bound by its root.
    metrics: Any = field(default=None, init=False, repr=False)
    _image_slot: asyncio.Semaphore = field(
        default_factory=lambda: asyncio.Semaphore(1), init=False, repr=False
    )
    originals: OriginalFacts = field(default_factory=OriginalFacts, init=False, repr=False)

    def require_known(self, targets: Iterable[Target]) -> None:
        """With renders deferred, raise `RenderFirst` naming every target whose rendition
        this process does not know yet (all at once: one rollback, not one per file)."""
        if not _deferred.get():
            return
        missing = [(key, spec) for key, spec in targets if not self._ready(key, spec)]
        if missing:
            raise RenderFirst(missing)

    def _ready(self, media_key: str, spec: dict[str, Any]) -> bool:
        """Nothing to render: the original itself, or a rendition known and unchanged."""
        key = rendition_key(parse_spec(media_key, spec), video=is_video(Path(media_key)))
        if key == "original":
            return True
        known = self._known.get((media_key, key))
        return known is not None and self._unchanged(known)

    async def file_for(self, media_key: str, spec: dict[str, Any]) -> StoredFile:
        """The original, or the cached rendition (rendered now if it is not cached yet)."""
        media_spec = parse_spec(media_key, spec)
        src = self.original_path(media_key)
        key = rendition_key(media_spec, video=is_video(src))
        if key == "original":
            return await self._original_file(media_key, src)
        if _deferred.get():
            known = self._known.get((media_key, key))
            if known is None or not self._unchanged(known):
                raise RenderFirst([(media_key, spec)])
            log.info("rendition.reused", media_key=media_key, spec=key)
            return _stored(known)
        lock = self._flights.setdefault((media_key, key), asyncio.Lock())
        async with lock:
            cached = await self._cached(media_key, key)
            if cached is not None:
                log.info("rendition.reused", media_key=media_key, spec=key)
                return _stored(cached)
            relative, info = await self._render(media_key, src, media_spec, key)
            cached = CachedRendition(
                media_key=media_key,
                spec_key=key,
                path=relative,
                width=info.width,
                height=info.height,
                size_bytes=info.size_bytes,
                mime_type=info.mime_type,
            )
            await self.cache.put(cached)
            self._known[(media_key, key)] = cached
            return _stored(cached)

    def forget(self, media_key: str, paths: list[str]) -> None:
        """The original of `media_key` was replaced: its renditions (`paths`, under the
        root, their rows already dropped) are deleted and no longer remembered here."""
        for known in [k for k in self._known if k[0] == media_key]:
            del self._known[known]
        self.originals.forget(media_key)
        for path in paths:
            (self.root / validate_key(path)).unlink(missing_ok=True)

    def bind_metrics(self, metrics: Any) -> None:
        self.metrics = metrics

    def path_of(self, stored: StoredFile) -> Path:
        """Where a delivered file is on disk (keys were validated when stored)."""
        if stored.source is FileSource.MEDIA:
            return self.media.path_for(stored.key)
        return self.root / validate_key(stored.key)

    def original_path(self, media_key: str) -> Path:
        try:
            src = self.media.path_for(media_key)
        except MediaError as exc:
            raise RenditionFailedError(str(exc)) from exc
        if not src.is_file():
            raise RenditionFailedError(f"the original of {media_key!r} is missing")
        return src

    async def in_pool(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run blocking file work (probe, stamp, PDF) in the render pool."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    async def shooting_date(self, media_key: str, fallback: datetime) -> datetime:
        """When the original was taken (file names), else `fallback`; read once per file."""
        src = self.original_path(media_key)
        return await self.originals.shooting_date(media_key, src, fallback, self.in_pool)

    async def _cached(self, media_key: str, key: str) -> CachedRendition | None:
        known = self._known.get((media_key, key))
        if known is not None and self._unchanged(known):
            return known
        cached = await self.cache.find(media_key, key)
        if cached is not None and (self.root / cached.path).is_file():
            self._known[(media_key, key)] = cached
            return cached
        return None

    def _unchanged(self, cached: CachedRendition) -> bool:
        try:
            return (self.root / cached.path).stat().st_size == cached.size_bytes
        except OSError:
            return False

    async def _original_file(self, media_key: str, src: Path) -> StoredFile:
        info = await self.originals.probe(media_key, src, self.in_pool)
        return StoredFile(
            FileSource.MEDIA,
            media_key,
            info.size_bytes,
            info.mime_type,
            src.suffix.lower(),
            info.width,
            info.height,
        )

    async def _render(
        self, media_key: str, src: Path, spec: MediaSpec, key: str
    ) -> tuple[str, RenditionInfo]:
        """Render to `<root>/<rendition key>/<media key>[<extension>]`; the relative path."""
        relative = f"{key}/{media_key}"
        dest = self.root / validate_key(relative)
        kind = "video" if is_video(src) else "image"
        try:
            slot: AbstractAsyncContextManager[Any] = (
                nullcontext() if kind == "video" else self._image_slot
            )
            async with slot:
                started = time.perf_counter()
                info = await self.render(self.executor, src, dest, spec)
                if self.metrics is not None:
                    self.metrics.rendition_duration.labels(kind).observe(
                        time.perf_counter() - started
                    )
        except Exception as exc:  # libvips/FFmpeg errors, unsupported input: never transient
            log.warning("rendition.failed", media_key=media_key, spec=key, error=repr(exc))
            if self.metrics is not None:
                self.metrics.renditions.labels(kind, "failed").inc()
            raise RenditionFailedError(f"cannot render {media_key} ({key}): {exc}") from exc
        if self.metrics is not None:
            self.metrics.renditions.labels(kind, "rendered").inc()
        if dest.suffix.lower() != info.extension:
            # Appended, not substituted: `a.jpeg` and `a.png` must not share `a.jpg`.
            os.replace(dest, dest.with_name(dest.name + info.extension))
            relative += info.extension
        log.info("rendition.rendered", media_key=media_key, spec=key, size=info.size_bytes)
        await self.in_pool(release_freed_memory)
        return relative, info


def _stored(cached: CachedRendition) -> StoredFile:
    extension = Path(cached.path).suffix.lower()
    return StoredFile(
        FileSource.RENDITION,
        cached.path,
        cached.size_bytes,
        cached.mime_type,
        extension,
        cached.width,
        cached.height,
    )
