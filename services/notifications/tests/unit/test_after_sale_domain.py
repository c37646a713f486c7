"""After-sale emails: who gets what, and nothing the client typed in an unvouched one."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shop_contracts.common import ClientContact
from shop_contracts.events import (
    OfflinePaymentChosen,
    OrderPaymentReminder,
    QuoteRequested,
    QuoteSent,
)
from shop_notifications.domain.after_sale import (
    offline_chosen_emails,
    payment_reminder_emails,
    quote_requested_emails,
    quote_sent_emails,
)
from shop_notifications.domain.model import Template
from shop_notifications.domain.unvouched import UNVOUCHED_CONTEXT
from shop_notifications.mail.render import EmailRenderer

WHEN = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
STRANGER = ClientContact(name="Ada", email="victim@example.com")
renderer = EmailRenderer(shop_name="Shop")


def test_the_offline_instructions_are_unvouched_and_the_seller_sees_the_address() -> None:
    event = OfflinePaymentChosen(
        order_id=uuid.uuid4(),
        number="2026-0001",
        client=STRANGER,
        method_name="Cheque",
        instructions="  ",
        total=1000,
        currency="EUR",
        chosen_at=WHEN,
    )
    client, seller = offline_chosen_emails(
        event, seller_email="ana@photos.example", admin_order_url="http://o/admin/orders/1"
    )
    assert client.template is Template.OFFLINE_INSTRUCTIONS
    assert set(client.context) <= UNVOUCHED_CONTEXT
    assert client.context["instructions"] is None
    assert (
        "The photographer will send you the details."
        in renderer.render(client.template, client.context).text
    )
    assert (seller.to, seller.context["client_email"]) == (
        "ana@photos.example",
        "victim@example.com",
    )


def test_the_reminder_is_unvouched_and_renders_without_a_cancel_date() -> None:
    event = OrderPaymentReminder(
        order_id=uuid.uuid4(),
        number="2026-0001",
        client=STRANGER,
        payment_url="http://pay/1",
        total=1000,
        currency="EUR",
        placed_at=WHEN,
    )
    [intent] = payment_reminder_emails(event)
    assert intent.template.kind.unvouched
    assert set(intent.context) <= UNVOUCHED_CONTEXT
    out = renderer.render(intent.template, intent.context)
    assert "http://pay/1" in out.text
    assert "cancelled" not in out.text


def test_a_client_name_cannot_break_the_seller_subject() -> None:
    event = QuoteRequested(
        quote_id=uuid.uuid4(),
        client=ClientContact(name="Ada\r\nBcc: x@example.com", email="ada@example.com"),
        admin_url="http://o/admin/quotes/1",
        seller_email="ana@photos.example",
    )
    [intent] = quote_requested_emails(event)
    assert "\n" not in intent.subject
    assert intent.subject.startswith("Quote request from Ada")


def test_the_quote_shows_the_photographers_lines_only() -> None:
    event = QuoteSent(
        quote_id=uuid.uuid4(),
        version=2,
        client=STRANGER,
        url="http://o/quotes/1?token=t",
        total=0,
        currency="EUR",
    )
    [intent] = quote_sent_emails(event)
    assert intent.subject == "Your updated quotation"
    assert intent.context["lines"] == []
    assert "message" not in intent.context
