"""After-sale emails that go to the photographer about an order: where to send them.

`payment.offline_chosen` and `payment.refunded` carry no seller address: it is the one
`order.placed` told (kept with the order), else the configured `SELLER_EMAIL` (an order
placed before notifications kept it). A message about an order not known yet is kept by
the consumer and replayed once `order.placed` is handled.
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from shop_contracts.envelope import Envelope
from shop_contracts.events import OfflinePaymentChosen, PaymentRefunded
from shop_notifications.domain import after_sale
from shop_notifications.domain.model import About
from shop_notifications.service.ports import EmailStore, KnownOrders, Renderer
from shop_notifications.service.record import record_emails

log = structlog.get_logger()


@dataclass(frozen=True)
class SellerLinks:
    default_seller_email: str  # SELLER_EMAIL
    admin_orders_url: str  # <orders>/admin/orders

    def order_url(self, order_id: object) -> str:
        return f"{self.admin_orders_url}/{order_id}"


async def email_order_after_sale(
    store: EmailStore,
    orders: KnownOrders,
    renderer: Renderer,
    links: SellerLinks,
    event: OfflinePaymentChosen | PaymentRefunded,
    *,
    cause: Envelope,
) -> bool:
    """Record the client's and the photographer's emails. False when the order is not
    known yet (the consumer keeps the message)."""
    order = await orders.get(event.order_id)
    if order is None:
        log.info("email.after_sale_early", order_id=str(event.order_id), type=cause.type)
        return False
    seller = order.seller_email or links.default_seller_email
    admin_order_url = links.order_url(event.order_id)
    if isinstance(event, OfflinePaymentChosen):
        intents = after_sale.offline_chosen_emails(
            event, seller_email=seller, admin_order_url=admin_order_url
        )
    else:
        intents = after_sale.refund_emails(
            event, seller_email=seller, admin_order_url=admin_order_url
        )
    await record_emails(store, renderer, intents, cause=cause, about=About.order(event.order_id))
    return True
