"""Triggers kept until their order is known (payment, forced delivery, cancellation)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.db.tables import pending_triggers
from shop_delivery.domain import PendingKind


class SqlPendingTriggers:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def has(self, order_id: uuid.UUID) -> bool:
        query = select(pending_triggers.c.id).where(
            pending_triggers.c.order_id == order_id, pending_triggers.c.applied_at.is_(None)
        )
        return (await self.session.execute(query.limit(1))).first() is not None

    async def keep(self, order_id: uuid.UUID, kind: PendingKind, message_id: uuid.UUID) -> None:
        await self.session.execute(
            pg_insert(pending_triggers)
            .values(order_id=order_id, kind=kind.value, message_id=message_id)
            .on_conflict_do_nothing(index_elements=["message_id"])
        )

    async def take(self, order_id: uuid.UUID, at: datetime) -> list[PendingKind]:
        result = await self.session.execute(
            update(pending_triggers)
            .where(pending_triggers.c.order_id == order_id, pending_triggers.c.applied_at.is_(None))
            .values(applied_at=at)
            .returning(pending_triggers.c.kind, pending_triggers.c.id)
        )
        rows = sorted(result.all(), key=lambda row: row[1])
        return [PendingKind(row[0]) for row in rows]
