"""The orders notifications knows of, inside the caller's transaction."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_notifications.db.tables import orders
from shop_notifications.domain.model import KnownOrder
from shop_notifications.domain.pricing import Pricing

_ADD = insert(orders).on_conflict_do_nothing(index_elements=[orders.c.order_id])


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, order: KnownOrder) -> None:
        """Keep the order; one already known stays as it was."""
        await self._session.execute(
            _ADD,
            {
                "order_id": order.order_id,
                "number": order.number,
                "manual_validation": order.manual_validation,
                "pricing": order.pricing.to_json() if order.pricing is not None else None,
                "seller_email": order.seller_email,
            },
        )

    async def get(self, order_id: uuid.UUID) -> KnownOrder | None:
        row = (
            await self._session.execute(select(orders).where(orders.c.order_id == order_id))
        ).first()
        if row is None:
            return None
        return KnownOrder(
            order_id=row.order_id,
            number=row.number,
            manual_validation=row.manual_validation,
            pricing=Pricing.from_json(row.pricing) if row.pricing is not None else None,
            seller_email=row.seller_email,
        )
