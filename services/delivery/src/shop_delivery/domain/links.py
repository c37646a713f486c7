"""Download links: expire, count downloads, can be revoked.

`bytes_credit`: bytes of the file that counted downloads paid for (each is worth the whole
file, even when it asked for a range) and that were not sent yet; see `domain.downloads`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


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
