"""What the use cases need from storage; `shop_orders.db` implements it on PostgreSQL."""

from __future__ import annotations

import uuid
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shop_contracts.envelope import Envelope
from shop_orders.domain.catalog import LicenseOption, Media, MediaStatus, ShopSettings
from shop_orders.domain.order import HistoryEntry, Order, OrderStatus


class CatalogRepository(Protocol):
    async def list_media(self) -> list[Media]: ...

    async def get_media(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, Media]:
        """The media with these ids that exist, each with its license options."""
        ...

    async def get_licenses(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, LicenseOption]: ...

    async def count_media(self) -> int: ...

    async def add_media(self, media: Media) -> None: ...

    async def get_one(self, media_id: uuid.UUID, *, for_update: bool = False) -> Media | None:
        """The media with all its license options (locked with `for_update`)."""
        ...

    async def set_media_status(
        self, media_id: uuid.UUID, status: MediaStatus, now: datetime
    ) -> None: ...

    async def next_license_position(self, media_id: uuid.UUID) -> int: ...

    async def add_license(self, option: LicenseOption) -> None: ...

    async def save_license(self, option: LicenseOption) -> None: ...

    async def delete_license(self, license_id: uuid.UUID) -> None: ...

    async def lock_for_seeding(self) -> None: ...


class OrderRepository(Protocol):
    async def next_number(self, year: int) -> str: ...

    async def add(self, order: Order) -> bool:
        """Insert the order, its lines and its new history; False when its idempotency key
        already belongs to another order (nothing is written then)."""
        ...

    async def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> Order | None: ...

    async def get_by_idempotency_key(self, key: str) -> Order | None: ...

    async def save(self, order: Order) -> None:
        """Store the order's statuses and append its new history entries."""
        ...

    async def recent(self, status: OrderStatus | None = None, limit: int = 200) -> list[Order]: ...

    async def history(self, order_id: uuid.UUID) -> list[HistoryEntry]: ...


class SettingsRepository(Protocol):
    async def get(self, *, for_update: bool = False) -> ShopSettings: ...

    async def save(self, settings: ShopSettings, now: datetime) -> None: ...


class Outbox(Protocol):
    async def add(self, *envelopes: Envelope) -> None: ...


@dataclass(frozen=True, slots=True)
class Repositories:
    """Everything one transaction touches."""

    catalog: CatalogRepository
    orders: OrderRepository
    settings: SettingsRepository
    outbox: Outbox


class Transaction(Protocol):
    """Opens one database transaction; it commits when the block ends without an error."""

    def __call__(self) -> AbstractAsyncContextManager[Repositories]: ...
