"""The payments consumer: order events and the mark-paid command, one handler each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_contracts import MarkOrderPaid, OrderCancelled, OrderPlaced, OrderValidated
from shop_contracts.envelope import Envelope
from shop_messaging.consumer import MessageRouter
from shop_payments.db.repositories import sql_repositories
from shop_payments.service import orders

CONSUMER = "payments"


def build_router(
    sessions: async_sessionmaker[AsyncSession], clock: Callable[[], datetime]
) -> MessageRouter:
    router = MessageRouter(CONSUMER, sessions)

    @router.on(OrderPlaced)
    async def on_order_placed(session: AsyncSession, msg: OrderPlaced, env: Envelope) -> None:
        await orders.record_order(sql_repositories(session), msg, env, clock())

    @router.on(OrderValidated)
    async def on_order_validated(session: AsyncSession, msg: OrderValidated, env: Envelope) -> None:
        await orders.validate_order(sql_repositories(session), msg, env, clock())

    @router.on(OrderCancelled)
    async def on_order_cancelled(session: AsyncSession, msg: OrderCancelled, env: Envelope) -> None:
        await orders.cancel_order(sql_repositories(session), msg, env, clock())

    @router.on(MarkOrderPaid)
    async def on_mark_paid(session: AsyncSession, msg: MarkOrderPaid, env: Envelope) -> None:
        await orders.mark_paid(sql_repositories(session), msg, env, clock())

    return router
