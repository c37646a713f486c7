"""The hourly limit of unvouched emails on the real log: decided in the message's
transaction, once (redeliveries and concurrent consumers change nothing), never sent."""

from __future__ import annotations

import asyncio

from shop_contracts.common import Address, Client
from shop_contracts.envelope import Envelope
from shop_contracts.events import OrderPlaced
from shop_notifications.domain.unvouched import MAX_UNVOUCHED_PER_HOUR
from shop_testkit.smtp import SmtpServer

from ..factories import CLIENT, SELLER, order_placed, wrap
from .conftest import MakeService, Query
from .test_emails_sent import email_sent_events

PHISHING = "Click http://evil.example/login to verify your card"
CLIENT_ROWS = (
    "SELECT status, last_error, text_body, html_body FROM emails "
    "WHERE template = 'order_awaiting_validation' ORDER BY created_at"
)


def phishing_orders(count: int, email: str = CLIENT) -> list[tuple[Envelope, OrderPlaced]]:
    orders = []
    for _ in range(count):
        placed = order_placed(manual=True, note=PHISHING)
        address = Address(line1=PHISHING, city="Paris", postal_code="75001", country="FR")
        client = Client(name="Ada Client", email=email, address=address)
        placed = placed.model_copy(update={"client": client})
        envelope, _ = wrap(placed, placed.order_id)
        orders.append((envelope, placed))
    return orders


async def test_past_the_limit_the_client_emails_are_suppressed_and_never_sent(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    orders = phishing_orders(5)
    for envelope, placed in orders:
        assert await service.router.handle(envelope, placed)
    while await service.sender.run_once():
        pass

    assert len(smtp.sink.to(CLIENT)) == MAX_UNVOUCHED_PER_HOUR
    assert len(smtp.sink.to(SELLER)) == 5  # the shop hears of every order
    for mail in smtp.sink.to(CLIENT):
        assert "evil.example" not in mail.text()
        assert "evil.example" not in mail.html()
    rows = await query(CLIENT_ROWS)
    assert [r["status"] for r in rows] == ["sent"] * 3 + ["suppressed"] * 2
    for row in rows[3:]:
        assert "at most 3" in str(row["last_error"])
    assert len(await email_sent_events(query)) == 5 + 3  # none for a suppressed email

    for envelope, placed in orders:  # redelivered: nothing changes
        assert await service.router.handle(envelope, placed) is False
    assert await service.sender.run_once() == 0
    assert await query(CLIENT_ROWS) == rows


async def test_concurrent_messages_cannot_both_pass_the_limit(
    make_service: MakeService, query: Query
) -> None:
    service = make_service()  # log only: no SMTP needed to count
    orders = phishing_orders(8)
    handled = await asyncio.gather(*(service.router.handle(e, p) for e, p in orders))
    assert all(handled)
    statuses = sorted(str(r["status"]) for r in await query(CLIENT_ROWS))
    assert statuses == ["pending"] * 3 + ["suppressed"] * 5


async def test_the_address_case_does_not_matter_and_an_hour_later_it_may_again(
    make_service: MakeService, query: Query
) -> None:
    service = make_service()
    for i, (envelope, placed) in enumerate(phishing_orders(4, CLIENT)):
        if i % 2:
            upper = placed.client.model_copy(update={"email": CLIENT.upper()})
            placed = placed.model_copy(update={"client": upper})
        await service.router.handle(envelope, placed)
    assert [r["status"] for r in await query(CLIENT_ROWS)] == ["pending"] * 3 + ["suppressed"]

    await query("UPDATE emails SET created_at = created_at - interval '61 minutes' RETURNING id")
    ((envelope, placed),) = phishing_orders(1)
    await service.router.handle(envelope, placed)
    assert (await query(CLIENT_ROWS))[-1]["status"] == "pending"
