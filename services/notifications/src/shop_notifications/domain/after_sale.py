"""After-sale emails (issue 13): an offline payment method chosen, refunds, the payment
reminder, quotations.

Client emails before payment (the offline method's instructions, the reminder) are
unvouched: no text the client typed but the name (`domain.unvouched`). The photographer's
emails may show what the client wrote (a quote request's message, their address).
"""

from __future__ import annotations

import uuid

from shop_contracts.events import (
    OfflinePaymentChosen,
    OrderPaymentReminder,
    PaymentRefunded,
    QuoteAnswered,
    QuoteRequested,
    QuoteSent,
)
from shop_contracts.formatting import format_datetime
from shop_notifications.domain.formatting import format_money, one_line
from shop_notifications.domain.model import About, EmailIntent, Template
from shop_notifications.domain.unvouched import unvouched_context


def _intent(template: Template, to: str, subject: str, **context: object) -> EmailIntent:
    if template.kind.unvouched:
        context = unvouched_context(context)
    return EmailIntent(template=template, to=to, subject=one_line(subject), context=context)


def offline_chosen_emails(
    event: OfflinePaymentChosen, *, seller_email: str, admin_order_url: str
) -> list[EmailIntent]:
    """The client is sent the chosen method's instructions (the photographer's words); the
    photographer hears that the client will pay by that method."""
    total = format_money(event.total, event.currency)
    instructions = event.instructions.strip() or None
    return [
        _intent(
            Template.OFFLINE_INSTRUCTIONS,
            str(event.client.email),
            f"Your order {event.number}: how to pay by {event.method_name}",
            number=event.number,
            client_name=event.client.name,
            total=total,
            method_name=event.method_name,
            instructions=instructions,
        ),
        _intent(
            Template.OFFLINE_CHOSEN_SELLER,
            seller_email,
            f"Order {event.number}: the client will pay by {event.method_name}",
            number=event.number,
            client_name=event.client.name,
            client_email=str(event.client.email),
            total=total,
            method_name=event.method_name,
            chosen_at=format_datetime(event.chosen_at),
            admin_order_url=admin_order_url,
        ),
    ]


PROCESSOR_NAMES = {
    "stripe": "Stripe",
    "paypal": "PayPal",
    "sandbox": "card sandbox",
    "paypal_sandbox": "PayPal sandbox",
}


def processor_name(processor: str | None) -> str | None:
    return PROCESSOR_NAMES.get(processor, processor) if processor else None


def refund_emails(
    event: PaymentRefunded, *, seller_email: str, admin_order_url: str
) -> list[EmailIntent]:
    """The client and the photographer: how much, in full or in part, in the order's
    currency. The reason (the photographer's, or the processor's) goes to the photographer."""
    amount = format_money(event.amount, event.currency)
    common: dict[str, object] = {
        "number": event.number,
        "client_name": event.client.name,
        "amount": amount,
        "refunded_total": format_money(event.refunded_total, event.currency),
        "full": event.full,
        "by_hand": event.by_hand,
        "files_revoked": event.full or bool(event.line_ids),
    }
    return [
        _intent(
            Template.REFUND_CLIENT,
            str(event.client.email),
            f"Your order {event.number}: "
            + (f"refunded in full ({amount})" if event.full else f"{amount} refunded"),
            **common,
        ),
        _intent(
            Template.REFUND_SELLER,
            seller_email,
            f"Order {event.number}: {amount} refunded" + (" (in full)" if event.full else ""),
            **common,
            client_email=str(event.client.email),
            reason=(event.reason or "").strip() or None,
            origin=event.origin,
            processor=processor_name(event.processor),
            processor_refund_id=event.processor_refund_id,
            revoked_lines=len(event.line_ids),
            refunded_at=format_datetime(event.refunded_at),
            admin_order_url=admin_order_url,
        ),
    ]


def payment_reminder_emails(event: OrderPaymentReminder) -> list[EmailIntent]:
    """The order is still unpaid: its payment link, and when it will be cancelled."""
    return [
        _intent(
            Template.PAYMENT_REMINDER,
            str(event.client.email),
            f"Reminder: your order {event.number} is waiting for your payment",
            number=event.number,
            client_name=event.client.name,
            total=format_money(event.total, event.currency),
            payment_url=event.payment_url,
            placed_at=format_datetime(event.placed_at),
            cancel_at=format_datetime(event.cancel_at) if event.cancel_at else None,
        )
    ]


# --- quotations: not about an order ---------------------------------------------------------


def quote_about(event: QuoteRequested | QuoteSent | QuoteAnswered) -> About:
    return About.other(event.quote_id)


def quote_requested_emails(event: QuoteRequested) -> list[EmailIntent]:
    """The photographer: who asks, for which media, their message, where to answer."""
    return [
        _intent(
            Template.QUOTE_REQUESTED_SELLER,
            event.seller_email,
            f"Quote request from {event.client.name}",
            client_name=event.client.name,
            client_email=str(event.client.email),
            message=(event.message or "").strip() or None,
            items=list(event.items),
            admin_url=event.admin_url,
        )
    ]


def quote_sent_emails(event: QuoteSent) -> list[EmailIntent]:
    """The client: the quote's lines and total (the photographer's words), its link and
    expiry. Nothing the client typed but the name."""
    lines = [
        {
            "title": line.title,
            "description": (line.description or "").strip() or None,
            "price": format_money(line.price, event.currency),
        }
        for line in event.lines
    ]
    updated = event.version > 1
    return [
        _intent(
            Template.QUOTE_SENT,
            str(event.client.email),
            "Your updated quotation" if updated else "Your quotation",
            client_name=event.client.name,
            url=event.url,
            lines=lines,
            total=format_money(event.total, event.currency),
            expires_at=format_datetime(event.expires_at) if event.expires_at else None,
            updated=updated,
        )
    ]


def quote_answered_emails(
    event: QuoteAnswered, *, admin_quote_url: str, admin_order_url: str | None
) -> list[EmailIntent]:
    """The photographer: accepted (with the order placed) or declined."""
    verb = "accepted" if event.accepted else "declined"
    subject = f"Quote {verb} by {event.client.name}"
    if event.accepted and event.order_number:
        subject += f": order {event.order_number}"
    return [
        _intent(
            Template.QUOTE_ANSWERED_SELLER,
            event.seller_email,
            subject,
            client_name=event.client.name,
            client_email=str(event.client.email),
            accepted=event.accepted,
            version=event.version,
            order_number=event.order_number,
            admin_order_url=admin_order_url,
            admin_quote_url=admin_quote_url,
        )
    ]


def quote_urls(orders_public_url: str, event: QuoteAnswered) -> tuple[str, str | None]:
    """The photographer's quote page, and the order's when one was placed."""
    base = orders_public_url.rstrip("/")
    order_id: uuid.UUID | None = event.order_id
    order_url = f"{base}/admin/orders/{order_id}" if order_id else None
    return f"{base}/admin/quotes/{event.quote_id}", order_url
