"""Stopping the sender (SIGTERM): the email in flight is finished and recorded, claimed
emails not started are given back at once, and an interrupted send is never marked sent."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from shop_testkit.smtp import SmtpSink, free_port

from ..factories import CLIENT, order_placed, order_validated, wrap
from .conftest import MakeService, Query
from .test_emails_sent import email_sent_events


@dataclass
class SlowSink(SmtpSink):
    """An SMTP server that takes `delay_s` to accept each message."""

    delay_s: float = 1.0
    data_started: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_started += 1
        await asyncio.sleep(self.delay_s)
        return await super().handle_DATA(server, session, envelope)


@dataclass
class SlowSmtp:
    sink: SlowSink
    url: str


@pytest.fixture
def slow_smtp() -> Iterator[SlowSmtp]:
    sink = SlowSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SlowSmtp(sink, f"smtp://127.0.0.1:{port}")
    finally:
        controller.stop()


async def until(predicate: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_stop_finishes_the_send_in_flight_and_gives_back_the_rest(
    make_service: MakeService, slow_smtp: SlowSmtp, query: Query
) -> None:
    service = make_service(slow_smtp.url)
    event = order_placed(manual=True)  # two emails, sent one at a time
    await service.router.handle(*wrap(event, event.order_id))
    service.sender.start()
    await until(lambda: slow_smtp.sink.data_started == 1)
    await service.sender.stop()

    assert len(slow_smtp.sink.received) == 1
    rows = await query("SELECT recipient, status, attempts, claimed_until FROM emails")
    by_status = {r["status"]: r for r in rows}
    assert set(by_status) == {"sent", "pending"}
    assert by_status["sent"]["recipient"] == slow_smtp.sink.received[0].recipients[0]
    waiting = by_status["pending"]
    assert (waiting["attempts"], waiting["claimed_until"]) == (0, None)  # given back
    assert len(await email_sent_events(query)) == 1


async def test_a_send_cut_by_the_grace_period_stays_pending_and_is_sent_later(
    make_service: MakeService, slow_smtp: SlowSmtp, query: Query
) -> None:
    slow_smtp.sink.delay_s = 3
    service = make_service(slow_smtp.url)
    event = order_validated()
    await service.router.handle(*wrap(event, event.order_id))
    service.sender.start()
    await until(lambda: slow_smtp.sink.data_started == 1)
    await service.sender.stop(grace_s=0.2)

    (row,) = await query("SELECT status, attempts, claimed_until, sent_at FROM emails")
    assert (row["status"], row["attempts"], row["claimed_until"], row["sent_at"]) == (
        "pending",
        0,
        None,
        None,
    )
    assert await email_sent_events(query) == []

    slow_smtp.sink.delay_s = 0
    restarted = make_service(slow_smtp.url)
    assert await restarted.sender.run_once() == 1, "no lease to wait for"
    (row,) = await query("SELECT status FROM emails")
    assert row["status"] == "sent"
    assert len(await email_sent_events(query)) == 1


async def test_sends_stop_at_half_the_lease_and_the_rest_is_given_back(
    make_service: MakeService, slow_smtp: SlowSmtp, query: Query
) -> None:
    slow_smtp.sink.delay_s = 0.5
    service = make_service(slow_smtp.url, lease_s=0.4)  # sends may start for 0.2 s
    event = order_placed(manual=True)  # two emails
    await service.router.handle(*wrap(event, event.order_id))
    assert await service.sender.run_once() == 2
    assert len(slow_smtp.sink.received) == 1
    rows = await query("SELECT status, attempts, claimed_until FROM emails ORDER BY status")
    assert [(r["status"], r["attempts"], r["claimed_until"]) for r in rows] == [
        ("pending", 0, None),  # given back at once, not left to its lease
        ("sent", 1, None),
    ]
    assert len(await email_sent_events(query)) == 1


async def test_sigterm_lets_the_process_finish_the_email_in_flight(
    make_service: MakeService,
    slow_smtp: SlowSmtp,
    query: Query,
    database_url: str,
    tmp_path: Path,
) -> None:
    slow_smtp.sink.delay_s = 1.5
    event = order_validated()
    await make_service(None).router.handle(*wrap(event, event.order_id))
    env = {
        **os.environ,
        "NOTIFICATIONS_DATABASE_URL": database_url,
        "NOTIFICATIONS_PORT": str(free_port()),
        "SMTP_URL": slow_smtp.url,
        "AMQP_URL": f"amqp://guest:guest@127.0.0.1:{free_port()}/",  # no broker: not needed
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "shop_notifications",
        "serve",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await until(lambda: slow_smtp.sink.data_started == 1, timeout=30)
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, output.decode()
    assert "email_sender.stopped" in output.decode()
    (mail,) = slow_smtp.sink.received
    assert mail.recipients == [CLIENT]
    (row,) = await query("SELECT status, attempts FROM emails")
    assert (row["status"], row["attempts"]) == ("sent", 1)
    assert len(await email_sent_events(query)) == 1
