"""The catalog's emails (a private gallery's access link, a selection, a free download) on a
real SMTP server and a real database: each sent once with its link, in the admin's email log,
known by the message's own id, and never told to orders (no `email.sent`: they are not
orders, and orders would keep an `email.sent` about an unknown order waiting forever)."""

from __future__ import annotations

import uuid

import httpx

from shop_contracts.envelope import Envelope, MessageBody
from shop_notifications.db.repository import EmailRepository
from shop_notifications.domain.emails import free_download_about, free_download_ready_emails
from shop_notifications.service.record import record_emails
from shop_platform.settings import DEV_ADMIN_TOKEN
from shop_testkit.admin_sessions import KnownAdminSessions
from shop_testkit.smtp import SmtpServer

from ..factories import (
    CLIENT,
    free_download_ready,
    gallery_access_granted,
    order_validated,
    selection_sent,
    wrap,
)
from .conftest import MakeService, Query
from .test_emails_sent import email_sent_events

ADMIN = {"Authorization": f"Bearer {DEV_ADMIN_TOKEN}"}


def catalog_message(payload: MessageBody, own_id: uuid.UUID) -> tuple[Envelope, MessageBody]:
    return payload.envelope(correlation_id=own_id), payload


async def test_a_gallery_access_emails_the_link_once_and_tells_orders_nothing(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    event = gallery_access_granted()
    envelope, payload = catalog_message(event, event.gallery_id)
    assert await service.router.handle(envelope, payload)
    assert await service.sender.run_once() == 1

    (mail,) = smtp.sink.to(CLIENT)
    assert mail.subject == "Your access to the gallery Wedding of Ada & Bo"
    assert event.access_url in mail.text()
    assert f'href="{event.access_url}"' in mail.html()
    assert "Wedding of Ada &amp; Bo" in mail.html()  # escaped in HTML
    assert "Ana Berg Photography" in mail.text()  # the shop's name (its branding)
    assert "X-Shop-Order-Id" not in mail.message
    (row,) = await query("SELECT * FROM emails")
    assert (row["status"], row["order_id"]) == ("sent", None)
    assert row["correlation_id"] == uuid.uuid5(event.gallery_id, CLIENT)  # gallery + address
    assert row["template"] == "gallery_access"
    assert await email_sent_events(query) == []
    assert await query("SELECT * FROM outbox") == []


async def test_a_redelivered_selection_sends_nothing_more(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    event = selection_sent()
    envelope, payload = catalog_message(event, event.selection_id)
    assert await service.router.handle(envelope, payload)
    assert await service.sender.run_once() == 1
    assert await service.router.handle(envelope, payload) is False  # the same event_id
    assert await service.sender.run_once() == 0

    (mail,) = smtp.sink.received
    assert mail.recipients == [CLIENT]
    assert mail.subject == "A selection for you: Lisbon at dawn"
    assert event.url in mail.text()
    assert f'href="{event.url}"' in mail.html()
    assert "Here are my favourites.\r\nTell me what you think!" in mail.text()  # SMTP's CRLF
    assert "Here are my favourites." in mail.html()
    (row,) = await query("SELECT order_id, correlation_id, status FROM emails")
    assert row == {"order_id": None, "correlation_id": event.selection_id, "status": "sent"}
    assert await email_sent_events(query) == []


async def test_a_selection_without_a_message_and_one_with_markup(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url)
    plain, marked = selection_sent(message=None), selection_sent(message="<script>x</script>")
    for event in (plain, marked):
        assert await service.router.handle(*catalog_message(event, event.selection_id))
    assert await service.sender.run_once() == 2
    mails = smtp.sink.to(CLIENT)
    assert len(mails) == 2
    # In either order (a batch is not sent in the order it was recorded).
    (second,) = [m for m in mails if "script" in m.text()]
    (first,) = [m for m in mails if m is not second]
    assert "None" not in first.text()
    assert "blockquote" not in first.html()
    assert "&lt;script&gt;x&lt;/script&gt;" in second.html()
    assert "<script>" not in second.html()


async def test_a_free_download_emails_the_download_page_and_its_expiry(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    event = free_download_ready()
    envelope, payload = catalog_message(event, event.grant_id)
    assert await service.router.handle(envelope, payload)
    assert await service.router.handle(envelope, payload) is False
    assert await service.sender.run_once() == 1
    assert await service.sender.run_once() == 0

    (mail,) = smtp.sink.to(CLIENT)
    assert mail.subject == "Your free download: Press kit 2026"
    assert event.downloads_url in mail.text()
    assert f'href="{event.downloads_url}"' in mail.html()
    assert "press_01.jpg" in mail.text()
    assert "press_02.jpg" in mail.html()
    assert "2027-01-10 08:00 UTC" in mail.text()
    assert "2027-01-10 08:00 UTC" in mail.html()
    (row,) = await query("SELECT order_id, correlation_id FROM emails")
    assert row == {"order_id": None, "correlation_id": event.grant_id}
    assert await email_sent_events(query) == []


async def test_the_unique_key_backs_the_inbox_for_a_free_download(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    """Even past the inbox, the same message's email is recorded (and sent) once."""
    service = make_service(smtp.url)
    event = free_download_ready()
    envelope, _ = catalog_message(event, event.grant_id)
    for expected in (1, 0):
        async with service.sessions.begin() as session:
            added = await record_emails(
                EmailRepository(session),
                service.renderer,
                free_download_ready_emails(event),
                cause=envelope,
                about=free_download_about(event),
            )
        assert added == expected
    assert await service.sender.run_once() == 1
    assert await service.sender.run_once() == 0
    assert len(smtp.sink.received) == 1
    assert len(await query("SELECT id FROM emails")) == 1


async def test_an_orders_email_is_still_told_to_orders_beside_them(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    validated = order_validated()
    selection = selection_sent()
    access = gallery_access_granted()
    assert await service.router.handle(*wrap(validated, validated.order_id))
    assert await service.router.handle(*catalog_message(selection, selection.selection_id))
    assert await service.router.handle(*catalog_message(access, access.gallery_id))
    assert await service.sender.run_once() == 3
    assert len(smtp.sink.to(CLIENT)) == 3
    (sent,) = await email_sent_events(query)
    assert sent["correlation_id"] == str(validated.order_id)
    assert sent["payload"]["template"] == "order_validated"  # type: ignore[index]


async def test_they_are_in_the_admin_email_log(make_service: MakeService) -> None:
    service = make_service(None)  # no SMTP server: kept in the log ("logged")
    selection, download = selection_sent(), free_download_ready()
    await service.router.handle(*catalog_message(selection, selection.selection_id))
    await service.router.handle(*catalog_message(download, download.grant_id))
    assert await service.sender.run_once() == 2

    app = service.http_app(KnownAdminSessions())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications") as client:
        listed = (await client.get("/api/admin/emails", headers=ADMIN)).json()["emails"]
        by_template = {e["template"]: e for e in listed}
        assert set(by_template) == {"selection_sent", "free_download_ready"}
        chosen = by_template["selection_sent"]
        assert chosen["order_id"] is None
        assert chosen["correlation_id"] == str(selection.selection_id)
        assert (chosen["status"], chosen["to"]) == ("logged", CLIENT)
        read = (await client.get(f"/api/admin/emails/{chosen['id']}", headers=ADMIN)).json()
        assert selection.url in read["text"]

        page = await client.get("/admin/emails", headers=ADMIN)
        assert page.status_code == 200
        assert "Selection sent" in page.text
        assert "Free download ready" in page.text
        assert "Not an order" in page.text
        one = await client.get(f"/admin/emails/{chosen['id']}", headers=ADMIN)
        assert one.status_code == 200
        assert "Not about an order" in one.text
