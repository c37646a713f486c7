"""Issue 12 in the domain: the totals box's rows, the held delivery email, the invoice's
attachment and email, the attachment in the MIME message."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from shop_notifications.domain.emails import (
    delivery_completed_emails,
    invoice_issued_emails,
    order_placed_emails,
    waits_for_invoice,
)
from shop_notifications.domain.model import Attachment, OutgoingEmail, Template
from shop_notifications.domain.pricing import Pricing, percent, totals_context
from shop_notifications.domain.unvouched import unvouched_context
from shop_notifications.mail.render import EmailRenderer
from shop_notifications.mail.smtp import build_message

from ..factories import CLIENT, delivery_completed, invoice_issued, priced_order_placed


def test_an_order_from_before_the_pricing_issue_shows_its_total_alone() -> None:
    rows = totals_context(Pricing(total=4500, currency="EUR"))
    assert rows == {
        "subtotal": None,
        "discount": None,
        "discount_label": None,
        "coupon_code": None,
        "tax": None,
        "tax_label": None,
        "reverse_charge": False,
        "total": "45.00 EUR",
    }


def test_every_row_of_a_priced_order() -> None:
    rows = totals_context(Pricing.of_placed(priced_order_placed()))
    assert rows["subtotal"] == "175.00 EUR"
    assert (rows["discount_label"], rows["discount"]) == ("Discount (coupon SPRING10)", "17.50 EUR")
    assert (rows["tax_label"], rows["tax"]) == ("Tax 20%", "31.50 EUR")
    assert rows["total"] == "189.00 EUR"


def test_tax_included_quantity_discount_and_reverse_charge_labels() -> None:
    included = Pricing(
        total=1200,
        currency="EUR",
        subtotal=1000,
        tax=200,
        tax_rate=Decimal("20.00"),
        prices_include_tax=True,
    )
    assert totals_context(included)["tax_label"] == "Tax 20% (included in the prices)"
    quantity = Pricing(total=900, currency="EUR", subtotal=1000, discount=100)
    assert totals_context(quantity)["discount_label"] == "Discount"
    assert totals_context(quantity)["tax_label"] is None
    reverse = Pricing(
        total=1000, currency="EUR", subtotal=1000, tax_rate=Decimal(0), reverse_charge=True
    )
    assert (totals_context(reverse)["tax_label"], totals_context(reverse)["tax"]) == (
        "VAT reverse charge",
        "0.00 EUR",
    )
    assert percent(Decimal("5.50")) == "5.5%"
    assert Pricing.from_json(included.to_json()) == included


def test_the_seller_gets_usage_fields_and_vat_the_client_only_the_figures() -> None:
    placed = priced_order_placed(manual=True)
    seller, client = order_placed_emails(placed, admin_order_url="http://o/admin/orders/1")
    lines = seller.context["lines"]
    assert isinstance(lines, list)
    assert lines[0]["usage"] == "Usage: Magazine cover; Size: A3; Territory: Europe"
    assert lines[0]["discount"] == "15.00 EUR"
    assert lines[1]["usage"] is None
    assert seller.context["vat_number"] == "FR40303265045"
    assert seller.context["fields"] == [
        {"label": "Project name", "value": "Lisbon guide"},
        {"label": "Print run", "value": "5000 copies"},
    ]
    assert "vat_number" not in client.context
    assert "fields" not in client.context
    assert client.context == unvouched_context(client.context)
    assert "totals" in client.context


def test_a_paid_delivery_is_held_a_forced_one_is_not() -> None:
    paid = delivery_completed(forced=False)
    assert waits_for_invoice(paid)
    assert not waits_for_invoice(delivery_completed(forced=True))
    until = datetime(2026, 12, 1, 10, 10, tzinfo=UTC)
    (held,) = delivery_completed_emails(paid, hold_until=until)
    assert held.held_until == until
    assert held.attachments == ()
    assert held.context["invoice_number"] is None


def test_the_delivery_email_with_its_invoice_renders_the_mention() -> None:
    paid = delivery_completed(forced=False)
    issued = invoice_issued(paid.order_id, number="INV-000012")
    (email,) = delivery_completed_emails(paid, invoice=issued.invoice, pdf=b"%PDF-x")
    assert email.held_until is None
    assert email.invoice_number == "INV-000012"
    assert email.attachments == (Attachment("INV-000012.pdf", "application/pdf", b"%PDF-x"),)
    rendered = EmailRenderer(shop_name="Shop").render(email.template, email.context)
    assert "Your invoice INV-000012 is attached" in rendered.text
    assert "INV-000012" in rendered.html


def test_the_invoice_email_of_its_own() -> None:
    issued = invoice_issued(uuid.uuid4(), number="INV-000003")
    (email,) = invoice_issued_emails(issued, b"%PDF-y")
    assert email.template == Template.INVOICE_ISSUED
    assert email.to == CLIENT
    assert email.subject == "Your invoice INV-000003"
    assert email.attachments[0].filename == "INV-000003.pdf"
    rendered = EmailRenderer(shop_name="Shop").render(email.template, email.context)
    assert "Total: 189.00 EUR" in rendered.text
    assert issued.order_url in rendered.text


def test_an_attachment_makes_a_mixed_message() -> None:
    email = OutgoingEmail(
        id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        message_id=uuid.uuid4(),
        template="delivery_completed",
        to=CLIENT,
        subject="Your files",
        text="hello",
        html="<p>hello</p>",
        attempts=0,
        attachments=(Attachment("INV-000001.pdf", "application/pdf", b"%PDF-1.7 ..."),),
    )
    message = build_message(email, mail_from="shop@photos.example", shop_name="Shop")
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert body.get_content().strip() == "hello"
    (part,) = message.iter_attachments()
    assert part.get_filename() == "INV-000001.pdf"
    assert part.get_content_type() == "application/pdf"
    assert part.get_content() == b"%PDF-1.7 ..."
