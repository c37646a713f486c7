"""`MessageRouter("notifications")`: one handler per message, in the inbox transaction.

Each handler renders the emails its message causes and records them as pending; the sender
loop sends them after the commit. A redelivered message is skipped by the inbox, and the
(message, template, recipient) unique key backs it up.
"""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_contracts.envelope import Envelope
from shop_contracts.events import (
    DeliveryCompleted,
    OrderCancelled,
    OrderPlaced,
    OrderValidated,
    PaymentConfirmed,
)
from shop_messaging.consumer import MessageRouter
from shop_notifications.db.repository import EmailRepository
from shop_notifications.domain import emails
from shop_notifications.service.ports import Renderer
from shop_notifications.service.record import record_emails

log = structlog.get_logger()

CONSUMER = "notifications"


def build_router(
    sessions: async_sessionmaker[AsyncSession], renderer: Renderer, *, orders_public_url: str
) -> MessageRouter:
    router = MessageRouter(CONSUMER, sessions)
    admin_orders = f"{orders_public_url.rstrip('/')}/admin/orders"

    @router.on(OrderPlaced)
    async def on_order_placed(session: AsyncSession, msg: OrderPlaced, env: Envelope) -> None:
        intents = emails.order_placed_emails(msg, admin_order_url=f"{admin_orders}/{msg.order_id}")
        await record_emails(
            EmailRepository(session), renderer, intents, cause=env, order_id=msg.order_id
        )

    @router.on(OrderValidated)
    async def on_order_validated(session: AsyncSession, msg: OrderValidated, env: Envelope) -> None:
        intents = emails.order_validated_emails(msg)
        await record_emails(
            EmailRepository(session), renderer, intents, cause=env, order_id=msg.order_id
        )

    @router.on(OrderCancelled)
    async def on_order_cancelled(session: AsyncSession, msg: OrderCancelled, env: Envelope) -> None:
        intents = emails.order_cancelled_emails(msg)
        await record_emails(
            EmailRepository(session), renderer, intents, cause=env, order_id=msg.order_id
        )

    @router.on(DeliveryCompleted)
    async def on_delivery_completed(
        session: AsyncSession, msg: DeliveryCompleted, env: Envelope
    ) -> None:
        intents = emails.delivery_completed_emails(msg)
        await record_emails(
            EmailRepository(session), renderer, intents, cause=env, order_id=msg.order_id
        )

    @router.on(PaymentConfirmed)
    async def on_payment_confirmed(
        session: AsyncSession, msg: PaymentConfirmed, env: Envelope
    ) -> None:
        # No email: the delivery email follows. Acknowledged (and recorded in the inbox).
        log.info("payment.confirmed.no_email", order_id=str(msg.order_id))

    return router
