"""`MessageRouter("notifications")`: one handler per message, in the inbox transaction.

Each handler renders the emails its message causes and records them as pending; the sender
loop sends them after the commit. A redelivered message is skipped by the inbox, and the
(message, template, recipient) unique key backs it up.

`payment.requested` needs its order (`order.placed`, through another queue): one that
arrives first is kept (`shop_messaging.waiting`) and replayed once `order.placed` is handled.

`delivery.completed` and `order.invoice_issued` come in either order: under the order's lock,
a paid order's delivery email is held for its invoice (at most `emails.INVOICE_WAIT`) and
released with the PDF attached, or the invoice goes in an email of its own
(`service.invoices`).

An agency's photographers each get an email of their own on `order.placed`, listing only
their lines (`emails.photographer_sale_emails`).

The catalog's messages (a private gallery's access link, a selection, a free download) and
the back office's (an invitation, a password reset: orders' accounts) are not about an
order: their emails are known by their own id (`About.other`), need no order, and are not
told to orders (no `email.sent`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_contracts.envelope import Envelope, MessageBody
from shop_contracts.events import (
    AccountInvited,
    DeliveryCompleted,
    DeliveryFilesReleased,
    DownloadLinksReissued,
    FreeDownloadReady,
    GalleryAccessGranted,
    InvoiceIssued,
    OfflinePaymentChosen,
    OrderCancelled,
    OrderPaymentReminder,
    OrderPlaced,
    OrderValidated,
    PasswordResetRequested,
    PaymentRefunded,
    PaymentRequested,
    QuoteAnswered,
    QuoteRequested,
    QuoteSent,
    SelectionSent,
)
from shop_messaging.consumer import Handler, MessageRouter
from shop_messaging.locks import lock_order
from shop_messaging.waiting import keep_waiting
from shop_notifications.domain import accounts, after_sale, emails
from shop_notifications.domain.model import About, EmailIntent
from shop_notifications.service.after_sale import SellerLinks, email_order_after_sale
from shop_notifications.service.invoices import email_delivery, email_invoice
from shop_notifications.service.payment_request import email_payment_request, remember_order
from shop_notifications.service.ports import (
    Clock,
    EmailStore,
    InvoicePdf,
    KnownInvoices,
    KnownOrders,
    Renderer,
)
from shop_notifications.service.record import record_emails
from shop_web import BrandingSource

CONSUMER = "notifications"

IntentsOf = Callable[[Any], list[EmailIntent]]
AboutOf = Callable[[Any], About]

# The messages whose emails need nothing but the message itself.
SIMPLE_EMAILS: Mapping[type[MessageBody], IntentsOf] = {
    OrderCancelled: emails.order_cancelled_emails,
    DownloadLinksReissued: emails.links_reissued_emails,
    DeliveryFilesReleased: emails.files_released_emails,
    OrderPaymentReminder: after_sale.payment_reminder_emails,
}

# Not about an order: what the photographer sends a client from the catalog.
NOT_ORDERS: Mapping[type[MessageBody], tuple[IntentsOf, AboutOf]] = {
    GalleryAccessGranted: (emails.gallery_access_emails, emails.gallery_access_about),
    SelectionSent: (emails.selection_sent_emails, emails.selection_about),
    FreeDownloadReady: (emails.free_download_ready_emails, emails.free_download_about),
    # Quotations (orders'): known by the quote's id until one becomes an order.
    QuoteRequested: (after_sale.quote_requested_emails, after_sale.quote_about),
    QuoteSent: (after_sale.quote_sent_emails, after_sale.quote_about),
    # The back office's people (orders' accounts): known by the account's id.
    AccountInvited: (accounts.account_invited_emails, accounts.account_about),
    PasswordResetRequested: (accounts.password_reset_emails, accounts.account_about),
}


def _order(msg: Any) -> About:
    return About.order(msg.order_id)


StoreOn = Callable[[AsyncSession], EmailStore]  # db's, handed in by the root
OrdersOn = Callable[[AsyncSession], KnownOrders]
InvoicesOn = Callable[[AsyncSession], KnownInvoices]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def build_router(
    sessions: async_sessionmaker[AsyncSession],
    store: StoreOn,
    renderer: Renderer,
    *,
    orders: OrdersOn,
    invoices: InvoicesOn,
    invoice_pdf: InvoicePdf,
    branding: BrandingSource,
    orders_public_url: str,
    default_seller_email: str = "seller@localhost",
    clock: Clock = _utc_now,
) -> MessageRouter:
    """`clock`: when a held delivery email's wait for its invoice starts (tests move it).
    `default_seller_email`: the photographer's address for orders placed before
    notifications kept the one `order.placed` tells (`SELLER_EMAIL`)."""
    router = MessageRouter(CONSUMER, sessions)
    admin_orders = f"{orders_public_url.rstrip('/')}/admin/orders"
    seller_links = SellerLinks(default_seller_email, admin_orders)

    def recording(intents_of: IntentsOf, about_of: AboutOf = _order) -> Handler:
        async def handler(session: AsyncSession, msg: Any, env: Envelope) -> None:
            await renderer.refresh()
            await record_emails(
                store(session), renderer, intents_of(msg), cause=env, about=about_of(msg)
            )

        return handler

    def order_placed(msg: OrderPlaced) -> list[EmailIntent]:
        """The seller's (and, held for validation, the client's); an agency's photographers
        each hear of their own lines."""
        admin_order_url = f"{admin_orders}/{msg.order_id}"
        return [
            *emails.order_placed_emails(msg, admin_order_url=admin_order_url),
            *emails.photographer_sale_emails(msg, admin_order_url=admin_order_url),
        ]

    record_placed = recording(order_placed)

    # Both take the order's lock first: handled at the same time (one consumer's prefetch,
    # or two replicas), a payment request must either see the order or be seen by its replay.
    @router.on(OrderPlaced)
    async def on_order_placed(session: AsyncSession, msg: OrderPlaced, env: Envelope) -> None:
        await lock_order(session, CONSUMER, msg.order_id)
        await record_placed(session, msg, env)
        await remember_order(orders(session), msg)
        await router.replay_waiting(session, str(msg.order_id))

    @router.on(PaymentRequested)
    async def on_payment_requested(
        session: AsyncSession, msg: PaymentRequested, env: Envelope
    ) -> None:
        await lock_order(session, CONSUMER, msg.order_id)
        await renderer.refresh()
        known = await email_payment_request(
            store(session), orders(session), renderer, branding, msg, cause=env
        )
        if not known:
            await keep_waiting(session, router.consumer, str(msg.order_id), env)

    @router.on(OrderValidated)
    async def on_order_validated(session: AsyncSession, msg: OrderValidated, env: Envelope) -> None:
        await renderer.refresh()
        order = await orders(session).get(msg.order_id)  # its subtotal, discount, tax
        intents = emails.order_validated_emails(msg, order)
        await record_emails(store(session), renderer, intents, cause=env, about=_order(msg))

    # Both take the order's lock: the invoice either finds the delivery email (held, or
    # gone without it) or is found by it.
    @router.on(DeliveryCompleted)
    async def on_delivery_completed(
        session: AsyncSession, msg: DeliveryCompleted, env: Envelope
    ) -> None:
        await lock_order(session, CONSUMER, msg.order_id)
        await renderer.refresh()
        await email_delivery(
            store(session), invoices(session), renderer, invoice_pdf, msg, cause=env, clock=clock
        )

    @router.on(InvoiceIssued)
    async def on_invoice_issued(session: AsyncSession, msg: InvoiceIssued, env: Envelope) -> None:
        await lock_order(session, CONSUMER, msg.invoice.order_id)
        await renderer.refresh()
        await email_invoice(
            store(session), invoices(session), renderer, invoice_pdf, msg, cause=env
        )

    # The photographer's address is the order's: both wait for `order.placed` if early.
    async def on_order_after_sale(
        session: AsyncSession, msg: OfflinePaymentChosen | PaymentRefunded, env: Envelope
    ) -> None:
        await lock_order(session, CONSUMER, msg.order_id)
        await renderer.refresh()
        known = await email_order_after_sale(
            store(session), orders(session), renderer, seller_links, msg, cause=env
        )
        if not known:
            await keep_waiting(session, router.consumer, str(msg.order_id), env)

    router.on(OfflinePaymentChosen)(on_order_after_sale)
    router.on(PaymentRefunded)(on_order_after_sale)

    def quote_answered(msg: QuoteAnswered) -> list[EmailIntent]:
        quote_url, order_url = after_sale.quote_urls(orders_public_url, msg)
        return after_sale.quote_answered_emails(
            msg, admin_quote_url=quote_url, admin_order_url=order_url
        )

    router.on(QuoteAnswered)(recording(quote_answered, after_sale.quote_about))

    for message, intents_of in SIMPLE_EMAILS.items():
        router.on(message)(recording(intents_of))
    for message, (intents_of, about_of) in NOT_ORDERS.items():
        router.on(message)(recording(intents_of, about_of))

    return router
