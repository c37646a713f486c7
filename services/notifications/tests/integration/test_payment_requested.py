"""Issue 10: the client is emailed when the order is placed (`payment.requested`): what was
ordered, the total and how to pay; once per message; an unvouched email; nothing more with
manual validation, where the validation's email brings the payment link, once."""

from __future__ import annotations

import asyncio
import html

import pytest

from shop_notifications.bootstrap import NotificationsRoot
from shop_notifications.consumers import handlers
from shop_notifications.domain.unvouched import MAX_UNVOUCHED_PER_HOUR
from shop_testkit.smtp import SmtpServer
from shop_web import Branding

from ..factories import (
    CLIENT,
    IBAN,
    INSTRUCTIONS,
    SELLER,
    order_placed,
    order_validated,
    payment_requested,
    wrap,
)
from .conftest import SHOP, MakeService, Query

PHISHING = "Click http://evil.example/login to verify your card"
CLIENT_ROWS = "SELECT template, status FROM emails WHERE recipient = 'ada@example.com'"


async def send_all(service: NotificationsRoot) -> int:
    sent = 0
    while count := await service.sender.run_once():
        sent += count
    return sent


async def test_a_card_order_emails_the_client_the_lines_total_and_payment_link(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    placed = order_placed(note=PHISHING)
    requested = payment_requested(placed, "card")
    assert await service.router.handle(*wrap(placed, placed.order_id))
    assert await service.router.handle(*wrap(requested, placed.order_id))
    assert await send_all(service) == 2

    (mail,) = smtp.sink.to(CLIENT)
    assert mail.subject == "Your order 2026-0042: how to pay"
    for body in (mail.text(), mail.html()):
        assert "Sunset over Lisbon" in body
        assert "Waves" in body
        assert "Editorial" in body
        assert "45.00 EUR" in body
        assert "Dear Ada Client" in body
        assert "evil.example" not in body  # the note the client typed never goes back
        assert "1 Rue X" not in body
    assert placed.payment_url in mail.text()
    assert f'href="{html.escape(placed.payment_url)}"' in mail.html()
    assert "by card" in mail.text()
    assert await query(CLIENT_ROWS) == [{"template": "payment_requested", "status": "sent"}]


async def test_the_email_is_sent_once_per_message(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    placed = order_placed()
    envelope, requested = wrap(payment_requested(placed), placed.order_id)
    await service.router.handle(*wrap(placed, placed.order_id))
    assert await service.router.handle(envelope, requested)
    assert await service.router.handle(envelope, requested) is False  # redelivered
    await send_all(service)
    assert len(smtp.sink.to(CLIENT)) == 1
    assert len(await query(CLIENT_ROWS)) == 1


async def test_without_a_card_processor_the_email_gives_the_payment_instructions(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url)
    placed = order_placed()
    requested = payment_requested(placed, "instructions", INSTRUCTIONS + " <b>now</b>")
    await service.router.handle(*wrap(placed, placed.order_id))
    await service.router.handle(*wrap(requested, placed.order_id))
    await send_all(service)

    (mail,) = smtp.sink.to(CLIENT)
    assert IBAN in mail.text()
    assert "quoting your order number. <b>now</b>" in mail.text()
    assert IBAN in mail.html()
    assert "&lt;b&gt;now&lt;/b&gt;" in mail.html()
    assert "Pay now" not in mail.html()  # no card payment to offer
    assert placed.payment_url in mail.text()


async def test_with_neither_the_email_gives_the_contact_details(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url)
    for how, instructions in (("contact", None), ("instructions", "  ")):
        smtp.sink.received.clear()
        placed = order_placed()
        requested = payment_requested(placed, how, instructions)
        await service.router.handle(*wrap(placed, placed.order_id))
        await service.router.handle(*wrap(requested, placed.order_id))
        await send_all(service)

        (mail,) = smtp.sink.to(CLIENT)
        for body in (mail.text(), mail.html()):
            assert "Please contact Ana Berg Photography" in body
            assert SHOP.contact_email in body  # type: ignore[operator]
            assert "+33 1 23 45 67 89" in body
            assert "2026-0042" in body
        assert f'href="mailto:{SHOP.contact_email}"' in mail.html()


async def test_contact_without_details_still_says_whom_to_contact(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url, branding=Branding(name="Lisbon Light"))
    placed = order_placed()
    await service.router.handle(*wrap(placed, placed.order_id))
    await service.router.handle(*wrap(payment_requested(placed, "contact"), placed.order_id))
    await send_all(service)
    (mail,) = smtp.sink.to(CLIENT)
    assert "Please contact Lisbon Light to arrange the payment of 45.00 EUR." in mail.text()


async def test_a_request_before_its_order_is_kept_until_the_order_arrives(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    placed = order_placed()
    assert await service.router.handle(*wrap(payment_requested(placed), placed.order_id))
    assert await send_all(service) == 0
    assert len(await query("SELECT * FROM waiting_messages")) == 1

    await service.router.handle(*wrap(placed, placed.order_id))
    await send_all(service)
    assert len(smtp.sink.to(SELLER)) == 1
    (mail,) = smtp.sink.to(CLIENT)
    assert placed.payment_url in mail.text()
    assert await query("SELECT * FROM waiting_messages") == []


async def test_with_manual_validation_one_validation_sends_one_payment_link(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    """Placed: "processed offline" (as before). Validated: orders' `order.validated` and
    payments' `payment.requested`, in either order: one email with the payment link."""
    for request_first in (False, True):
        smtp.sink.received.clear()
        service = make_service(smtp.url)
        placed = order_placed(manual=True)
        validated = order_validated(placed.order_id)
        requested = payment_requested(placed)
        await service.router.handle(*wrap(placed, placed.order_id))
        await send_all(service)
        (offline,) = smtp.sink.to(CLIENT)
        assert "processed offline" in offline.text()
        assert "/pay/" not in offline.text()

        smtp.sink.received.clear()
        both = [wrap(validated, placed.order_id), wrap(requested, placed.order_id)]
        for envelope, payload in reversed(both) if request_first else both:
            assert await service.router.handle(envelope, payload)
        await send_all(service)
        (link,) = smtp.sink.to(CLIENT)
        assert validated.payment_url in link.text()
        rows = await query(f"{CLIENT_ROWS} AND order_id = '{placed.order_id}'")
        templates = sorted(str(r["template"]) for r in rows)
        assert templates == ["order_awaiting_validation", "order_validated"]


async def test_the_placed_email_counts_toward_the_hourly_limit_of_an_address(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    for _ in range(MAX_UNVOUCHED_PER_HOUR + 2):
        placed = order_placed(note=PHISHING)
        await service.router.handle(*wrap(placed, placed.order_id))
        await service.router.handle(*wrap(payment_requested(placed), placed.order_id))
    await send_all(service)
    assert len(smtp.sink.to(CLIENT)) == MAX_UNVOUCHED_PER_HOUR
    assert len(smtp.sink.to(SELLER)) == MAX_UNVOUCHED_PER_HOUR + 2
    statuses = sorted(str(r["status"]) for r in await query(CLIENT_ROWS))
    assert statuses == ["sent"] * MAX_UNVOUCHED_PER_HOUR + ["suppressed"] * 2


async def test_a_payment_request_handled_beside_its_order_is_emailed_once(
    make_service: MakeService, query: Query, monkeypatch: pytest.MonkeyPatch
) -> None:
    """order.placed and payment.requested handled at the same time (prefetch, replicas): the
    request, finding no order, is about to be kept when the order's own transaction replays
    what was kept. It must either see the order or be replayed by it, never fall between."""
    service = make_service(None)
    placed = order_placed()
    requested = payment_requested(placed, "card")
    about_to_keep = asyncio.Event()
    go_on = asyncio.Event()
    real_keep = handlers.keep_waiting

    async def slow_keep(*args: object) -> None:
        about_to_keep.set()
        await go_on.wait()
        await real_keep(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(handlers, "keep_waiting", slow_keep)
    early = asyncio.create_task(service.router.handle(*wrap(requested, placed.order_id)))
    await about_to_keep.wait()
    asyncio.get_running_loop().call_later(0.5, go_on.set)
    await service.router.handle(*wrap(placed, placed.order_id))
    await early
    rows = await query(
        f"SELECT template FROM emails WHERE order_id = '{placed.order_id}' "
        "AND template = 'payment_requested'"
    )
    assert len(rows) == 1, rows


async def test_emails_carry_the_shop_name_set_in_the_shop_settings(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    """The header and footer say the photographer's shop name (from orders' settings), not
    the NOTIFICATIONS_SHOP_NAME default, so a contact email never names two shops."""
    service = make_service(smtp.url)  # branded "Ana Berg Photography" (SHOP)
    placed = order_placed()
    assert await service.router.handle(*wrap(placed, placed.order_id))
    assert await service.router.handle(*wrap(payment_requested(placed), placed.order_id))
    await send_all(service)
    for mail in smtp.sink.received:
        assert "Ana Berg Photography" in mail.text(), mail.subject
        assert "Photo license shop" not in mail.text(), mail.subject
