"""The refunds of orders (`order_refunds`), one row per refund id."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.db.tables import order_refunds
from shop_orders.domain.refunds import Refund, RefundStatus


def _refund(m: Mapping[Any, Any]) -> Refund:
    return Refund(
        id=m["id"],
        order_id=m["order_id"],
        amount=m["amount"],
        status=RefundStatus(m["status"]),
        requested_at=m["requested_at"],
        asked_amount=m["asked_amount"],
        line_ids=tuple(uuid.UUID(str(line)) for line in m["line_ids"]),
        reason=m["reason"],
        requested_by=m["requested_by"],
        origin=m["origin"],
        refunded_amount=m["refunded_amount"],
        settled_at=m["settled_at"],
    )


class SqlRefundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, refund: Refund) -> bool:
        statement = (
            insert(order_refunds)
            .values(
                id=refund.id,
                order_id=refund.order_id,
                amount=refund.amount,
                asked_amount=refund.asked_amount,
                line_ids=[str(line) for line in refund.line_ids],
                reason=refund.reason,
                requested_by=refund.requested_by,
                origin=refund.origin,
                status=refund.status.value,
                requested_at=refund.requested_at,
                refunded_amount=refund.refunded_amount,
                settled_at=refund.settled_at,
            )
            .on_conflict_do_nothing(index_elements=["id"])
            .returning(order_refunds.c.id)
        )
        return await self._session.scalar(statement) is not None

    async def get(self, refund_id: uuid.UUID) -> Refund | None:
        query = select(order_refunds).where(order_refunds.c.id == refund_id)
        row = (await self._session.execute(query)).mappings().first()
        return None if row is None else _refund(row)

    async def settle(
        self, refund_id: uuid.UUID, status: RefundStatus, amount: int | None, now: datetime
    ) -> None:
        await self._session.execute(
            update(order_refunds)
            .where(order_refunds.c.id == refund_id)
            .values(status=status.value, refunded_amount=amount, settled_at=now)
        )

    async def of_order(self, order_id: uuid.UUID) -> list[Refund]:
        query = (
            select(order_refunds)
            .where(order_refunds.c.order_id == order_id)
            .order_by(order_refunds.c.requested_at, order_refunds.c.id)
        )
        return [_refund(m) for m in (await self._session.execute(query)).mappings()]
