"""Deliveries, their items and the triggers kept until the order is known."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.db.locks import ORDER_LOCK, advisory_xact_lock
from shop_delivery.db.tables import (
    deliveries,
    delivery_items,
    finalized_media,
    pending_triggers,
)
from shop_delivery.domain import Delivery, DeliveryStatus, PendingKind, Trigger
from shop_delivery.domain.items import DeliveryItem, FileSource, ItemKind, StoredFile

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
)
_ITEM_FIELDS = (
    "media_status",
    "media_created_at",
    "media_updated_at",
    "credit",
    "usage_terms",
    "held",
    "released_at",
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
    return {name: values[name] for name in _DELIVERY_FIELDS}


# Built once: the message path runs these for every order (see libs/messaging/inbox.py).
_DELIVERY = select(deliveries).where(deliveries.c.order_id == bindparam("order_id"))
_DELIVERY_LOCKED = _DELIVERY.with_for_update()
_ITEMS = (
    select(delivery_items)
    .where(delivery_items.c.order_id == bindparam("order_id"))
    .order_by(delivery_items.c.position)
)


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_order(self, order_id: uuid.UUID) -> None:
        """Serialize every message about one order (placed vs. an early payment...)."""
        await advisory_xact_lock(self.session, ORDER_LOCK, str(order_id))

    async def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> Delivery | None:
        query = _DELIVERY_LOCKED if for_update else _DELIVERY
        row = (await self.session.execute(query, {"order_id": order_id})).mappings().first()
        return _delivery(row) if row else None

    async def add(self, delivery: Delivery, items: list[DeliveryItem]) -> None:
        await self.session.execute(
            insert(deliveries).values(
                order_id=delivery.order_id,
                number=delivery.number,
                client_name=delivery.client_name,
                client_email=delivery.client_email,
                **_delivery_values(delivery),
            )
        )
        await self.add_items(items)

    async def add_items(self, items: list[DeliveryItem]) -> None:
        rows = [
            {
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
                **{name: getattr(item, name) for name in _ITEM_FIELDS},
            }
            for item in items
        ]
        if rows:
            await self.session.execute(insert(delivery_items), rows)

    async def save(self, delivery: Delivery) -> None:
        await self.session.execute(
            update(deliveries)
            .where(deliveries.c.order_id == delivery.order_id)
            .values(**_delivery_values(delivery))
        )

    async def items(self, order_id: uuid.UUID) -> list[DeliveryItem]:
        rows = (await self.session.execute(_ITEMS, {"order_id": order_id})).mappings()
        return [_item(row) for row in rows]

    async def save_item_file(self, item: DeliveryItem) -> None:
        assert item.file is not None
        assert item.file_name is not None
        await self.session.execute(
            update(delivery_items)
            .where(delivery_items.c.id == item.id)
            .values(
                file_name=item.file_name,
                file_source=item.file.source.value,
                file_key=item.file.key,
                size_bytes=item.file.size_bytes,
                mime_type=item.file.mime_type,
                held=item.held,
                released_at=item.released_at,
            )
        )

    async def hold_items(self, items: list[DeliveryItem]) -> None:
        ids = [item.id for item in items]
        if ids:
            await self.session.execute(
                update(delivery_items).where(delivery_items.c.id.in_(ids)).values(held=True)
            )

    async def drop_holds(self, order_id: uuid.UUID) -> int:
        """A withdrawn delivery never releases its held files."""
        result = await self.session.execute(
            update(delivery_items)
            .where(delivery_items.c.order_id == order_id, delivery_items.c.held)
            .values(held=False)
            .returning(delivery_items.c.id)
        )
        return len(result.all())

    async def held_items(self, media_id: uuid.UUID) -> list[DeliveryItem]:
        query = select(delivery_items).where(
            delivery_items.c.media_id == media_id, delivery_items.c.held
        )
        return [_item(row) for row in (await self.session.execute(query)).mappings()]

    async def orders_holding(self, media_id: uuid.UUID) -> list[uuid.UUID]:
        """Orders with a file of this media held as Proof (in a stable order: lock order)."""
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

    async def finalized(self, media_ids: list[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these media were marked Final after their orders were placed."""
        if not media_ids:
            return set()
        query = select(finalized_media.c.media_id).where(finalized_media.c.media_id.in_(media_ids))
        return {row[0] for row in await self.session.execute(query)}

    async def has_pending(self, order_id: uuid.UUID) -> bool:
        query = select(pending_triggers.c.id).where(
            pending_triggers.c.order_id == order_id, pending_triggers.c.applied_at.is_(None)
        )
        return (await self.session.execute(query.limit(1))).first() is not None

    async def keep_pending(
        self, order_id: uuid.UUID, kind: PendingKind, message_id: uuid.UUID
    ) -> None:
        await self.session.execute(
            pg_insert(pending_triggers)
            .values(order_id=order_id, kind=kind.value, message_id=message_id)
            .on_conflict_do_nothing(index_elements=["message_id"])
        )

    async def take_pending(self, order_id: uuid.UUID, at: datetime) -> list[PendingKind]:
        """The kept triggers of this order, oldest first, marked applied."""
        result = await self.session.execute(
            update(pending_triggers)
            .where(pending_triggers.c.order_id == order_id, pending_triggers.c.applied_at.is_(None))
            .values(applied_at=at)
            .returning(pending_triggers.c.kind, pending_triggers.c.id)
        )
        rows = sorted(result.all(), key=lambda row: row[1])
        return [PendingKind(row[0]) for row in rows]
