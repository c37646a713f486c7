"""One persistent SMTP connection: opened lazily, reused, replaced once when the server
dropped it, logged in once, closed on shutdown; and each email recorded as soon as it is sent."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from shop_contracts.routing import SUBSCRIPTIONS
from shop_notifications.consumers.handlers import CONSUMER
from shop_notifications.mail.smtp import SmtpTarget, SmtpTransport
from shop_testkit.smtp import SmtpSink, free_port

from ..factories import CLIENT, SELLER, order_placed, order_validated, wrap
from .conftest import MakeService, Query
from .test_emails_sent import email_sent_events


@dataclass
class CountingSink(SmtpSink):
    """Counts QUITs; answers the next `refuse_mail` MAIL FROMs with 421 (the server's
    "closing the channel", as after an idle timeout)."""

    quits: int = 0
    refuse_mail: int = 0
    refuse_data_to: str | None = None  # 554 for the message to this address
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.refuse_mail:
            self.refuse_mail -= 1
            return "421 closing the channel"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_data_to in envelope.rcpt_tos:
            return "554 rejected"
        return await super().handle_DATA(server, session, envelope)

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        self.quits += 1
        return "221 Bye"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cret")


class CountingController(Controller):
    """aiosmtpd calls `factory()` once per accepted connection."""

    connections = 0

    def factory(self) -> SMTP:
        self.connections += 1
        smtp: SMTP = super().factory()  # type: ignore[no-untyped-call]
        return smtp


@dataclass
class Server:
    sink: CountingSink
    port: int
    controller: CountingController

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def connections(self) -> int:
        return self.controller.connections - 1  # Controller.start() checks the server once

    def restart(self) -> None:
        self.controller.stop()
        self.controller = start(self.sink, self.port)


def start(sink: CountingSink, port: int) -> CountingController:
    controller = CountingController(
        sink,
        hostname="127.0.0.1",
        port=port,
        authenticator=sink.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    return controller


@pytest.fixture
def server() -> Iterator[Server]:
    sink, port = CountingSink(), free_port()
    running = Server(sink, port, start(sink, port))
    try:
        yield running
    finally:
        running.controller.stop()


async def record_validated(service: Any, count: int) -> None:
    for _ in range(count):
        validated = order_validated()
        await service.router.handle(*wrap(validated, validated.order_id))


async def test_one_connection_carries_every_email_and_is_closed_on_stop(
    make_service: MakeService, server: Server, query: Query
) -> None:
    service = make_service(server.url, batch_size=3)
    assert server.connections == 0, "lazy: nothing opened before the first email"
    await record_validated(service, 7)
    while await service.sender.run_once():
        pass
    assert len(server.sink.received) == 7
    assert server.connections == 1
    assert server.sink.quits == 0
    await service.sender.stop()
    await asyncio.sleep(0.1)  # the server handles the QUIT
    assert server.sink.quits == 1
    assert len(await email_sent_events(query)) == 7


async def test_a_connection_the_server_dropped_is_replaced_without_a_failed_attempt(
    make_service: MakeService, server: Server, query: Query
) -> None:
    service = make_service(server.url)
    await record_validated(service, 1)
    assert await service.sender.run_once() == 1

    server.sink.refuse_mail = 1  # the idle connection is closed by the server
    await record_validated(service, 1)
    assert await service.sender.run_once() == 1
    assert server.connections == 2

    server.restart()  # the server went away and came back between two emails
    await record_validated(service, 1)
    assert await service.sender.run_once() == 1
    assert server.connections == 1  # counted by the new controller

    assert len(server.sink.received) == 3
    rows = await query("SELECT status, attempts, last_error FROM emails")
    assert [(r["status"], r["attempts"], r["last_error"]) for r in rows] == [("sent", 1, None)] * 3
    assert service.sender.stats.failed_attempts == 0


async def test_a_new_connection_that_fails_too_is_a_failed_attempt(
    make_service: MakeService, server: Server, query: Query
) -> None:
    service = make_service(server.url)
    await record_validated(service, 1)
    assert await service.sender.run_once() == 1
    server.sink.refuse_mail = 2  # on the reused connection, then on the new one
    await record_validated(service, 1)
    assert await service.sender.run_once() == 1
    assert server.connections == 2, "one reconnection, no more"
    (row,) = await query("SELECT status, attempts, last_error FROM emails WHERE status='pending'")
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert "421" in str(row["last_error"])
    assert await service.sender.run_once() == 1  # retried (retry_base_s=0): sent
    assert len(server.sink.received) == 2


async def test_credentials_log_in_once_per_connection(
    make_service: MakeService, server: Server
) -> None:
    service = make_service(f"smtp://shop%40x.example:s3cret@127.0.0.1:{server.port}")
    await record_validated(service, 3)
    assert await service.sender.run_once() == 3
    assert len(server.sink.received) == 3
    assert server.sink.logins == [(b"shop@x.example", b"s3cret")]


async def test_a_permanent_refusal_keeps_the_connection_for_the_next_email(
    make_service: MakeService, server: Server, query: Query
) -> None:
    service = make_service(server.url)
    placed = order_placed(manual=True)  # to the seller and to the client
    await service.router.handle(*wrap(placed, placed.order_id))
    server.sink.refuse_data_to = SELLER
    assert await service.sender.run_once() == 2
    rows = {r["recipient"]: r["status"] for r in await query("SELECT * FROM emails")}
    assert rows == {SELLER: "failed", CLIENT: "sent"}
    assert server.connections == 1


async def test_each_email_is_recorded_as_sent_before_the_next_goes_out(
    make_service: MakeService, server: Server, query: Query
) -> None:
    """A crash can then send again at most the one email the server was accepting."""
    service = make_service(server.url, batch_size=20)
    await record_validated(service, 5)
    transport = service.sender.transport
    deliver = transport.deliver
    sent_before: list[int] = []

    async def recording(email: Any, before_accept: Any) -> Any:
        rows = await query("SELECT count(*) AS n FROM emails WHERE status = 'sent'")
        sent_before.append(rows[0]["n"])
        return await deliver(email, before_accept)

    transport.deliver = recording  # type: ignore[method-assign]
    assert await service.sender.run_once() == 5
    assert sent_before == [0, 1, 2, 3, 4]
    rows = await query("SELECT status, attempts, sent_at FROM emails ORDER BY sent_at")
    assert [(r["status"], r["attempts"]) for r in rows] == [("sent", 1)] * 5
    assert len({r["sent_at"] for r in rows}) == 5, "each email keeps its own send time"
    events = await email_sent_events(query)
    assert len(events) == 5
    assert len({e["payload"]["email_id"] for e in events}) == 5  # type: ignore[index]
    assert server.connections == 1  # still one SMTP connection for the batch


async def test_several_connections_accept_one_email_at_a_time_each_recorded_first(
    make_service: MakeService, server: Server, query: Query
) -> None:
    """Their dialogues overlap; each DATA waits until the email accepted before it is recorded:
    a crash still sends again at most one email."""
    service = make_service(server.url, batch_size=20, connections=3)
    service.sender.transport = transport = SmtpTransport(
        SmtpTarget.from_url(server.url), mail_from="shop@x.example", shop_name="Shop", connections=3
    )
    await record_validated(service, 9)
    deliver, settle = transport.deliver, service.sender.settle
    steps: list[str] = []
    in_flight = 0
    most_in_flight = 0

    async def overlapping(email: Any, before_accept: Any) -> Any:
        nonlocal in_flight, most_in_flight
        in_flight += 1
        most_in_flight = max(most_in_flight, in_flight)

        async def accepting() -> None:
            await before_accept()
            steps.append(f"accept {email.id}")

        try:
            return await deliver(email, accepting)
        finally:
            in_flight -= 1

    async def recording(outcomes: Any) -> None:
        await settle(outcomes)
        steps.extend(f"recorded {email.id}" for email, _ in outcomes)

    transport.deliver = overlapping  # type: ignore[method-assign]
    service.sender.settle = recording  # type: ignore[method-assign]
    assert await service.sender.run_once() == 9
    assert most_in_flight == 3
    accepted = [step.split()[1] for step in steps[::2]]
    assert steps == [s for e in accepted for s in (f"accept {e}", f"recorded {e}")]
    rows = await query("SELECT status, attempts FROM emails")
    assert [(r["status"], r["attempts"]) for r in rows] == [("sent", 1)] * 9
    assert len(server.sink.received) == 9
    assert server.connections == 3
    await service.sender.stop()


async def test_an_email_settled_by_another_sender_is_not_reported_twice(
    make_service: MakeService, server: Server, query: Query
) -> None:
    from datetime import UTC, datetime

    from shop_notifications.db.claims import claim_pending
    from shop_notifications.db.repository import EmailRepository
    from shop_notifications.domain.model import EmailStatus
    from shop_notifications.service.ports import Delivered
    from shop_notifications.service.settle import record_delivered

    service = make_service(server.url)
    await record_validated(service, 2)
    first, second = await claim_pending(service.engine, lease_s=60, batch=2)
    now = datetime.now(UTC)
    async with service.sessions.begin() as session:
        once = [Delivered(first, EmailStatus.SENT, now)]
        assert await record_delivered(EmailRepository(session), once) == 1
    async with service.sessions.begin() as session:
        both = [Delivered(first, EmailStatus.SENT, now), Delivered(second, EmailStatus.LOGGED, now)]
        assert await record_delivered(EmailRepository(session), both) == 1
    rows = {r["id"]: (r["status"], r["attempts"]) for r in await query("SELECT * FROM emails")}
    assert rows == {first.id: ("sent", 1), second.id: ("logged", 1)}
    assert len(await email_sent_events(query)) == 2


def test_the_router_consumes_what_routing_subscribes_notifications_to(
    make_service: MakeService,
) -> None:
    service = make_service()
    subscribed = sorted(m.TYPE for m in SUBSCRIPTIONS[CONSUMER].messages)
    assert service.router.message_types == subscribed
    assert "payment.confirmed" not in service.router.message_types


async def test_a_sent_email_is_recorded_once_the_database_is_back_not_sent_again(
    make_service: MakeService, server: Server, query: Query, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    import shop_notifications.mail.sender as sender_module

    service = make_service(server.url, settle_retry_delays_s=(0.01, 0.01, 0.01))
    await record_validated(service, 1)
    real_record = sender_module.record_delivered
    outages = 2

    async def database_restarting(*args: Any) -> None:
        nonlocal outages
        if outages:
            outages -= 1
            raise OperationalError("UPDATE emails", None, ConnectionError("restarting"))
        await real_record(*args)

    monkeypatch.setattr(sender_module, "record_delivered", database_restarting)
    assert await service.sender.run_once() == 1
    assert outages == 0
    assert len(server.sink.received) == 1
    rows = await query("SELECT status FROM emails")
    assert [r["status"] for r in rows] == ["sent"]
    assert await service.sender.run_once() == 0  # nothing left to send a second time
    assert len(server.sink.received) == 1
