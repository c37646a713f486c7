"""The orders notifications knows of, inside the caller's transaction (asyncpg directly:
`shop_platform.fastpath`, one statement each; issue 15)."""

from __future__ import annotations

import uuid

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from shop_notifications.domain.model import KnownOrder
from shop_notifications.domain.pricing import Pricing
from shop_platform.fastpath import as_json, raw

_ADD = """
INSERT INTO orders (order_id, number, manual_validation, pricing, seller_email)
VALUES ($1, $2, $3, $4::jsonb, $5)
ON CONFLICT (order_id) DO NOTHING
"""
_GET = """
SELECT order_id, number, manual_validation, pricing::text, seller_email FROM orders
WHERE order_id = $1
"""


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, order: KnownOrder) -> None:
        """Keep the order; one already known stays as it was."""
        pricing = as_json(order.pricing.to_json()) if order.pricing is not None else None
        db = await raw(self._session)
        await db.execute(
            _ADD, order.order_id, order.number, order.manual_validation, pricing, order.seller_email
        )

    async def get(self, order_id: uuid.UUID) -> KnownOrder | None:
        row = await (await raw(self._session)).fetchrow(_GET, order_id)
        if row is None:
            return None
        pricing = row["pricing"]  # its text: parsed here once
        return KnownOrder(
            order_id=row["order_id"],
            number=row["number"],
            manual_validation=row["manual_validation"],
            pricing=Pricing.from_json(orjson.loads(pricing)) if pricing is not None else None,
            seller_email=row["seller_email"],
        )
