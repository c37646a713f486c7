"""Subscribers of the `delivery` queue. The router owns the transaction and the inbox row."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_contracts.commands import ForceDelivery
from shop_contracts.envelope import Envelope
from shop_contracts.events import OrderCancelled, OrderPlaced, PaymentConfirmed
from shop_delivery.config import SERVICE
from shop_delivery.domain import Trigger
from shop_delivery.service.context import DeliveryContext
from shop_delivery.service.intake import cancel_delivery, record_order, trigger_delivery
from shop_messaging.consumer import MessageRouter


def build_router(sessions: async_sessionmaker[AsyncSession], ctx: DeliveryContext) -> MessageRouter:
    router = MessageRouter(consumer=SERVICE, sessions=sessions)

    @router.on(OrderPlaced)
    async def on_order_placed(
        session: AsyncSession, payload: OrderPlaced, envelope: Envelope
    ) -> None:
        await record_order(session, ctx, payload, envelope.event_id)

    @router.on(PaymentConfirmed)
    async def on_payment_confirmed(
        session: AsyncSession, payload: PaymentConfirmed, envelope: Envelope
    ) -> None:
        await trigger_delivery(session, ctx, payload.order_id, Trigger.PAYMENT, envelope.event_id)

    @router.on(ForceDelivery)
    async def on_force_delivery(
        session: AsyncSession, payload: ForceDelivery, envelope: Envelope
    ) -> None:
        await trigger_delivery(session, ctx, payload.order_id, Trigger.FORCE, envelope.event_id)

    @router.on(OrderCancelled)
    async def on_order_cancelled(
        session: AsyncSession, payload: OrderCancelled, envelope: Envelope
    ) -> None:
        await cancel_delivery(session, ctx, payload.order_id, envelope.event_id)

    return router
