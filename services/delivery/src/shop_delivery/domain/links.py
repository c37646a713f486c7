"""Download links: expire, count downloads, can be revoked.

`bytes_credit`: bytes of the file that counted downloads paid for (each is worth the whole
file, even when it asked for a range) and that were not sent yet; see `domain.downloads`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shop_delivery.domain.items import DeliveryItem
from shop_delivery.domain.policy import DeliveryPolicy


class LinkState(StrEnum):
    AVAILABLE = "available"
    EXPIRED = "expired"
    USED_UP = "used_up"
    REVOKED = "revoked"


@dataclass(frozen=True)
class DownloadLink:
    id: uuid.UUID
    item_id: uuid.UUID
    order_id: uuid.UUID
    expires_at: datetime
    max_downloads: int
    download_count: int
    revoked_at: datetime | None
    created_at: datetime
    bytes_credit: int = 0

    def state(self, now: datetime) -> LinkState:
        if self.revoked_at is not None:
            return LinkState.REVOKED
        if self.expires_at <= now:
            return LinkState.EXPIRED
        if self.download_count >= self.max_downloads:
            return LinkState.USED_UP
        return LinkState.AVAILABLE

    @property
    def remaining(self) -> int:
        return max(0, self.max_downloads - self.download_count)


def link_expiry(delivered_at: datetime, days: int) -> datetime:
    return delivered_at + timedelta(days=days)


def new_links(
    order_id: uuid.UUID, items: Sequence[DeliveryItem], policy: DeliveryPolicy, at: datetime
) -> list[DownloadLink]:
    """One fresh link per item, opened `at`, with its license's limits or the defaults."""
    links = []
    for item in items:
        days, downloads = policy.limits_of(item)
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
    return links


def earliest_expiry(links: Sequence[DownloadLink]) -> datetime | None:
    return min((link.expires_at for link in links), default=None)
