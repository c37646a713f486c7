"""The back office's emails (issue 14) on a real SMTP server and a real database: an
agency's photographers each hear of their own lines on `order.placed`; an invitation and a
password reset email their link once; a redelivered message sends nothing twice; the email
log does not show the account links."""

from __future__ import annotations

import uuid

import httpx

from shop_contracts.envelope import Envelope, MessageBody
from shop_notifications.db.repository import EmailRepository
from shop_notifications.domain.emails import photographer_sale_emails
from shop_notifications.domain.model import About
from shop_notifications.service.email_log import HIDDEN_BODY
from shop_notifications.service.record import record_emails
from shop_platform.settings import DEV_ADMIN_TOKEN
from shop_testkit.smtp import SmtpServer

from ..agency import ANA, BO, account_invited, agency_order, password_reset_requested
from ..factories import SELLER, wrap
from .conftest import MakeService, Query
from .test_emails_sent import email_sent_events

ADMIN = {"Authorization": f"Bearer {DEV_ADMIN_TOKEN}"}


def own_message(payload: MessageBody, own_id: uuid.UUID) -> tuple[Envelope, MessageBody]:
    return payload.envelope(correlation_id=own_id), payload


async def test_each_photographer_is_emailed_their_own_lines_once(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    event = agency_order()
    envelope, payload = wrap(event, event.order_id)
    assert await service.router.handle(envelope, payload)
    assert await service.sender.run_once() == 3  # the seller, Ana, Bo
    assert await service.router.handle(envelope, payload) is False  # redelivered
    assert await service.sender.run_once() == 0

    assert sorted(r for m in smtp.sink.received for r in m.recipients) == sorted(
        [SELLER, ANA.email, BO.email]
    )
    (seller,) = smtp.sink.to(SELLER)
    for title in ("Sunset over Lisbon", "Waves", "Harbour at night"):  # the seller sees all
        assert title in seller.text()
    (ana,) = smtp.sink.to(ANA.email)
    assert ana.subject == f"Order {event.number}: your photos sold"
    assert "Sunset over Lisbon" in ana.text()
    assert "25.00 EUR" in ana.text()
    assert "Sunset over Lisbon" in ana.html()
    for others in ("Waves", "Harbour at night"):
        assert others not in ana.text()
        assert others not in ana.html()
    (bo,) = smtp.sink.to(BO.email)
    assert bo.subject == f"Order {event.number}: your photos sold"
    assert "Waves" in bo.text()
    assert "20.00 EUR" in bo.text()
    assert "Sunset over Lisbon" not in bo.text()
    assert "Harbour at night" not in bo.text()
    assert f"http://orders.test/admin/orders/{event.order_id}" in bo.text()

    rows = await query("SELECT template, recipient, order_id FROM emails ORDER BY recipient")
    assert [(r["template"], r["recipient"]) for r in rows] == [
        ("order_placed_photographer", ANA.email),
        ("order_placed_photographer", BO.email),
        ("order_placed_seller", SELLER),
    ]
    assert {r["order_id"] for r in rows} == {event.order_id}  # in the order's history
    assert len(await email_sent_events(query)) == 3


async def test_the_photographer_emails_are_recorded_once_even_past_the_inbox(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    """The (message, template, recipient) key: the same message recorded again (a handler
    retried after its inbox row was lost) adds nothing."""
    service = make_service(smtp.url)
    event = agency_order()
    envelope, _ = wrap(event, event.order_id)
    intents = photographer_sale_emails(event, admin_order_url="http://orders.test/x")
    for expected in (2, 0):
        async with service.sessions.begin() as session:
            added = await record_emails(
                EmailRepository(session),
                service.renderer,
                intents,
                cause=envelope,
                about=About.order(event.order_id),
            )
        assert added == expected
    assert await service.sender.run_once() == 2
    assert len(await query("SELECT id FROM emails")) == 2


async def test_an_invitation_is_emailed_once_with_its_link_and_the_log_hides_it(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    event = account_invited()
    envelope, payload = own_message(event, event.account_id)
    assert await service.router.handle(envelope, payload)
    assert await service.router.handle(envelope, payload) is False
    assert await service.sender.run_once() == 1
    assert await service.sender.run_once() == 0

    (mail,) = smtp.sink.received
    assert mail.recipients == ["cleo@agency.example"]
    assert mail.subject == "Maria Owner invited you to the shop's back office"
    text = mail.text()
    for expected in (
        "Maria Owner",
        "as photographer",
        event.accept_url,
        "2026-12-09 08:00 UTC",
        "Ana Berg Photography",
    ):
        assert expected in text, expected
    assert f'href="{event.accept_url}"' in mail.html()
    (row,) = await query("SELECT order_id, correlation_id, status, template FROM emails")
    assert row == {
        "order_id": None,
        "correlation_id": event.account_id,
        "status": "sent",
        "template": "account_invited",
    }
    assert await email_sent_events(query) == []  # not an order's

    transport = httpx.ASGITransport(app=service.http_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://n") as client:
        (listed,) = (await client.get("/api/admin/emails", headers=ADMIN)).json()["emails"]
        assert listed["to"] == "cleo@agency.example"
        assert listed["subject"] == mail.subject
        shown = (await client.get(f"/api/admin/emails/{listed['id']}", headers=ADMIN)).json()
        page = await client.get(f"/admin/emails/{listed['id']}", headers=ADMIN)
    assert page.status_code == 200
    assert shown["text"] == HIDDEN_BODY
    for body in (shown["text"], shown["html"], page.text):
        assert "inv-Tok3n-abc" not in body
    assert "Invitation to the back office" in page.text


async def test_a_password_reset_is_emailed_once_with_its_link_and_expiry(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    event = password_reset_requested()
    envelope, payload = own_message(event, event.account_id)
    assert await service.router.handle(envelope, payload)
    assert await service.router.handle(envelope, payload) is False
    assert await service.sender.run_once() == 1

    (mail,) = smtp.sink.received
    assert mail.recipients == ["ana@agency.example"]
    assert mail.subject == "Reset your password"
    for body in (mail.text(), mail.html()):
        assert event.reset_url in body
        assert "2026-12-06 08:30 UTC" in body
        assert "If you did not ask, ignore this email" in body
    (row,) = await query("SELECT correlation_id, template FROM emails")
    assert row == {"correlation_id": event.account_id, "template": "password_reset"}

    transport = httpx.ASGITransport(app=service.http_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://n") as client:
        (listed,) = (await client.get("/api/admin/emails", headers=ADMIN)).json()["emails"]
        shown = (await client.get(f"/api/admin/emails/{listed['id']}", headers=ADMIN)).json()
    assert "rst-Tok3n-xyz" not in shown["text"] + shown["html"]


async def test_a_second_reset_request_is_a_second_email(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    """Another request is another message (a new link; the earlier ones are void in orders)."""
    service = make_service(smtp.url)
    account_id = uuid.uuid4()
    for token in ("first-link", "second-link"):
        event = password_reset_requested(
            account_id=account_id, reset_url=f"http://orders.test/admin/password-reset/{token}"
        )
        assert await service.router.handle(*own_message(event, account_id))
    assert await service.sender.run_once() == 2
    links = sorted("first-link" in m.text() for m in smtp.sink.to("ana@agency.example"))
    assert links == [False, True]
