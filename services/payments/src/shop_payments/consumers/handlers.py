"""The payments consumer: order events and the mark-paid command, one handler each.

The router opens the transaction and writes the inbox row; a handler only calls its use
case, with the repositories the root hands in (db's, on the router's session). A message
about an order not placed yet is kept whole (`shop_messaging.waiting`) and replayed, in
arrival order, through these same handlers when order.placed arrives.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_contracts import MarkOrderPaid, OrderCancelled, OrderPlaced, OrderValidated
from shop_contracts.commands import RefundPayment
from shop_contracts.envelope import Envelope
from shop_messaging.consumer import MessageRouter
from shop_messaging.waiting import keep_waiting
from shop_payments.service import orders, refunds
from shop_payments.service.offer import PaymentOptions
from shop_payments.service.ports import Repositories

CONSUMER = "payments"

RepositoriesOn = Callable[[AsyncSession], Repositories]  # db's, handed in by the root


def build_router(
    sessions: async_sessionmaker[AsyncSession],
    repositories: RepositoriesOn,
    clock: Callable[[], datetime],
    options: PaymentOptions,
) -> MessageRouter:
    """`options`: what the shop offers for paying (PaymentRequested says how to pay)."""
    router = MessageRouter(CONSUMER, sessions)

    async def keep_if_early(
        known: bool, session: AsyncSession, order_id: uuid.UUID, env: Envelope
    ) -> None:
        if not known:
            await keep_waiting(session, router.consumer, str(order_id), env)

    @router.on(OrderPlaced)
    async def on_order_placed(session: AsyncSession, msg: OrderPlaced, env: Envelope) -> None:
        async def replay_early() -> int:
            return await router.replay_waiting(session, str(msg.order_id))

        await orders.place_order(repositories(session), msg, env, clock(), options, replay_early)

    @router.on(OrderValidated)
    async def on_order_validated(session: AsyncSession, msg: OrderValidated, env: Envelope) -> None:
        known = await orders.validate_order(repositories(session), msg, env, clock(), options)
        await keep_if_early(known, session, msg.order_id, env)

    @router.on(OrderCancelled)
    async def on_order_cancelled(session: AsyncSession, msg: OrderCancelled, env: Envelope) -> None:
        known = await orders.cancel_order(repositories(session), msg, env, clock())
        await keep_if_early(known, session, msg.order_id, env)

    @router.on(MarkOrderPaid)
    async def on_mark_paid(session: AsyncSession, msg: MarkOrderPaid, env: Envelope) -> None:
        known = await orders.mark_paid(repositories(session), msg, env, clock())
        await keep_if_early(known, session, msg.order_id, env)

    @router.on(RefundPayment)
    async def on_refund(session: AsyncSession, msg: RefundPayment, env: Envelope) -> None:
        # Recorded here; the refund worker asks the processor after this commits.
        outcome = await refunds.request_refund(repositories(session), msg, env, clock())
        await keep_if_early(outcome != refunds.UNKNOWN, session, msg.order_id, env)

    return router
