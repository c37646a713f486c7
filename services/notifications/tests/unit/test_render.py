"""Every email renders to HTML (escaped) and plain text, with its links."""

from __future__ import annotations

import html

from shop_notifications.domain.emails import (
    delivery_completed_emails,
    order_cancelled_emails,
    order_placed_emails,
    order_validated_emails,
)
from shop_notifications.mail.render import EmailRenderer

from ..factories import delivery_completed, order_cancelled, order_placed, order_validated

renderer = EmailRenderer(shop_name="Photo license shop")


def test_the_seller_email_lists_client_lines_total_and_note() -> None:
    (email,) = order_placed_emails(order_placed(), admin_order_url="http://o.test/admin/orders/7")
    out = renderer.render(email.template, email.context)
    for body in (out.text, out.html):
        for expected in (
            "New order 2026-0042",
            "Ada Client",
            "ada@example.com",
            "1 Rue X",
            "75001 Paris",
            "FR",
            "Sunset over Lisbon",
            "Web",
            "25.00 EUR",
            "Editorial",
            "20.00 EUR",
            "45.00 EUR",
            "Please credit me",
            "http://o.test/admin/orders/7",
            "Photo license shop",
        ):
            assert expected in body, expected
        assert "validation" not in body.lower()
    assert out.html.lstrip().startswith("<!DOCTYPE html>")


def test_the_seller_is_told_when_the_order_awaits_validation() -> None:
    seller, _ = order_placed_emails(order_placed(manual=True), admin_order_url="u")
    out = renderer.render(seller.template, seller.context)
    assert "AWAITING YOUR VALIDATION" in out.text
    assert "Awaiting your validation" in out.html


def test_html_escapes_what_clients_typed_and_text_keeps_it() -> None:
    placed = order_placed(manual=True, client_name="<b>x</b>", note="<script>alert(1)</script>")
    for email in order_placed_emails(placed, admin_order_url="u"):
        out = renderer.render(email.template, email.context)
        assert "&lt;b&gt;x&lt;/b&gt;" in out.html
        assert "<b>x</b>" not in out.html
        assert "<script>" not in out.html
        assert "<b>x</b>" in out.text


def test_the_client_awaiting_validation_email() -> None:
    _, client = order_placed_emails(order_placed(manual=True), admin_order_url="u")
    out = renderer.render(client.template, client.context)
    for body in (out.text, out.html):
        assert "processed offline" in body
        assert "get back to you" in body
        assert "2026-0042" in body
        assert "http://orders.test/orders/" in body


def test_the_validated_email_carries_the_payment_link() -> None:
    event = order_validated()
    (email,) = order_validated_emails(event)
    out = renderer.render(email.template, email.context)
    assert event.payment_url in out.text
    assert f'href="{html.escape(event.payment_url)}"' in out.html  # & escaped as &amp;
    assert "45.00 EUR" in out.text


def test_the_cancelled_email_gives_the_reason() -> None:
    (email,) = order_cancelled_emails(order_cancelled())
    out = renderer.render(email.template, email.context)
    assert "cancelled" in out.text
    assert "out of stock <really>" in out.text
    assert "out of stock &lt;really&gt;" in out.html


def test_the_delivery_email_carries_the_download_link_files_and_expiry() -> None:
    event = delivery_completed()
    (email,) = delivery_completed_emails(event)
    out = renderer.render(email.template, email.context)
    for body in (out.text, out.html):
        assert "lisbon_web.jpg" in body
        assert "waves.mp4" in body
        assert "2026-12-27 11:00 UTC" in body
    assert event.downloads_url in out.text
    assert f'href="{event.downloads_url}"' in out.html
