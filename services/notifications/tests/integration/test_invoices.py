"""Issue 12: the invoice in the client's emails, on real PostgreSQL and SMTP.

A paid order's delivery email waits for its invoice (held, at most 10 minutes) and carries
the PDF; the invoice first, the delivery email carries it at once; past the wait, or after a
forced delivery, the invoice goes in an email of its own. Each email once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from shop_contracts.events import Invoice
from shop_contracts.routing import EVENTS_EXCHANGE
from shop_invoices.readback import pdf_text
from shop_messaging.broker import make_broker, publish_envelope
from shop_messaging.topology import declare_topology
from shop_notifications.bootstrap import NotificationsRoot
from shop_notifications.domain.emails import INVOICE_WAIT
from shop_platform.auth import ADMIN_COOKIE
from shop_platform.settings import DEV_ADMIN_TOKEN, DEV_SECRET_KEY
from shop_testkit.admin_sessions import KnownAdminSessions
from shop_testkit.smtp import ReceivedEmail, SmtpServer
from shop_testkit.vhosts import create_vhost, delete_vhost

from ..factories import CLIENT, delivery_completed, invoice_issued, wrap
from .conftest import MakeService, Query


class FakePdf:
    """Stands for `shop_invoices` (its own tests render the real file): bytes naming the
    invoice, and how many were rendered."""

    def __init__(self) -> None:
        self.rendered: list[str] = []

    async def render(self, invoice: Invoice) -> bytes:
        self.rendered.append(invoice.invoice_number)
        return b"%PDF-1.7 fake invoice " + invoice.invoice_number.encode()


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def pdf() -> FakePdf:
    return FakePdf()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(
    make_service: MakeService, smtp: SmtpServer, pdf: FakePdf, clock: Clock
) -> NotificationsRoot:
    return make_service(smtp.url, clock=clock, invoice_pdf=pdf)


async def send_all(service: NotificationsRoot) -> int:
    sent = 0
    while count := await service.sender.run_once():
        sent += count
    return sent


def attachments(mail: ReceivedEmail) -> list[tuple[str | None, str, bytes]]:
    return [
        (part.get_filename(), part.get_content_type(), part.get_content())
        for part in mail.message.iter_attachments()
    ]


def pdf_of(number: str) -> list[tuple[str | None, str, bytes]]:
    return [(f"{number}.pdf", "application/pdf", b"%PDF-1.7 fake invoice " + number.encode())]


ADMIN = {"Authorization": f"Bearer {DEV_ADMIN_TOKEN}"}
ROWS = "SELECT template, status, held_until, invoice_number FROM emails ORDER BY created_at"
SENT_EVENTS = "SELECT id FROM emails WHERE order_id IS NOT NULL AND status IN ('sent', 'logged')"


async def test_a_paid_delivery_waits_for_its_invoice_then_carries_it(
    service: NotificationsRoot, smtp: SmtpServer, query: Query, pdf: FakePdf
) -> None:
    order_id = uuid.uuid4()
    delivered = delivery_completed(order_id, forced=False)
    assert await service.router.handle(*wrap(delivered, order_id))
    assert await send_all(service) == 0  # held: nothing goes out yet
    (row,) = await query(ROWS)
    assert row["status"] == "pending"
    assert row["held_until"] is not None
    assert row["invoice_number"] is None

    issued = invoice_issued(order_id)
    assert await service.router.handle(*wrap(issued, order_id))
    assert await send_all(service) == 1

    (mail,) = smtp.sink.received
    assert mail.recipients == [CLIENT]
    assert mail.subject == "Your files for order 2026-0042 are ready"
    assert attachments(mail) == pdf_of("INV-000007")
    for body in (mail.text(), mail.html()):
        assert "INV-000007" in body
        assert "attached" in body
        assert delivered.downloads_url in body.replace("&amp;", "&")
    assert await query(ROWS) == [
        {
            "template": "delivery_completed",
            "status": "sent",
            "held_until": None,
            "invoice_number": "INV-000007",
        }
    ]
    assert pdf.rendered == ["INV-000007"]
    assert len(await query(SENT_EVENTS)) == 1


async def test_the_invoice_first_goes_with_the_delivery_email_at_once(
    service: NotificationsRoot, smtp: SmtpServer, query: Query
) -> None:
    order_id = uuid.uuid4()
    issued = invoice_issued(order_id)
    assert await service.router.handle(*wrap(issued, order_id))
    assert await send_all(service) == 0  # kept for the delivery email
    assert (await query("SELECT invoice_number FROM invoices")) == [
        {"invoice_number": "INV-000007"}
    ]

    delivered = delivery_completed(order_id, forced=False)
    assert await service.router.handle(*wrap(delivered, order_id))
    assert await send_all(service) == 1
    (mail,) = smtp.sink.received
    assert "ready" in mail.subject
    assert attachments(mail) == pdf_of("INV-000007")
    assert "Your invoice INV-000007 is attached" in mail.text()
    (row,) = await query(ROWS)
    assert (row["held_until"], row["invoice_number"]) == (None, "INV-000007")


async def test_after_ten_minutes_the_delivery_email_goes_without_and_the_invoice_alone(
    service: NotificationsRoot, smtp: SmtpServer, query: Query, clock: Clock
) -> None:
    order_id = uuid.uuid4()
    delivered = delivery_completed(order_id, forced=False)
    await service.router.handle(*wrap(delivered, order_id))
    clock.advance(INVOICE_WAIT - timedelta(seconds=5))
    assert await send_all(service) == 0  # still waiting
    clock.advance(timedelta(seconds=6))
    assert await send_all(service) == 1  # the wait is over: sent without the invoice

    (mail,) = smtp.sink.received
    assert "ready" in mail.subject
    assert attachments(mail) == []
    assert "invoice" not in mail.text().lower()

    issued = invoice_issued(order_id)
    await service.router.handle(*wrap(issued, order_id))
    assert await send_all(service) == 1
    invoice_mail = smtp.sink.received[1]
    assert invoice_mail.recipients == [CLIENT]
    assert invoice_mail.subject == "Your invoice INV-000007"
    assert attachments(invoice_mail) == pdf_of("INV-000007")
    for body in (invoice_mail.text(), invoice_mail.html()):
        assert "2026-0042" in body
        assert "189.00 EUR" in body
        assert "17.50 EUR" in body  # the discount
        assert "31.50 EUR" in body  # the tax
    assert issued.order_url in invoice_mail.text()
    assert [r["template"] for r in await query(ROWS)] == ["delivery_completed", "invoice_issued"]
    assert len(await query(SENT_EVENTS)) == 2


async def test_a_forced_delivery_is_not_held_and_its_invoice_comes_alone(
    service: NotificationsRoot, smtp: SmtpServer, query: Query
) -> None:
    order_id = uuid.uuid4()
    await service.router.handle(*wrap(delivery_completed(order_id, forced=True), order_id))
    assert await send_all(service) == 1
    assert attachments(smtp.sink.received[0]) == []

    await service.router.handle(*wrap(invoice_issued(order_id), order_id))
    assert await send_all(service) == 1
    invoice_mail = smtp.sink.received[1]
    assert invoice_mail.subject == "Your invoice INV-000007"
    assert attachments(invoice_mail) == pdf_of("INV-000007")


async def test_a_held_email_being_sent_when_the_invoice_comes_gets_an_email_of_its_own(
    service: NotificationsRoot, smtp: SmtpServer, query: Query, clock: Clock
) -> None:
    """The wait is over and a sender holds the email (its lease): it may be on its way
    without the invoice, so the invoice is not attached to it but sent alone."""
    order_id = uuid.uuid4()
    await service.router.handle(*wrap(delivery_completed(order_id, forced=False), order_id))
    await query(
        "UPDATE emails SET held_until = now() - interval '1 second', "
        "claimed_until = now() + interval '2 minutes' RETURNING id"
    )
    await service.router.handle(*wrap(invoice_issued(order_id), order_id))
    rows = await query(ROWS)
    assert [(r["template"], r["invoice_number"]) for r in rows] == [
        ("delivery_completed", None),
        ("invoice_issued", "INV-000007"),
    ]


async def test_redeliveries_send_each_email_once(
    service: NotificationsRoot, smtp: SmtpServer, query: Query, pdf: FakePdf
) -> None:
    order_id = uuid.uuid4()
    delivered = wrap(delivery_completed(order_id, forced=False), order_id)
    issued = wrap(invoice_issued(order_id), order_id)
    assert await service.router.handle(*delivered)
    assert await service.router.handle(*issued)
    assert await service.router.handle(*delivered) is False  # the inbox skips them
    assert await service.router.handle(*issued) is False
    # orders publishing the same invoice again, as a new message: nothing more either
    again = invoice_issued(order_id)
    assert await service.router.handle(*wrap(again, order_id))
    assert await send_all(service) == 1
    (mail,) = smtp.sink.received
    assert attachments(mail) == pdf_of("INV-000007")
    assert len(await query(ROWS)) == 1
    assert len(await query(SENT_EVENTS)) == 1
    assert len(await query("SELECT * FROM email_attachments")) == 1


async def test_the_invoice_after_its_own_email_is_not_sent_twice(
    service: NotificationsRoot, smtp: SmtpServer, query: Query
) -> None:
    order_id = uuid.uuid4()
    await service.router.handle(*wrap(delivery_completed(order_id, forced=True), order_id))
    await service.router.handle(*wrap(invoice_issued(order_id), order_id))
    await service.router.handle(*wrap(invoice_issued(order_id), order_id))  # a new message
    assert await send_all(service) == 2
    assert [m.subject for m in smtp.sink.received].count("Your invoice INV-000007") == 1


async def test_a_held_email_survives_a_restart(
    make_service: MakeService, smtp: SmtpServer, query: Query, pdf: FakePdf
) -> None:
    order_id = uuid.uuid4()
    first = make_service(smtp.url, invoice_pdf=pdf)
    await first.router.handle(*wrap(delivery_completed(order_id, forced=False), order_id))
    assert await send_all(first) == 0
    await first.aclose()

    after_restart = make_service(smtp.url, invoice_pdf=pdf)
    assert await send_all(after_restart) == 0  # still held, from the database
    await after_restart.router.handle(*wrap(invoice_issued(order_id), order_id))
    assert await send_all(after_restart) == 1
    (mail,) = smtp.sink.received
    assert attachments(mail) == pdf_of("INV-000007")


async def test_a_held_email_past_its_wait_goes_after_a_restart(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    """The wait is measured from the row (held_until), not from memory."""
    order_id = uuid.uuid4()
    then = datetime.now(UTC) - INVOICE_WAIT - timedelta(seconds=1)
    first = make_service(smtp.url, clock=lambda: then, invoice_pdf=FakePdf())
    await first.router.handle(*wrap(delivery_completed(order_id, forced=False), order_id))
    await first.aclose()
    after_restart = make_service(smtp.url, invoice_pdf=FakePdf())
    assert await send_all(after_restart) == 1
    assert attachments(smtp.sink.received[0]) == []


async def test_the_log_shows_a_held_email_and_the_invoice_it_carries(
    service: NotificationsRoot, smtp: SmtpServer
) -> None:
    order_id = uuid.uuid4()
    await service.router.handle(*wrap(delivery_completed(order_id, forced=False), order_id))
    sessions = KnownAdminSessions()
    transport = httpx.ASGITransport(app=service.http_app(sessions))
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications") as client:
        client.cookies.set(ADMIN_COOKIE, sessions.login(DEV_SECRET_KEY))
        (held,) = (await client.get("/api/admin/emails", headers=ADMIN)).json()["emails"]
        assert held["status"] == "pending"
        assert held["held_until"] is not None
        assert held["invoice_number"] is None
        page = await client.get("/admin/emails")
        assert "Waiting for the invoice until" in page.text

        await service.router.handle(*wrap(invoice_issued(order_id), order_id))
        (released,) = (await client.get("/api/admin/emails", headers=ADMIN)).json()["emails"]
        assert (released["held_until"], released["invoice_number"]) == (None, "INV-000007")
        one = await client.get(f"/admin/emails/{released['id']}")
        assert "Invoice INV-000007 (PDF)" in one.text


@pytest.fixture
async def amqp_url() -> AsyncIterator[str]:
    name, url = await create_vhost("shop-notifications-invoices")
    yield url
    await delete_vhost(name)


async def test_over_the_broker_the_delivery_email_carries_the_invoice(
    make_service: MakeService, smtp: SmtpServer, amqp_url: str, pdf: FakePdf
) -> None:
    """Both messages published on real RabbitMQ (the delivery first): one email, the PDF
    attached, sent by the running sender."""
    publisher = make_broker(amqp_url)
    await publisher.connect()
    await declare_topology(publisher)
    service = make_service(smtp.url, amqp_url=amqp_url, invoice_pdf=pdf)
    service.sender.start()
    await service.runtime.start()
    try:
        order_id = uuid.uuid4()
        for message in (delivery_completed(order_id, forced=False), invoice_issued(order_id)):
            envelope, _ = wrap(message, order_id)
            await publish_envelope(
                publisher, envelope, exchange_name=EVENTS_EXCHANGE, routing_key=envelope.type
            )
        mail = await smtp.sink.wait_for(lambda m: CLIENT in m.recipients, timeout=30)
        assert attachments(mail) == pdf_of("INV-000007")
        await asyncio.sleep(1)  # nothing else follows
        assert len(smtp.sink.received) == 1
    finally:
        await service.runtime.stop()
        await service.sender.stop()
        await publisher.stop()


async def test_the_real_invoice_pdf_is_attached(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    """With `shop_invoices` (the default renderer): the attached file is the invoice."""
    service = make_service(smtp.url)  # no fake: the root's own renderer
    order_id = uuid.uuid4()
    await service.router.handle(*wrap(delivery_completed(order_id, forced=False), order_id))
    await service.router.handle(*wrap(invoice_issued(order_id, number="INV-000042"), order_id))
    assert await send_all(service) == 1
    (mail,) = smtp.sink.received
    ((filename, content_type, content),) = attachments(mail)
    assert (filename, content_type) == ("INV-000042.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "INV-000042" in text
    assert "189.00 EUR" in text
    assert "SPRING10" in text
