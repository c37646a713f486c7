"""Delivery settings: how long links live and how many downloads each allows."""

from __future__ import annotations

from dataclasses import dataclass

from shop_delivery.domain.errors import InvalidPolicyError

MAX_EXPIRY_DAYS = 3650
MAX_DOWNLOADS = 1000


@dataclass(frozen=True)
class DeliveryPolicy:
    link_expiry_days: int = 30
    max_downloads: int = 10

    def __post_init__(self) -> None:
        if not 1 <= self.link_expiry_days <= MAX_EXPIRY_DAYS:
            raise InvalidPolicyError(f"link_expiry_days must be between 1 and {MAX_EXPIRY_DAYS}")
        if not 1 <= self.max_downloads <= MAX_DOWNLOADS:
            raise InvalidPolicyError(f"max_downloads must be between 1 and {MAX_DOWNLOADS}")
