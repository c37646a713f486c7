"""Which emails each message causes, to whom; formats; the retry policy."""

from __future__ import annotations

import uuid

from shop_notifications.domain.emails import (
    delivery_completed_emails,
    files_released_emails,
    links_reissued_emails,
    order_cancelled_emails,
    order_placed_emails,
    order_validated_emails,
)
from shop_notifications.domain.formatting import one_line
from shop_notifications.domain.model import Template
from shop_notifications.domain.retry import after_failure

from ..factories import (
    CLIENT,
    SELLER,
    delivery_completed,
    files_released,
    links_reissued,
    order_cancelled,
    order_placed,
    order_validated,
)


def test_a_new_order_notifies_the_seller_only() -> None:
    (email,) = order_placed_emails(order_placed(), admin_order_url="http://o/admin/orders/1")
    assert email.template == Template.ORDER_PLACED_SELLER
    assert email.to == SELLER
    assert "2026-0042" in email.subject
    assert email.context["manual_validation"] is False
    assert email.context["total"] == "45.00 EUR"


def test_with_manual_validation_the_client_is_told_too() -> None:
    seller, client = order_placed_emails(order_placed(manual=True), admin_order_url="u")
    assert seller.to == SELLER
    assert "2026-0042" in seller.subject
    assert "validation" in seller.subject
    assert client.template == Template.ORDER_AWAITING_VALIDATION
    assert client.to == CLIENT
    assert "2026-0042" in client.subject


def test_client_emails_for_validation_cancellation_and_delivery() -> None:
    (validated,) = order_validated_emails(order_validated())
    (cancelled,) = order_cancelled_emails(order_cancelled())
    (delivered,) = delivery_completed_emails(delivery_completed())
    assert {validated.to, cancelled.to, delivered.to} == {CLIENT}
    assert "payment_url" in validated.context
    assert delivered.context["files"] == [
        {"name": "lisbon_web.jpg", "size": "1.2 MB"},
        {"name": "waves.mp4", "size": "45.0 MB"},
    ]
    assert delivered.context["expires_at"] == "2026-12-27 11:00 UTC"


def test_subjects_hold_no_line_breaks() -> None:
    (email,) = order_placed_emails(order_placed(number="12\r\nBcc: x@y"), admin_order_url="u")
    assert "\n" not in email.subject
    assert "\r" not in email.subject


def test_money_in_the_emails_follows_the_currency_exponent() -> None:
    placed = order_placed().model_copy(update={"currency": "JPY", "total": 1500})
    (email,) = order_placed_emails(placed, admin_order_url="u")
    assert email.context["total"] == "1,500 JPY"


def test_the_delivery_email_counts_the_files_held_until_final() -> None:
    (plain,) = delivery_completed_emails(delivery_completed())
    assert plain.context["held_count"] == 0
    held = delivery_completed(held_line_ids=[uuid.uuid4(), uuid.uuid4()])
    (email,) = delivery_completed_emails(held)
    assert email.context["held_count"] == 2


def test_reissued_links_and_released_files_go_to_the_client() -> None:
    (reissued,) = links_reissued_emails(links_reissued())
    assert reissued.template == Template.LINKS_REISSUED
    assert reissued.to == CLIENT
    assert reissued.subject == "New download links for order 2026-0042"
    assert reissued.context["expires_at"] == "2027-01-26 09:00 UTC"
    assert reissued.context["files"] == [{"name": "lisbon_web.jpg", "size": "1.2 MB"}]
    (released,) = files_released_emails(files_released())
    assert released.template == Template.FILES_RELEASED
    assert released.to == CLIENT
    assert released.subject == "More files ready for order 2026-0042"
    assert released.context["files"] == [{"name": "harbour_final.tif", "size": "98.8 MB"}]


def test_one_line_removes_every_kind_of_line_break() -> None:
    assert one_line(" a\r\nBcc: x@y\u2028c\x0bd\x85e  ") == "a Bcc: x@y c d e"


def test_retry_backs_off_then_gives_up() -> None:
    first = after_failure(0, permanent=False, max_attempts=3, base_delay_s=5)
    assert (first.attempts, first.give_up, first.delay_s) == (1, False, 5)
    assert after_failure(1, permanent=False, max_attempts=3, base_delay_s=5).delay_s == 10
    assert after_failure(2, permanent=False, max_attempts=3, base_delay_s=5).give_up
    assert after_failure(0, permanent=True, max_attempts=3, base_delay_s=5).give_up
    assert after_failure(20, permanent=False, max_attempts=99, base_delay_s=5).delay_s == 600
