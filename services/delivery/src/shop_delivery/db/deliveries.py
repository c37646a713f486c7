"""Deliveries, their items and the triggers kept until the order is known."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.db.locks import ORDER_LOCK, advisory_xact_lock
from shop_delivery.db.tables import deliveries, delivery_items, pending_triggers
from shop_delivery.domain import Delivery, DeliveryStatus, PendingKind, Trigger
from shop_delivery.domain.items import DeliveryItem, FileSource, StoredFile

_DELIVERY_FIELDS = (
    "status",
    "trigger",
    "forced",
    "triggered_at",
    "delivered_at",
    "cancelled_at",
    "failure_reason",
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
    )


def _delivery_values(delivery: Delivery) -> dict[str, Any]:
    values = asdict(delivery)
    return {name: values[name] for name in _DELIVERY_FIELDS}


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_order(self, order_id: uuid.UUID) -> None:
        """Serialize every message about one order (placed vs. an early payment...)."""
        await advisory_xact_lock(self.session, ORDER_LOCK, str(order_id))

    async def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> Delivery | None:
        query = select(deliveries).where(deliveries.c.order_id == order_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
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
        rows = [
            {
                "id": item.id,
                "order_id": item.order_id,
                "position": position,
                "line_id": item.line_id,
                "media_id": item.media_id,
                "media_key": item.media_key,
                "media_kind": item.media_kind,
                "license_name": item.license_name,
                "spec": item.spec,
            }
            for position, item in enumerate(items)
        ]
        await self.session.execute(insert(delivery_items), rows)

    async def save(self, delivery: Delivery) -> None:
        await self.session.execute(
            update(deliveries)
            .where(deliveries.c.order_id == delivery.order_id)
            .values(**_delivery_values(delivery))
        )

    async def items(self, order_id: uuid.UUID) -> list[DeliveryItem]:
        query = (
            select(delivery_items)
            .where(delivery_items.c.order_id == order_id)
            .order_by(delivery_items.c.position)
        )
        return [_item(row) for row in (await self.session.execute(query)).mappings()]

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
            )
        )

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
