"""Delivered files whose original was replaced since: produced again before they are served.

So are delivered renditions (and stamped copies) gone from the disk. A download or an
archive that meets such a file (`FileOutdatedError`) has these produced
again from the new original, outside any transaction (the rendition is cached, the license
is stamped again into the same per-order copy), stores them, then tries again. The file
keeps its name and its link; only its bytes (and size) change.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection
from pathlib import Path
from typing import TypeVar

import structlog

from shop_delivery.domain.errors import DownloadNotFoundError, FileOutdatedError
from shop_delivery.domain.items import DeliveryItem, FileSource, ItemKind
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.ports import LinkedFile, Transaction
from shop_delivery.service.producing import stamped
from shop_delivery.service.renditions import RenditionFailedError

log = structlog.get_logger()

T = TypeVar("T")
ATTEMPTS = 3


def outdated(linked: LinkedFile, path: Path) -> bool:
    """Its original was replaced since it was produced, or its rendition (or stamped copy)
    is gone from the disk: it can be produced again (an original that is gone cannot)."""
    if linked.stale:
        return True
    return _renderable(linked.kind, linked.file.source) and not path.is_file()


def _renderable(kind: ItemKind, source: FileSource) -> bool:
    return kind is ItemKind.MEDIA and source is not FileSource.MEDIA


def _needs_refresh(ctx: ServiceContext, item: DeliveryItem) -> bool:
    if item.file is None or item.kind is not ItemKind.MEDIA:
        return False
    if item.file_stale_at is not None:
        return True
    gone = not ctx.renderer.path_of(item.file).is_file()
    return _renderable(item.kind, item.file.source) and gone


async def refresh_files(
    transaction: Transaction,
    ctx: ServiceContext,
    order_id: uuid.UUID,
    item_ids: Collection[uuid.UUID],
) -> int:
    async with transaction() as repos:  # a short read
        loaded = await repos.deliveries.load(order_id)
    if loaded is None:
        return 0
    delivery = loaded.delivery
    stale = [item for item in loaded.items if item.id in item_ids and _needs_refresh(ctx, item)]
    at = delivery.triggered_at or ctx.now()
    for item in stale:
        try:
            produced = await ctx.renderer.file_for(item.media_key, item.spec)
        except RenditionFailedError as exc:
            log.error("delivery.refresh_failed", item_id=str(item.id), reason=exc.reason)
            raise DownloadNotFoundError("This file is no longer available.") from exc
        item.file = await stamped(ctx, delivery, item, produced, at)
    async with transaction() as repos:
        refreshed = await repos.files.refresh_files(stale)
    log.info("delivery.files_refreshed", order_id=str(order_id), files=refreshed)
    return refreshed


async def with_fresh_files(
    transaction: Transaction, ctx: ServiceContext, serve: Callable[[], Awaitable[T]]
) -> T:
    """`serve()`, after producing again the replaced files it meets (a few times at most)."""
    for attempt in range(ATTEMPTS):
        try:
            return await serve()
        except FileOutdatedError as outdated:
            if attempt == ATTEMPTS - 1:
                raise
            await refresh_files(transaction, ctx, outdated.order_id, outdated.item_ids)
    raise AssertionError("unreachable")
