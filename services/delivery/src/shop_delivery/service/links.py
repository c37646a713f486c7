"""Opening download links, and describing delivered files in events."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shop_contracts.events import DeliveredFile
from shop_delivery.db.links import LinkRepository
from shop_delivery.domain import DeliveryPolicy, DownloadLink, link_expiry
from shop_delivery.domain.items import DeliveryItem


def limits_of(item: DeliveryItem, policy: DeliveryPolicy) -> tuple[int, int]:
    """(days, downloads): the license's own link limits, or the settings' defaults."""
    days, downloads = item.spec.get("link_expiry_days"), item.spec.get("max_downloads")
    return policy.link_limits(
        days if isinstance(days, int) else None,
        downloads if isinstance(downloads, int) else None,
    )


async def open_links(
    session: AsyncSession,
    order_id: uuid.UUID,
    items: Sequence[DeliveryItem],
    policy: DeliveryPolicy,
    at: datetime,
) -> datetime | None:
    """One fresh link per item; returns the earliest expiry (None: no item)."""
    links = []
    for item in items:
        days, downloads = limits_of(item, policy)
        links.append(
            DownloadLink(
                id=uuid.uuid4(),
                item_id=item.id,
                order_id=order_id,
                expires_at=link_expiry(at, days),
                max_downloads=downloads,
                download_count=0,
                revoked_at=None,
                created_at=at,
            )
        )
    await LinkRepository(session).add_many(links)
    return min((link.expires_at for link in links), default=None)


def delivered_files(items: Sequence[DeliveryItem]) -> list[DeliveredFile]:
    return [
        DeliveredFile(
            line_id=item.line_id,
            file_name=item.file_name or "",
            size_bytes=item.file.size_bytes if item.file else 0,
        )
        for item in items
        if item.file is not None
    ]
