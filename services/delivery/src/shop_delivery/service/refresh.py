"""Delivered files whose original was replaced since: produced again before they are served.

A download or an archive that meets such a file (`FileOutdatedError`) has these produced
again from the new original, outside any transaction (the rendition is cached, the license
is stamped again into the same per-order copy), stores them, then tries again. The file
keeps its name and its link; only its bytes (and size) change.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection
from typing import TypeVar

import structlog

from shop_delivery.domain.errors import DownloadNotFoundError, FileOutdatedError
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.ports import Transaction
from shop_delivery.service.producing import stamped
from shop_delivery.service.renditions import RenditionFailedError

log = structlog.get_logger()

T = TypeVar("T")
ATTEMPTS = 3


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
    stale = [
        item
        for item in loaded.items
        if item.id in item_ids and item.file_stale_at is not None and item.file is not None
    ]
    at = delivery.triggered_at or ctx.now()
    for item in stale:
        try:
            produced = await ctx.renderer.file_for(item.media_key, item.spec)
        except RenditionFailedError as exc:
            log.error("delivery.refresh_failed", item_id=str(item.id), reason=exc.reason)
            raise DownloadNotFoundError("This file is no longer available.") from exc
        item.file = await stamped(ctx, delivery, item, produced, at)
    async with transaction() as repos:
        refreshed = await repos.deliveries.refresh_files(stale)
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
