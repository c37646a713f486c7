"""The payments consumer: order events and the mark-paid command, one handler each.

The router opens the transaction and writes the inbox row; a handler only calls its use
case, with the repositories the root hands in (db's, on the router's session).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_contracts import MarkOrderPaid, OrderCancelled, OrderPlaced, OrderValidated
from shop_contracts.envelope import Envelope
from shop_messaging.consumer import MessageRouter
from shop_payments.service import orders
from shop_payments.service.ports import Repositories

CONSUMER = "payments"

RepositoriesOn = Callable[[AsyncSession], Repositories]  # db's, handed in by the root


def build_router(
    sessions: async_sessionmaker[AsyncSession],
    repositories: RepositoriesOn,
    clock: Callable[[], datetime],
) -> MessageRouter:
    router = MessageRouter(CONSUMER, sessions)

    @router.on(OrderPlaced)
    async def on_order_placed(session: AsyncSession, msg: OrderPlaced, env: Envelope) -> None:
        await orders.record_order(repositories(session), msg, env, clock())

    @router.on(OrderValidated)
    async def on_order_validated(session: AsyncSession, msg: OrderValidated, env: Envelope) -> None:
        await orders.validate_order(repositories(session), msg, env, clock())

    @router.on(OrderCancelled)
    async def on_order_cancelled(session: AsyncSession, msg: OrderCancelled, env: Envelope) -> None:
        await orders.cancel_order(repositories(session), msg, env, clock())

    @router.on(MarkOrderPaid)
    async def on_mark_paid(session: AsyncSession, msg: MarkOrderPaid, env: Envelope) -> None:
        await orders.mark_paid(repositories(session), msg, env, clock())

    return router
