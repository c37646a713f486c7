"""The abandoned-orders worker's statements (issue 13; migration 0011).

Claims: FOR UPDATE SKIP LOCKED with a lease on the order row (`orders.claimed_until`,
`shop_messaging.leased_loop.claim_statement`), so replicas share the due orders and a crashed
worker's claims come back once the lease runs out. Only due orders are claimed: the same rule
as `domain.abandoned.due_action`, in SQL (the settle decides again under the row lock).

`orders.payment_reminded_at` and `orders.claimed_until` are written here only, with plain
statements: they are not columns of `tables.orders` (an order's insert binds every column of
that table). The two delays are columns of the settings row, added to `tables.shop_settings`
below (as `pricing_tables` adds the currency).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, SmallInteger, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shop_messaging.leased_loop import claim_statement
from shop_orders.db.tables import shop_settings
from shop_orders.domain.abandoned import UnpaidOrder
from shop_orders.domain.status import OrderStatus, PaymentStatus
from shop_orders.service.abandoned import AbandonedUnit
from shop_orders.service.ports import Repositories

# Days unpaid before the reminder, before the cancellation (NULL: off).
shop_settings.append_column(Column("remind_unpaid_after_days", SmallInteger, nullable=True))
shop_settings.append_column(Column("cancel_unpaid_after_days", SmallInteger, nullable=True))

# When the client could start paying: placed, or validated (held for manual validation).
_OFFERED = (
    "GREATEST(orders.created_at, (SELECT max(h.at) FROM order_history h "
    "WHERE h.order_id = orders.id AND h.kind = 'validated'))"
)
_NOW = "CAST(:now AS timestamptz)"
_REMIND = "CAST(:remind_days AS integer)"
_CANCEL = "CAST(:cancel_days AS integer)"

_READY = f"""
    status = 'awaiting_payment' AND payment_status = 'unpaid' AND total > 0
    AND created_at <= {_NOW} - make_interval(days => CAST(:first_days AS integer))
    AND (
        ({_REMIND} IS NOT NULL AND payment_reminded_at IS NULL
            AND {_OFFERED} <= {_NOW} - make_interval(days => {_REMIND}))
        OR ({_CANCEL} IS NOT NULL
            AND ({_REMIND} IS NULL OR payment_reminded_at IS NOT NULL)
            AND {_OFFERED} <= {_NOW} - make_interval(days => {_CANCEL})
            AND ({_REMIND} IS NULL
                OR payment_reminded_at <= {_NOW} - make_interval(days => {_CANCEL} - {_REMIND})))
    )
"""

_CLAIM = claim_statement("orders", ready=_READY, order_by="created_at", returning="id")

_RELEASE = text(
    "UPDATE orders SET claimed_until = NULL WHERE id = ANY(:ids) AND claimed_until IS NOT NULL"
)

_UNPAID = text(
    f"""
    SELECT status, payment_status, total, payment_reminded_at, {_OFFERED} AS offered_at
    FROM orders WHERE id = :id FOR UPDATE
    """  # noqa: S608 - constant fragments
)

_REMINDED = text(
    "UPDATE orders SET payment_reminded_at = :at WHERE id = :id AND payment_reminded_at IS NULL"
)


class SqlAbandonedClaims:
    """The leases: each call its own transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def claim(
        self,
        *,
        lease_s: float,
        limit: int,
        now: datetime,
        remind_days: int | None,
        cancel_days: int | None,
    ) -> list[uuid.UUID]:
        delays = [d for d in (remind_days, cancel_days) if d is not None]
        if not delays:
            return []
        params: dict[str, Any] = {
            "lease_s": lease_s,
            "limit": limit,
            "now": now,
            "remind_days": remind_days,
            "cancel_days": cancel_days,
            "first_days": min(delays),
        }
        async with self._engine.begin() as conn:
            rows = (await conn.execute(_CLAIM, params)).all()
        return [row.id for row in rows]

    async def give_back(self, order_ids: Sequence[uuid.UUID]) -> int:
        """Release unsettled claims at once (a stopping worker)."""
        if not order_ids:
            return 0
        async with self._engine.begin() as conn:
            result = await conn.execute(_RELEASE, {"ids": list(order_ids)})
        return int(getattr(result, "rowcount", 0) or 0)


class SqlAbandonedOrders:
    """The worker's statements inside the settling transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def unpaid(self, order_id: uuid.UUID) -> UnpaidOrder | None:
        row = (await self._session.execute(_UNPAID, {"id": order_id})).first()
        if row is None:
            return None
        return UnpaidOrder(
            status=OrderStatus(row.status),
            payment_status=PaymentStatus(row.payment_status),
            total=int(row.total),
            offered_at=row.offered_at,
            reminded_at=row.payment_reminded_at,
        )

    async def mark_reminded(self, order_id: uuid.UUID, at: datetime) -> bool:
        result = await self._session.execute(_REMINDED, {"id": order_id, "at": at})
        return bool(getattr(result, "rowcount", 0))

    async def release(self, order_ids: Iterable[uuid.UUID]) -> int:
        ids = list(order_ids)
        if not ids:
            return 0
        result = await self._session.execute(_RELEASE, {"ids": ids})
        return int(getattr(result, "rowcount", 0) or 0)


def abandoned_unit(session: AsyncSession, repositories: Any) -> AbandonedUnit:
    """One settling transaction: the service's repositories and the worker's statements."""
    repos: Repositories = repositories(session)
    return AbandonedUnit(repos=repos, abandoned=SqlAbandonedOrders(session))
