"""What the use cases need from storage; `shop_delivery.db` implements it on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from shop_contracts.envelope import Envelope
from shop_delivery.domain import Delivery, DeliveryPolicy, DownloadLink
from shop_delivery.domain.galleries import GalleryCopy, GalleryLine
from shop_delivery.domain.items import DeliveryItem, ItemKind, StoredFile


@dataclass(frozen=True, slots=True)
class LoadedDelivery:
    """A delivery with what a decision about it needs, read in one trip."""

    delivery: Delivery
    items: list[DeliveryItem]  # in their order
    policy: DeliveryPolicy  # the delivery settings now
    finalized: frozenset[uuid.UUID]  # media of its items marked Final since it was placed
    galleries: list[GalleryLine] = field(default_factory=list)  # expanded when delivered


@dataclass(frozen=True, slots=True)
class LinkedFile:
    """A download link with the file it gives and that file's license."""

    link: DownloadLink
    file_name: str
    file: StoredFile
    position: int
    kind: ItemKind
    line_id: uuid.UUID
    license_name: str
    usage_terms: str | None
    credit: str | None
    gallery_title: str | None = None  # a file of a whole-gallery line
    usage: str | None = None  # a rights-managed line's usage
    stale: bool = False  # its original was replaced: produce it again before serving it


@dataclass(frozen=True, slots=True)
class CachedRendition:
    media_key: str
    spec_key: str
    path: str  # relative to the rendition root
    width: int | None
    height: int | None
    size_bytes: int
    mime_type: str


@dataclass(frozen=True, slots=True)
class AddedDelivery:
    new: bool  # False: the order's delivery existed already (nothing written)
    messages_waiting: bool  # messages were kept for the order (`shop_messaging.waiting`)


class DeliveryRepository(Protocol):
    async def lock_order(self, order_id: uuid.UUID) -> None:
        """Serialize every message about one order until the transaction ends (placed vs.
        an early payment on two replicas...)."""
        ...

    async def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> Delivery | None: ...

    async def load(self, order_id: uuid.UUID, *, for_update: bool = False) -> LoadedDelivery | None:
        """The delivery (its row locked with `for_update`), its items, the settings and
        which of its media were marked Final: two statements."""
        ...

    async def add(
        self,
        delivery: Delivery,
        items: Sequence[DeliveryItem],
        galleries: Sequence[GalleryLine] = (),
    ) -> AddedDelivery:
        """Nothing is written when the order's delivery exists already."""
        ...

    async def save(
        self,
        delivery: Delivery,
        *,
        items: Sequence[DeliveryItem] = (),
        added: Sequence[DeliveryItem] = (),
        links: Sequence[DownloadLink] = (),
    ) -> None:
        """Store what a use case decided, at once: the delivery (unless it is as it was
        loaded), these items' files, holds and positions, these new items (a gallery's
        files), these new links."""
        ...

    async def finalized_among(self, media_ids: Sequence[uuid.UUID]) -> frozenset[uuid.UUID]:
        """Those of these media marked Final (`media.finalized`)."""
        ...

    async def drop_holds(
        self, order_id: uuid.UUID, line_ids: Sequence[uuid.UUID] | None = None
    ) -> int:
        """A withdrawn (or refunded) delivery never releases its held files (only those of
        `line_ids` when given: a partial refund); how many there were."""
        ...

    async def held_items(self, media_id: uuid.UUID) -> list[DeliveryItem]: ...

    async def orders_holding(self, media_id: uuid.UUID) -> list[uuid.UUID]:
        """Orders with a file of this media held as Proof (in a stable order: lock order)."""
        ...

    async def mark_finalized(self, media_id: uuid.UUID, media_key: str) -> None: ...


class DeliveredFileRepository(Protocol):
    async def mark_stale(self, media_key: str, at: datetime) -> int:
        """Delivered files of this original were made from a file since replaced."""
        ...

    async def refresh_files(self, items: Sequence[DeliveryItem]) -> int:
        """Store files produced again (each item unless its original was replaced again
        since it was read: `file_stale_at` as read); their links' byte credit starts over."""
        ...


class GalleryRepository(Protocol):
    async def apply(self, copy: GalleryCopy, slug: str) -> bool:
        """Keep this snapshot unless a higher revision is kept already; True if kept."""
        ...

    async def get_many(self, gallery_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, GalleryCopy]: ...


class RenditionRows(Protocol):
    async def drop(self, media_key: str) -> list[str]:
        """Forget the cached renditions of this original; their paths (under the root)."""
        ...


class LinkRepository(Protocol):
    async def get(self, link_id: uuid.UUID, *, for_update: bool = False) -> LinkedFile | None:
        """The link and its file; `for_update` locks the link's row until the commit."""
        ...

    async def for_order(self, order_id: uuid.UUID) -> list[LinkedFile]:
        """Each delivered file's current link (the live one, else its latest), in order."""
        ...

    async def save_use(self, link: DownloadLink) -> None:
        """Store what a download decided (its row locked by `get(..., for_update=True)`)."""
        ...

    async def count_downloads(self, link_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Count one download on each link that still allows it; returns those counted.
        Atomic: concurrent requests never take a count past `max_downloads`."""
        ...

    async def revoke_for_order(self, order_id: uuid.UUID, at: datetime) -> int: ...

    async def revoke_lines(
        self, order_id: uuid.UUID, line_ids: Sequence[uuid.UUID], at: datetime
    ) -> int:
        """Revoke the live links of these lines' files (a partial refund); how many."""
        ...


class SettingsRepository(Protocol):
    async def get(self) -> DeliveryPolicy: ...

    async def put(self, policy: DeliveryPolicy) -> None: ...


class Outbox(Protocol):
    async def add(self, *envelopes: Envelope) -> None: ...


@dataclass(frozen=True, slots=True)
class Repositories:
    """Everything one transaction touches."""

    deliveries: DeliveryRepository
    links: LinkRepository
    settings: SettingsRepository
    outbox: Outbox
    galleries: GalleryRepository
    renditions: RenditionRows
    files: DeliveredFileRepository


class Transaction(Protocol):
    """Opens one database transaction; it commits when the block ends without an error."""

    def __call__(self) -> AbstractAsyncContextManager[Repositories]: ...


class RenditionCache(Protocol):
    """Renditions already made, one per (media key, spec key). Each call is a short
    transaction of its own: no connection is held while rendering."""

    async def find(self, media_key: str, spec_key: str) -> CachedRendition | None: ...

    async def put(self, rendition: CachedRendition) -> None:
        """Record (or replace) a rendition; committed when this returns."""
        ...
