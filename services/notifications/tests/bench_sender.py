"""The email sender alone: N pending emails through a local SMTP sink, on a throwaway database.

    uv run python services/notifications/tests/bench_sender.py [--emails 200] [--runs 3]
                                                               [--connections 1]

Reports emails/s (from the first claim until every email is settled), the SMTP connections
the sink saw, and the committed transactions the sender's engine made. Not a pytest test
(the name does not start with `test_`): it needs PostgreSQL, like the integration tests.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

import structlog
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from sqlalchemy import event, text

from shop_notifications.bootstrap import bootstrap
from shop_notifications.config import NotificationsSettings
from shop_notifications.db.repository import EmailRepository
from shop_notifications.mail.sender import SenderPolicy
from shop_notifications.service.ports import NewEmail
from shop_platform.db import migrate
from shop_platform.settings import DEV_ADMIN_TOKEN, DEV_SECRET_KEY
from shop_testkit.databases import create_database, remove_database
from shop_testkit.smtp import SmtpSink, free_port

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


class CountingController(Controller):
    """aiosmtpd calls `factory()` once per accepted connection: count them."""

    connections = 0

    def factory(self) -> SMTP:
        self.connections += 1
        smtp: SMTP = super().factory()  # type: ignore[no-untyped-call]
        return smtp


async def one_run(database_url: str, count: int, connections: int) -> dict[str, float]:
    sink = SmtpSink()
    port = free_port()
    controller = CountingController(sink, hostname="127.0.0.1", port=port)
    controller.start()
    self_test = controller.connections  # Controller.start() connects once to check the server
    settings = NotificationsSettings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        smtp_url=f"smtp://127.0.0.1:{port}",
        mail_from="shop@photos.example",
        orders_public_url="http://orders.test",
        admin_token=DEV_ADMIN_TOKEN,
        secret_key=DEV_SECRET_KEY,
    )
    service = bootstrap(settings, sender_policy=SenderPolicy(connections=connections))
    commits = 0

    def on_commit(*_: Any) -> None:
        nonlocal commits
        commits += 1

    try:
        async with service.sessions.begin() as session:
            await session.execute(text("TRUNCATE emails, email_attachments, outbox, inbox"))
            repository = EmailRepository(session)
            for i in range(count):
                await repository.add(
                    NewEmail(
                        id=uuid.uuid4(),
                        order_id=(order_id := uuid.uuid4()),
                        correlation_id=order_id,
                        message_id=uuid.uuid4(),
                        message_type="order.validated",
                        template="order_validated",
                        to=f"client{i}@example.com",
                        subject=f"Your order 2026-{i:04d}",
                        text="Hello,\n\nyour order is validated.\n" * 20,
                        html="<p>Hello,</p><p>your order is validated.</p>" * 20,
                    )
                )
        event.listen(service.engine.sync_engine, "commit", on_commit)
        started = time.perf_counter()
        while await service.sender.run_once():
            pass
        elapsed = time.perf_counter() - started
        event.remove(service.engine.sync_engine, "commit", on_commit)
        assert len(sink.received) == count, (len(sink.received), count)
        assert service.sender.stats.delivered == count
        return {
            "emails_s": count / elapsed,
            "seconds": elapsed,
            "connections": controller.connections - self_test,
            "commits": commits,
        }
    finally:
        await service.aclose()
        controller.stop()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=1, help="SMTP connections at once")
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    database_url = await create_database("bench_notifications_sender")
    try:
        await asyncio.to_thread(migrate, ALEMBIC_INI, database_url)
        results = [
            await one_run(database_url, args.emails, args.connections) for _ in range(args.runs)
        ]
    finally:
        await remove_database(database_url)
    for i, r in enumerate(results, 1):
        print(
            f"run {i}: {r['emails_s']:.0f} emails/s ({r['seconds']:.2f} s), "
            f"{r['connections']:.0f} SMTP connections, {r['commits']:.0f} commits"
        )
    best = max(r["emails_s"] for r in results)
    median = statistics.median(r["emails_s"] for r in results)
    print(
        f"bench_sender: emails={args.emails} median_emails_s={median:.0f} best_emails_s={best:.0f} "
        f"connections={results[-1]['connections']:.0f} commits={results[-1]['commits']:.0f}"
    )


if __name__ == "__main__":
    asyncio.run(main())
