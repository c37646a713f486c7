"""The client is emailed when the order is placed: what was ordered, the total, and how to
pay (`payment.requested`, published by payments once the payment page is open).

The email needs the order as `order.placed` told it (held for validation or not): a
`payment.requested` that arrives first is kept by the consumer and replayed after it.
"""

from __future__ import annotations

import structlog

from shop_contracts.envelope import Envelope
from shop_contracts.events import OrderPlaced, PaymentRequested
from shop_notifications.domain import emails
from shop_notifications.domain.model import About, KnownOrder, ShopContact
from shop_notifications.domain.pricing import Pricing
from shop_notifications.service.ports import EmailStore, KnownOrders, Renderer
from shop_notifications.service.record import record_emails
from shop_web import BrandingSource

log = structlog.get_logger()


async def remember_order(orders: KnownOrders, placed: OrderPlaced) -> None:
    order = KnownOrder(
        order_id=placed.order_id,
        number=placed.number,
        manual_validation=placed.manual_validation,
        pricing=Pricing.of_placed(placed),
        seller_email=placed.seller_email,
    )
    await orders.add(order)


async def _contact(branding: BrandingSource) -> ShopContact:
    shop = await branding.branding()  # orders' shop settings, cached a little while
    return ShopContact(name=shop.name, email=shop.contact_email, phone=shop.contact_phone)


async def email_payment_request(
    store: EmailStore,
    orders: KnownOrders,
    renderer: Renderer,
    branding: BrandingSource,
    event: PaymentRequested,
    *,
    cause: Envelope,
) -> bool:
    """Record the client's "how to pay" email. False when the order is not known yet."""
    order = await orders.get(event.order_id)
    if order is None:
        log.info("email.payment_request_early", order_id=str(event.order_id))
        return False
    wanted = not order.manual_validation and emails.shows_contact(event)
    contact = await _contact(branding) if wanted else ShopContact(name="")  # asked only if shown
    intents = emails.payment_requested_emails(event, order, contact)
    if not intents:
        log.info("email.payment_link_with_validation", order_id=str(event.order_id))
        return True
    await record_emails(store, renderer, intents, cause=cause, about=About.order(event.order_id))
    return True
