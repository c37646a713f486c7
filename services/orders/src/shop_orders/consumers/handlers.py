"""Payment, delivery and email outcomes, and catalog's snapshots (the read model of the
catalog), consumed as `orders` (one inbox per message).

Delivery's facts: delivered (with Proof files held), failed, links re-issued, files released.
Payments' after-sale facts: refunded, refund failed, an offline method chosen (issue 13).

The router opens the transaction and writes the inbox row; a handler only calls its use
case (payment.confirmed also issues the order's invoice, in the same transaction, when it
made the order paid: `service/invoices.py`). A message about an order orders never placed is
poison: dead-lettered with the reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_contracts.envelope import Envelope, MessageBody
from shop_contracts.events import (
    DeliveryCompleted,
    DeliveryFailed,
    DeliveryFilesReleased,
    DownloadLinksReissued,
    GalleryOffered,
    MediaOffered,
    MediaWithdrawn,
    OfflinePaymentChosen,
    PaymentConfirmed,
    PaymentFailed,
    PaymentRefunded,
    RefundFailed,
)
from shop_messaging.consumer import MessageRouter, PoisonMessageError
from shop_orders.service import invoices, outcomes, read_model, refunds
from shop_orders.service.links import Links
from shop_orders.service.ports import Repositories

CONSUMER = "orders"

M = TypeVar("M", bound=MessageBody)
UseCase = Callable[[Repositories, M], Awaitable[object]]
RepositoriesOn = Callable[[AsyncSession], Repositories]  # db's, handed in by the root


def build_router(
    sessions: async_sessionmaker[AsyncSession], repositories: RepositoriesOn, *, links: Links
) -> MessageRouter:
    router = MessageRouter(CONSUMER, sessions)

    def register(message: type[M], use_case: UseCase[M]) -> None:
        async def handler(session: AsyncSession, payload: M, envelope: Envelope) -> None:
            repos = repositories(session)
            try:
                await use_case(repos, payload)
            except outcomes.UnknownOrderError as exc:
                raise PoisonMessageError(exc.reason) from exc

        handler.__name__ = f"on_{message.TYPE.replace('.', '_')}"
        router.on(message)(handler)

    register(PaymentConfirmed, partial(invoices.apply_payment_confirmed, links=links))
    register(PaymentFailed, outcomes.apply_payment_failed)
    register(DeliveryCompleted, outcomes.apply_delivery_completed)
    register(DeliveryFailed, outcomes.apply_delivery_failed)
    register(DownloadLinksReissued, outcomes.record_links_reissued)
    register(DeliveryFilesReleased, outcomes.record_files_released)
    # after-sale (issue 13): refunds applied once per refund id, the offline choice noted
    register(PaymentRefunded, refunds.apply_payment_refunded)
    register(RefundFailed, refunds.apply_refund_failed)
    register(OfflinePaymentChosen, refunds.record_offline_choice)
    # the read model of the catalog: snapshots kept when newer (service/read_model.py)
    register(MediaOffered, read_model.apply_media_offered)
    register(MediaWithdrawn, read_model.apply_media_withdrawn)
    register(GalleryOffered, read_model.apply_gallery_offered)
    return router
