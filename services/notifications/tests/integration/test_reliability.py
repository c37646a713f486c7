"""Exactly-once-ish: redeliveries, crashes, SMTP outages and the log-only mode."""

from __future__ import annotations

import asyncio

from shop_notifications.db.claims import claim_pending
from shop_notifications.db.repository import EmailRepository
from shop_notifications.domain.emails import order_validated_emails
from shop_notifications.domain.model import About
from shop_notifications.service.record import record_emails
from shop_testkit.smtp import SmtpServer

from ..factories import CLIENT, order_placed, order_validated, wrap
from .conftest import MakeService, Query
from .test_emails_sent import email_sent_events


async def test_a_redelivered_message_sends_no_second_email(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    event = order_validated()
    envelope, payload = wrap(event, event.order_id)
    assert await service.router.handle(envelope, payload)
    await service.sender.run_once()
    assert await service.router.handle(envelope, payload) is False  # same event_id
    assert await service.sender.run_once() == 0
    assert len(smtp.sink.received) == 1
    assert len(await email_sent_events(query)) == 1


async def test_the_unique_key_backs_the_inbox(make_service: MakeService, query: Query) -> None:
    """Even past the inbox, the same (message, template, recipient) is recorded once."""
    service = make_service()
    event = order_validated()
    envelope, _ = wrap(event, event.order_id)
    for expected in (1, 0):
        async with service.sessions.begin() as session:
            added = await record_emails(
                EmailRepository(session),
                service.renderer,
                order_validated_emails(event),
                cause=envelope,
                about=About.order(event.order_id),
            )
        assert added == expected
    assert len(await query("SELECT id FROM emails")) == 1


async def test_a_crash_before_sending_still_sends_once(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    crashed = make_service(smtp.url)
    event = order_placed(manual=True)
    await crashed.router.handle(*wrap(event, event.order_id))  # committed, never sent
    await crashed.aclose()

    restarted = make_service(smtp.url)
    assert await restarted.sender.run_once() == 2
    assert await restarted.sender.run_once() == 0
    assert sorted(m.recipients[0] for m in smtp.sink.received) == sorted(
        [CLIENT, "seller@example.com"]
    )
    assert len(await email_sent_events(query)) == 2


async def test_a_sender_that_died_holding_a_lease_gives_its_emails_back(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url)
    event = order_validated()
    await service.router.handle(*wrap(event, event.order_id))
    (claimed,) = await claim_pending(service.engine, lease_s=0.3, batch=10)  # then "dies"
    assert await service.sender.run_once() == 0, "the lease keeps other senders off"
    await asyncio.sleep(0.4)
    assert await service.sender.run_once() == 1
    (mail,) = smtp.sink.received
    assert mail.message_id == f"<{claimed.id}@photos.example>"


async def test_smtp_down_is_retried_and_sent_once_it_is_back(
    make_service: MakeService, query: Query
) -> None:
    smtp = SmtpServer()  # not started yet: connections are refused
    service = make_service(smtp.url)
    event = order_validated()
    await service.router.handle(*wrap(event, event.order_id))
    assert await service.sender.run_once() == 1
    (row,) = await query("SELECT status, attempts, last_error FROM emails")
    assert row["status"] == "pending"
    assert row["attempts"] == 1
    assert "SMTPConnect" in str(row["last_error"])
    assert await email_sent_events(query) == []

    with smtp:
        assert await service.sender.run_once() == 1
        assert await service.sender.run_once() == 0
        assert len(smtp.sink.received) == 1
    (row,) = await query("SELECT status, attempts, last_error FROM emails")
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 2, None)
    assert len(await email_sent_events(query)) == 1


async def test_backoff_delays_the_next_attempt(make_service: MakeService, query: Query) -> None:
    service = make_service(SmtpServer().url, retry_base_s=60)
    event = order_validated()
    await service.router.handle(*wrap(event, event.order_id))
    assert await service.sender.run_once() == 1
    assert await service.sender.run_once() == 0, "not before its backoff"
    (row,) = await query("SELECT available_at - now() AS wait FROM emails")
    assert 50 < row["wait"].total_seconds() <= 60  # type: ignore[attr-defined]


async def test_an_email_that_keeps_failing_ends_failed(
    make_service: MakeService, query: Query
) -> None:
    service = make_service(SmtpServer().url, max_attempts=3)
    event = order_validated()
    await service.router.handle(*wrap(event, event.order_id))
    for _ in range(3):
        assert await service.sender.run_once() == 1
    assert await service.sender.run_once() == 0
    (row,) = await query("SELECT status, attempts, last_error, sent_at FROM emails")
    assert (row["status"], row["attempts"], row["sent_at"]) == ("failed", 3, None)
    assert row["last_error"]
    assert await email_sent_events(query) == []


async def test_without_smtp_url_emails_are_logged_and_still_reported(
    make_service: MakeService, query: Query
) -> None:
    service = make_service(None)
    event = order_placed(manual=True)
    await service.router.handle(*wrap(event, event.order_id))
    assert await service.sender.run_once() == 2
    rows = await query("SELECT status, sent_at, text_body, html_body FROM emails")
    assert {r["status"] for r in rows} == {"logged"}
    assert all(r["sent_at"] and r["text_body"] and r["html_body"] for r in rows)
    events = await email_sent_events(query)
    assert len(events) == 2
    assert {e["payload"]["to"] for e in events} == {CLIENT, "seller@example.com"}  # type: ignore[index]
