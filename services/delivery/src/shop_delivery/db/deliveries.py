"""Deliveries and their items: loaded with what a decision needs, saved at once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import RowMapping, bindparam, insert, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.config import SERVICE
from shop_delivery.db.links import add_links
from shop_delivery.db.settings import POLICY_FIELDS, policy_of
from shop_delivery.db.tables import (
    deliveries,
    delivery_items,
    delivery_settings,
    finalized_media,
)
from shop_delivery.domain import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    DownloadLink,
    PaymentState,
    Trigger,
)
from shop_delivery.domain.galleries import GalleryLine, gallery_lines_json, gallery_lines_of
from shop_delivery.domain.items import DeliveryItem, FileSource, ItemKind, StoredFile
from shop_delivery.service.ports import LoadedDelivery
from shop_messaging.locks import lock_order

_DELIVERY_FIELDS = (
    "status",
    "trigger",
    "forced",
    "triggered_at",
    "delivered_at",
    "cancelled_at",
    "failure_reason",
    "terms_text",
    "withdrawn_at",
    "payment",
    "payment_url",
    "refunded_at",
    "refunded_lines",
)
_ITEM_FIELDS = (
    "media_status",
    "media_created_at",
    "media_updated_at",
    "credit",
    "usage_terms",
    "usage",
    "held",
    "released_at",
    "gallery_title",
    "file_stale_at",
)


def _delivery(row: RowMapping) -> Delivery:
    return Delivery(
        order_id=row["order_id"],
        number=row["number"],
        client_name=row["client_name"],
        client_email=row["client_email"],
        status=DeliveryStatus(row["status"]),
        trigger=Trigger(row["trigger"]) if row["trigger"] else None,
        forced=row["forced"],
        triggered_at=row["triggered_at"],
        delivered_at=row["delivered_at"],
        cancelled_at=row["cancelled_at"],
        failure_reason=row["failure_reason"],
        terms_text=row["terms_text"],
        withdrawn_at=row["withdrawn_at"],
        payment=PaymentState(row["payment"]),
        payment_url=row["payment_url"],
        kind=DeliveryKind(row["kind"]),
        refunded_at=row["refunded_at"],
        refunded_lines=frozenset(uuid.UUID(line) for line in row["refunded_lines"] or []),
    )


def _item(row: RowMapping) -> DeliveryItem:
    stored = None
    if row["file_source"]:
        stored = StoredFile(
            source=FileSource(row["file_source"]),
            key=row["file_key"],
            size_bytes=row["size_bytes"],
            mime_type=row["mime_type"],
            extension="." + row["file_name"].rpartition(".")[2] if row["file_name"] else "",
        )
    return DeliveryItem(
        id=row["id"],
        order_id=row["order_id"],
        line_id=row["line_id"],
        media_id=row["media_id"],
        media_key=row["media_key"],
        media_kind=row["media_kind"],
        license_name=row["license_name"],
        spec=dict(row["spec"]),
        file_name=row["file_name"],
        file=stored,
        position=row["position"],
        kind=ItemKind(row["kind"]),
        **{name: row[name] for name in _ITEM_FIELDS},
    )


def _delivery_values(delivery: Delivery) -> dict[str, Any]:
    values = asdict(delivery)
    values["refunded_lines"] = sorted(str(line) for line in delivery.refunded_lines)
    return {name: values[name] for name in _DELIVERY_FIELDS}


def _item_row(item: DeliveryItem) -> dict[str, Any]:
    """A new item's row."""
    stored = item.file
    return {
        "id": item.id,
        "order_id": item.order_id,
        "position": item.position,
        "line_id": item.line_id,
        "media_id": item.media_id,
        "media_key": item.media_key,
        "media_kind": item.media_kind,
        "license_name": item.license_name,
        "spec": item.spec,
        "kind": item.kind.value,
        "file_name": item.file_name,
        "file_source": stored.source.value if stored else None,
        "file_key": stored.key if stored else None,
        "size_bytes": stored.size_bytes if stored else None,
        "mime_type": stored.mime_type if stored else None,
        **{name: getattr(item, name) for name in _ITEM_FIELDS},
    }


def _item_file(item: DeliveryItem) -> dict[str, Any]:
    """An item's row values a delivery changes (its file, hold, place), for `_SAVE_ITEM`."""
    stored = item.file
    return {
        "item_id": item.id,
        "new_position": item.position,
        "new_file_name": item.file_name,
        "new_file_source": stored.source.value if stored else None,
        "new_file_key": stored.key if stored else None,
        "new_size_bytes": stored.size_bytes if stored else None,
        "new_mime_type": stored.mime_type if stored else None,
        "new_held": item.held,
        "new_released_at": item.released_at,
    }


# Built once: the message path runs these for every order (see libs/messaging/inbox.py).
_DELIVERY = select(deliveries).where(deliveries.c.order_id == bindparam("order_id"))
_DELIVERY_LOCKED = _DELIVERY.with_for_update()
# The delivery with the settings (a singleton row, absent until first saved).
_LOAD = (
    select(deliveries, *(delivery_settings.c[name] for name in POLICY_FIELDS))
    .outerjoin(delivery_settings, true())
    .where(deliveries.c.order_id == bindparam("order_id"))
)
_LOAD_LOCKED = _LOAD.with_for_update(of=deliveries)
# The items, each with whether its media was marked Final since the order was placed.
_ITEMS = (
    select(delivery_items, finalized_media.c.media_id.is_not(None).label("finalized"))
    .outerjoin(finalized_media, finalized_media.c.media_id == delivery_items.c.media_id)
    .where(delivery_items.c.order_id == bindparam("order_id"))
    .order_by(delivery_items.c.position)
)
_SAVE_ITEM = (
    update(delivery_items)
    .where(delivery_items.c.id == bindparam("item_id"))
    .values(
        file_name=bindparam("new_file_name"),
        file_source=bindparam("new_file_source"),
        file_key=bindparam("new_file_key"),
        size_bytes=bindparam("new_size_bytes"),
        mime_type=bindparam("new_mime_type"),
        held=bindparam("new_held"),
        released_at=bindparam("new_released_at"),
        position=bindparam("new_position"),
    )
)


class SqlDeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # The values each delivery was loaded with: `save` skips a row that did not change.
        self._loaded: dict[uuid.UUID, dict[str, Any]] = {}

    async def lock_order(self, order_id: uuid.UUID) -> None:
        await lock_order(self.session, SERVICE, order_id)

    async def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> Delivery | None:
        query = _DELIVERY_LOCKED if for_update else _DELIVERY
        row = (await self.session.execute(query, {"order_id": order_id})).mappings().first()
        return self._seen(_delivery(row)) if row else None

    async def load(self, order_id: uuid.UUID, *, for_update: bool = False) -> LoadedDelivery | None:
        params = {"order_id": order_id}
        query = _LOAD_LOCKED if for_update else _LOAD
        row = (await self.session.execute(query, params)).mappings().first()
        if row is None:
            return None
        rows = (await self.session.execute(_ITEMS, params)).mappings().all()
        return LoadedDelivery(
            delivery=self._seen(_delivery(row)),
            items=[_item(item) for item in rows],
            policy=policy_of(row),
            finalized=frozenset(item["media_id"] for item in rows if item["finalized"]),
            galleries=gallery_lines_of(row["gallery_lines"] or []),
        )

    def _seen(self, delivery: Delivery) -> Delivery:
        self._loaded[delivery.order_id] = _delivery_values(delivery)
        return delivery

    async def add(
        self,
        delivery: Delivery,
        items: Sequence[DeliveryItem],
        galleries: Sequence[GalleryLine] = (),
    ) -> None:
        await self.session.execute(
            insert(deliveries).values(
                order_id=delivery.order_id,
                number=delivery.number,
                client_name=delivery.client_name,
                client_email=delivery.client_email,
                kind=delivery.kind.value,
                gallery_lines=gallery_lines_json(galleries),
                **_delivery_values(delivery),
            )
        )
        if items:
            await self.session.execute(insert(delivery_items), [_item_row(i) for i in items])
        self._seen(delivery)

    async def save(
        self,
        delivery: Delivery,
        *,
        items: Sequence[DeliveryItem] = (),
        added: Sequence[DeliveryItem] = (),
        links: Sequence[DownloadLink] = (),
    ) -> None:
        values = _delivery_values(delivery)
        if self._loaded.get(delivery.order_id) != values:
            await self.session.execute(
                update(deliveries)
                .where(deliveries.c.order_id == delivery.order_id)
                .values(**values)
            )
            self._loaded[delivery.order_id] = values
        if items:
            await self.session.execute(_SAVE_ITEM, [_item_file(item) for item in items])
        if added:
            await self.session.execute(insert(delivery_items), [_item_row(i) for i in added])
        await add_links(self.session, links)

    async def drop_holds(
        self, order_id: uuid.UUID, line_ids: Sequence[uuid.UUID] | None = None
    ) -> int:
        query = update(delivery_items).where(
            delivery_items.c.order_id == order_id, delivery_items.c.held
        )
        if line_ids is not None:
            query = query.where(delivery_items.c.line_id.in_(list(line_ids)))
        result = await self.session.execute(query.values(held=False).returning(delivery_items.c.id))
        return len(result.all())

    async def held_items(self, media_id: uuid.UUID) -> list[DeliveryItem]:
        query = select(delivery_items).where(
            delivery_items.c.media_id == media_id, delivery_items.c.held
        )
        return [_item(row) for row in (await self.session.execute(query)).mappings()]

    async def orders_holding(self, media_id: uuid.UUID) -> list[uuid.UUID]:
        query = (
            select(delivery_items.c.order_id)
            .where(delivery_items.c.media_id == media_id, delivery_items.c.held)
            .distinct()
            .order_by(delivery_items.c.order_id)
        )
        return [row[0] for row in await self.session.execute(query)]

    async def mark_finalized(self, media_id: uuid.UUID, media_key: str) -> None:
        await self.session.execute(
            pg_insert(finalized_media)
            .values(media_id=media_id, media_key=media_key)
            .on_conflict_do_nothing(index_elements=["media_id"])
        )

    async def finalized_among(self, media_ids: Sequence[uuid.UUID]) -> frozenset[uuid.UUID]:
        if not media_ids:
            return frozenset()
        query = select(finalized_media.c.media_id).where(
            finalized_media.c.media_id.in_(list(media_ids))
        )
        return frozenset(row[0] for row in await self.session.execute(query))
