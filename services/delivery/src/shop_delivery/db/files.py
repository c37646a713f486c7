"""Delivered files produced again: their original was replaced, or their file is gone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.db.tables import delivery_items, download_links
from shop_delivery.domain.items import DeliveryItem, ItemKind

# A file produced again after its original was replaced: unless it went stale again since.
_REFRESH_ITEM = (
    update(delivery_items)
    .where(
        delivery_items.c.id == bindparam("item_id"),
        delivery_items.c.file_stale_at.is_not_distinct_from(bindparam("seen_stale_at")),
    )
    .values(
        file_source=bindparam("new_file_source"),
        file_key=bindparam("new_file_key"),
        size_bytes=bindparam("new_size_bytes"),
        mime_type=bindparam("new_mime_type"),
        file_stale_at=None,
    )
    .returning(delivery_items.c.id)
)


class SqlDeliveredFiles:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def mark_stale(self, media_key: str, at: datetime) -> int:
        result = await self.session.execute(
            update(delivery_items)
            .where(
                delivery_items.c.media_key == media_key,
                delivery_items.c.kind == ItemKind.MEDIA.value,
                delivery_items.c.file_source.is_not(None),
            )
            .values(file_stale_at=at)
            .returning(delivery_items.c.id)
        )
        return len(result.all())

    async def refresh_files(self, items: Sequence[DeliveryItem]) -> int:
        refreshed = 0
        for item in items:
            stored = item.file
            if stored is None:
                continue
            result = await self.session.execute(
                _REFRESH_ITEM,
                {
                    "item_id": item.id,
                    "seen_stale_at": item.file_stale_at,
                    "new_file_source": stored.source.value,
                    "new_file_key": stored.key,
                    "new_size_bytes": stored.size_bytes,
                    "new_mime_type": stored.mime_type,
                },
            )
            if result.first() is not None:
                refreshed += 1
                await self.session.execute(
                    update(download_links)
                    .where(download_links.c.item_id == item.id)
                    .values(bytes_credit=0)
                )
        return refreshed
