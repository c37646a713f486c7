"""Issue 12: the order's pricing facts in the emails, on real PostgreSQL and SMTP: the
seller's new-order email (lines with their usage and discount, coupon, subtotal, discount,
tax, total, VAT number, reverse charge, the client's information fields), the client's
emails (subtotal, discount, tax, total where they show a total)."""

from __future__ import annotations

import html
from decimal import Decimal

from shop_notifications.bootstrap import NotificationsRoot
from shop_testkit.smtp import SmtpServer

from ..factories import (
    CLIENT,
    SELLER,
    order_validated,
    payment_requested,
    priced_order_placed,
    wrap,
)
from .conftest import MakeService

FIGURES = ("175.00 EUR", "17.50 EUR", "31.50 EUR", "189.00 EUR")


async def send_all(service: NotificationsRoot) -> int:
    sent = 0
    while count := await service.sender.run_once():
        sent += count
    return sent


async def test_the_seller_email_shows_the_figures_usage_coupon_vat_and_fields(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url)
    placed = priced_order_placed()
    await service.router.handle(*wrap(placed, placed.order_id))
    await send_all(service)
    (mail,) = smtp.sink.to(SELLER)
    text, page = mail.text(), html.unescape(mail.html())
    for body in (text, page):
        assert "Usage: Magazine cover; Size: A3; Territory: Europe" in body
        assert "Editorial RM" in body
        assert "150.00 EUR" in body
        assert "15.00 EUR" in body  # the RM line's share of the coupon
        for figure in FIGURES:
            assert figure in body
        assert "SPRING10" in body
        assert "Tax 20%" in body
        assert "FR40303265045" in body
        assert "Project name" in body
        assert "Lisbon guide" in body
        assert "Print run" in body
        assert "5000 copies" in body
        assert "reverse charge" not in body.lower()
    assert "Subtotal: 175.00 EUR" in text
    assert "Discount (coupon SPRING10): -17.50 EUR" in text
    assert "Tax 20%: 31.50 EUR" in text
    assert "Total: 189.00 EUR" in text


async def test_the_seller_email_says_reverse_charge(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url)
    placed = priced_order_placed().model_copy(
        update={
            "tax": 0,
            "total": 15750,
            "tax_rate": Decimal("0"),
            "reverse_charge": True,
            "vat_number": "DE123456789",
        }
    )
    await service.router.handle(*wrap(placed, placed.order_id))
    await send_all(service)
    (mail,) = smtp.sink.to(SELLER)
    for body in (mail.text(), html.unescape(mail.html())):
        assert "DE123456789" in body
        assert "VAT reverse charge" in body
        assert "157.50 EUR" in body
        assert "Tax" not in body.replace("VAT reverse charge", "")


async def test_the_client_sees_subtotal_discount_tax_and_total(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    """How to pay (placed), received (manual validation), confirmed (validated)."""
    service = make_service(smtp.url)
    placed = priced_order_placed()
    await service.router.handle(*wrap(placed, placed.order_id))
    await service.router.handle(*wrap(payment_requested(placed), placed.order_id))
    held = priced_order_placed(manual=True)
    await service.router.handle(*wrap(held, held.order_id))
    validated = order_validated(held.order_id).model_copy(update={"total": 18900})
    await service.router.handle(*wrap(validated, held.order_id))
    await send_all(service)

    to_client = smtp.sink.to(CLIENT)
    subjects = sorted(m.subject for m in to_client)
    assert subjects == [
        "Your order 2026-0042 has been received",
        "Your order 2026-0042 is confirmed: you can pay now",
        "Your order 2026-0042: how to pay",
    ]
    for mail in to_client:
        for body in (mail.text(), html.unescape(mail.html())):
            for figure in FIGURES:
                assert figure in body, (mail.subject, figure)
            assert "SPRING10" in body
            assert "FR40303265045" not in body  # typed by the client: never sent back
            assert "Lisbon guide" not in body


async def test_an_order_from_before_shows_its_total_alone(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    from ..factories import order_placed

    service = make_service(smtp.url)
    placed = order_placed()
    await service.router.handle(*wrap(placed, placed.order_id))
    await service.router.handle(*wrap(payment_requested(placed), placed.order_id))
    await send_all(service)
    for mail in smtp.sink.received:
        assert "Total: 45.00 EUR" in mail.text()
        assert "Subtotal" not in mail.text()
        assert "Discount" not in mail.text()
