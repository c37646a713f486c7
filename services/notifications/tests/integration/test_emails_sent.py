"""Consumed messages become emails on a real SMTP server; an order's sent emails are what
orders' history lists (asked of this service, `GET /internal/orders/{id}/emails`: no
`email.sent` event is published any more, issue 15)."""

from __future__ import annotations

import html

from shop_testkit.smtp import SmtpServer

from ..factories import (
    CLIENT,
    SELLER,
    delivery_completed,
    order_cancelled,
    order_placed,
    order_validated,
    wrap,
)
from .conftest import MakeService, Query

SENT_ORDER_EMAILS = """
    SELECT id, order_id, template, recipient, subject FROM emails
    WHERE order_id IS NOT NULL AND status IN ('sent', 'logged') ORDER BY sent_at, id
"""


async def email_sent_events(query: Query) -> list[dict[str, object]]:
    """The order emails orders' history lists (the internal route's rows), shaped like the
    `email.sent` events that used to tell orders; and no such event in the outbox."""
    assert await query("SELECT * FROM outbox WHERE message_type = 'email.sent'") == []
    return [
        {
            "type": "email.sent",
            "correlation_id": str(row["order_id"]),
            "payload": {
                "email_id": str(row["id"]),
                "order_id": str(row["order_id"]),
                "template": row["template"],
                "to": row["recipient"],
                "subject": row["subject"],
            },
        }
        for row in await query(SENT_ORDER_EMAILS)
    ]


async def test_a_new_order_emails_the_seller(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    event = order_placed(client_name="<b>x</b>")
    assert await service.router.handle(*wrap(event, event.order_id))
    assert await service.sender.run_once() == 1

    (mail,) = smtp.sink.received
    assert mail.recipients == [SELLER]
    assert "2026-0042" in mail.subject
    assert mail.message["From"] == "Photo license shop <shop@photos.example>"
    assert mail.message["Date"]
    assert "<b>x</b>" in mail.text()
    assert "45.00 EUR" in mail.text()
    assert "&lt;b&gt;x&lt;/b&gt;" in mail.html()
    assert "<b>x</b>" not in mail.html()
    assert f"http://orders.test/admin/orders/{event.order_id}" in mail.html()

    (row,) = await query("SELECT * FROM emails")
    assert row["status"] == "sent"
    assert row["sent_at"] is not None
    assert row["attempts"] == 1
    assert mail.message_id == f"<{row['id']}@photos.example>"
    (sent,) = await email_sent_events(query)
    assert sent["type"] == "email.sent"
    assert sent["correlation_id"] == str(event.order_id)
    assert sent["payload"]["email_id"] == str(row["id"])  # type: ignore[index]
    assert sent["payload"]["to"] == SELLER  # type: ignore[index]
    assert sent["payload"]["template"] == "order_placed_seller"  # type: ignore[index]


async def test_with_manual_validation_the_client_hears_it_will_be_processed_offline(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    event = order_placed(manual=True)
    await service.router.handle(*wrap(event, event.order_id))
    assert await service.sender.run_once() == 2

    (seller,) = smtp.sink.to(SELLER)
    assert "2026-0042" in seller.subject
    assert "AWAITING YOUR VALIDATION" in seller.text()
    (client,) = smtp.sink.to(CLIENT)
    assert "2026-0042" in client.subject
    for body in (client.text(), client.html()):
        assert "processed offline" in body
        assert "get back to you" in body
    assert len(await email_sent_events(query)) == 2


async def test_validation_sends_the_payment_link(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url)
    event = order_validated()
    await service.router.handle(*wrap(event, event.order_id))
    await service.sender.run_once()
    (mail,) = smtp.sink.to(CLIENT)
    assert event.payment_url in mail.text()
    assert f'href="{html.escape(event.payment_url)}"' in mail.html()


async def test_delivery_sends_the_download_link(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url)
    event = delivery_completed()
    await service.router.handle(*wrap(event, event.order_id))
    await service.sender.run_once()
    (mail,) = smtp.sink.to(CLIENT)
    assert "ready" in mail.subject
    assert event.downloads_url in mail.text()
    assert "lisbon_web.jpg" in mail.text()
    assert f'href="{event.downloads_url}"' in mail.html()
    assert "2026-12-27 11:00 UTC" in mail.html()


async def test_cancellation_tells_the_client(make_service: MakeService, smtp: SmtpServer) -> None:
    service = make_service(smtp.url)
    event = order_cancelled()
    await service.router.handle(*wrap(event, event.order_id))
    await service.sender.run_once()
    (mail,) = smtp.sink.to(CLIENT)
    assert "cancelled" in mail.subject
    assert "cancelled" in mail.text()


async def test_the_running_sender_wakes_on_a_new_email(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url, poll_interval_s=30)  # only NOTIFY can wake it in time
    service.sender.start()
    try:
        event = order_validated()
        await service.router.handle(*wrap(event, event.order_id))
        await smtp.sink.wait_for(lambda m: CLIENT in m.recipients, timeout=5)
        assert service.sender.running
    finally:
        await service.sender.stop()
