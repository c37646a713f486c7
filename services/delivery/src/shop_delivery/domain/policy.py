"""Delivery settings: link lifetime and downloads, the ZIP size cap, proof holding."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from shop_delivery.domain.errors import InvalidPolicyError
from shop_delivery.domain.items import DeliveryItem, ItemKind

MAX_EXPIRY_DAYS = 3650
MAX_DOWNLOADS = 1000
DEFAULT_ZIP_MAX_BYTES = 4_000_000_000  # 4 GB, decimal as sizes are shown
MIN_ZIP_MAX_BYTES = 1_000_000
MAX_ZIP_MAX_BYTES = 1_000_000_000_000


@dataclass(frozen=True)
class DeliveryPolicy:
    link_expiry_days: int = 30  # default of a license that sets none
    max_downloads: int = 10  # default of a license that sets none
    zip_max_bytes: int = DEFAULT_ZIP_MAX_BYTES  # an order over it is split into archives
    deliver_only_final: bool = False  # hold Proof files until they are marked Final

    def __post_init__(self) -> None:
        if not 1 <= self.link_expiry_days <= MAX_EXPIRY_DAYS:
            raise InvalidPolicyError(f"link_expiry_days must be between 1 and {MAX_EXPIRY_DAYS}")
        if not 1 <= self.max_downloads <= MAX_DOWNLOADS:
            raise InvalidPolicyError(f"max_downloads must be between 1 and {MAX_DOWNLOADS}")
        if not MIN_ZIP_MAX_BYTES <= self.zip_max_bytes <= MAX_ZIP_MAX_BYTES:
            raise InvalidPolicyError(
                f"zip_max_bytes must be between {MIN_ZIP_MAX_BYTES} and {MAX_ZIP_MAX_BYTES}"
            )

    def link_limits(self, expiry_days: int | None, max_downloads: int | None) -> tuple[int, int]:
        """A license's own link limits, or these defaults where it sets none."""
        return (expiry_days or self.link_expiry_days, max_downloads or self.max_downloads)

    def limits_of(self, item: DeliveryItem) -> tuple[int, int]:
        """(days, downloads) of `item`'s link: its license's own, or the defaults."""
        return self.link_limits(
            _int(item.spec, "link_expiry_days"), _int(item.spec, "max_downloads")
        )

    def held_back(
        self, items: Sequence[DeliveryItem], finalized: Collection[uuid.UUID]
    ) -> list[DeliveryItem]:
        """Proof files kept back: only with `deliver_only_final`, and not those whose media
        was marked Final since the order was placed (`finalized`: media ids)."""
        if not self.deliver_only_final:
            return []
        return [
            item
            for item in items
            if item.kind is ItemKind.MEDIA and item.is_proof and item.media_id not in finalized
        ]


def _int(spec: dict[str, Any], name: str) -> int | None:
    value = spec.get(name)
    return value if isinstance(value, int) else None
