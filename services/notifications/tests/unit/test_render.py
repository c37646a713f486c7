"""Every email renders to HTML (escaped) and plain text, with its links."""

from __future__ import annotations

import html
import uuid
from collections.abc import Mapping, Sequence

from shop_notifications.domain.emails import (
    delivery_completed_emails,
    files_released_emails,
    links_reissued_emails,
    order_cancelled_emails,
    order_placed_emails,
    order_validated_emails,
)
from shop_notifications.domain.model import EmailIntent
from shop_notifications.mail.render import EmailRenderer

from ..factories import (
    delivery_completed,
    files_released,
    links_reissued,
    order_cancelled,
    order_placed,
    order_validated,
)

renderer = EmailRenderer(shop_name="Photo license shop")


def _first(intents: Sequence[EmailIntent]) -> tuple[str, Mapping[str, object]]:
    (intent,) = intents
    return intent.template, intent.context


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


def test_the_delivery_email_says_how_many_proof_files_will_follow() -> None:
    plain = renderer.render(*_first(delivery_completed_emails(delivery_completed())))
    assert "will follow" not in plain.text
    assert "will follow" not in plain.html
    event = delivery_completed(held_line_ids=[uuid.uuid4(), uuid.uuid4(), uuid.uuid4()])
    out = renderer.render(*_first(delivery_completed_emails(event)))
    for body in (out.text, out.html):
        assert "3 files will follow once final" in body
    one = renderer.render(
        *_first(delivery_completed_emails(delivery_completed(held_line_ids=[uuid.uuid4()])))
    )
    assert "1 file will follow once final" in one.text


def test_the_reissued_links_email_carries_the_page_files_and_new_expiry() -> None:
    event = links_reissued()
    out = renderer.render(*_first(links_reissued_emails(event)))
    for body in (out.text, out.html):
        assert "new download links" in body
        assert "2026-0042" in body
        assert "lisbon_web.jpg" in body
        assert "1.2 MB" in body
        assert "2027-01-26 09:00 UTC" in body
    assert event.downloads_url in out.text
    assert f'href="{event.downloads_url}"' in out.html


def test_the_files_released_email_lists_the_new_files() -> None:
    event = files_released()
    out = renderer.render(*_first(files_released_emails(event)))
    for body in (out.text, out.html):
        assert "2026-0042" in body
        assert "harbour_final.tif" in body
        assert "98.8 MB" in body
        assert "expire" not in body
    assert event.downloads_url in out.text
    assert f'href="{event.downloads_url}"' in out.html


def test_client_names_with_html_and_line_breaks_are_escaped_in_every_email() -> None:
    name = '<img src=x onerror="alert(1)">\r\nBcc: evil@example.com'
    for email in delivery_completed_emails(delivery_completed(client_name=name)):
        out = renderer.render(email.template, email.context)
        assert "<img" not in out.html
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in out.html
