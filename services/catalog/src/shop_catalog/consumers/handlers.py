"""`MessageRouter("catalog")`: which media the unfinished orders use (order placed,
cancelled, delivered), so deleting a media an order still needs is refused; and the shop's
currency (`order.currency_changed`), in which amounts are shown and typed.

Out of order is fine: a cancelled or delivered order is remembered as finished, so an
`order.placed` that comes after it adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_catalog.service.currency import currency_changed
from shop_catalog.service.media_usage import order_finished, order_placed
from shop_catalog.service.ports import Repositories
from shop_contracts.envelope import Envelope
from shop_contracts.events import (
    CurrencyChanged,
    DeliveryCompleted,
    OrderCancelled,
    OrderPlaced,
)
from shop_messaging.consumer import MessageRouter

CONSUMER = "catalog"


def build_router(
    sessions: async_sessionmaker[AsyncSession],
    repositories: Callable[[AsyncSession], Repositories],
) -> MessageRouter:
    router = MessageRouter(CONSUMER, sessions)

    @router.on(OrderPlaced)
    async def on_order_placed(session: AsyncSession, payload: OrderPlaced, _: Envelope) -> None:
        await order_placed(repositories(session), payload)

    @router.on(OrderCancelled)
    async def on_order_cancelled(
        session: AsyncSession, payload: OrderCancelled, _: Envelope
    ) -> None:
        await order_finished(repositories(session), payload.order_id)

    @router.on(DeliveryCompleted)
    async def on_delivery_completed(
        session: AsyncSession, payload: DeliveryCompleted, _: Envelope
    ) -> None:
        await order_finished(repositories(session), payload.order_id)

    @router.on(CurrencyChanged)
    async def on_currency_changed(
        session: AsyncSession, payload: CurrencyChanged, _: Envelope
    ) -> None:
        await currency_changed(repositories(session), payload)

    return router
