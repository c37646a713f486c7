"""Which emails each message causes, to whom; formats; the retry policy."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shop_notifications.domain.emails import (
    delivery_completed_emails,
    order_cancelled_emails,
    order_placed_emails,
    order_validated_emails,
)
from shop_notifications.domain.formatting import format_datetime, format_money, format_size
from shop_notifications.domain.model import Template
from shop_notifications.domain.retry import after_failure

from ..factories import (
    CLIENT,
    SELLER,
    delivery_completed,
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


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (4500, "EUR", "45.00 EUR"),
        (1234567, "USD", "12,345.67 USD"),
        (5, "EUR", "0.05 EUR"),
        (1500, "JPY", "1,500 JPY"),
        (1500, "KWD", "1.500 KWD"),
        (0, "EUR", "0.00 EUR"),
    ],
)
def test_money(minor: int, currency: str, text: str) -> None:
    assert format_money(minor, currency) == text


def test_sizes_and_dates() -> None:
    assert format_size(999) == "999 B"
    assert format_size(1500) == "1.5 KB"
    assert format_size(3_000_000_000) == "3.0 GB"
    assert format_datetime(datetime(2026, 1, 2, 3, 4, tzinfo=UTC)) == "2026-01-02 03:04 UTC"


def test_retry_backs_off_then_gives_up() -> None:
    first = after_failure(0, permanent=False, max_attempts=3, base_delay_s=5)
    assert (first.attempts, first.give_up, first.delay_s) == (1, False, 5)
    assert after_failure(1, permanent=False, max_attempts=3, base_delay_s=5).delay_s == 10
    assert after_failure(2, permanent=False, max_attempts=3, base_delay_s=5).give_up
    assert after_failure(0, permanent=True, max_attempts=3, base_delay_s=5).give_up
    assert after_failure(20, permanent=False, max_attempts=99, base_delay_s=5).delay_s == 600
