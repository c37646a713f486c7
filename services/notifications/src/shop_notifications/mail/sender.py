"""The sender: sends claimed emails and records each as soon as it is sent.

A use of the leased work loop (`shop_messaging.leased_loop`), like the outbox relay: claims
pending rows with FOR UPDATE SKIP LOCKED and a lease (replicas share the work; a crashed
sender's emails come back when the lease expires), wakes on LISTEN/NOTIFY or polls. A batch
is sent over the transport's SMTP connections (`SenderPolicy.connections` at once); each
email is settled on its own as soon as the server answered: marked sent (orders' history
asks for an order's sent emails when it shows the order: no `email.sent` is published), or
its failed attempt recorded. A crash between the server's acceptance and that commit sends
the email again, with the same Message-ID: at least once, recognizably. That moment is kept
to one email however many connections send: an email's DATA (where the server accepts it)
starts only once the email accepted before it is recorded (`_accepting`); the dialogues
before it (MAIL, RCPT) overlap. Sends stop at half the lease; the rest of the batch is given
back at once.

Stopping (SIGTERM) is graceful: nothing more is claimed or started, the send in flight
finishes within the grace period, what was sent is settled, the emails claimed but not sent
are given back at once and the SMTP connection is closed. An interrupted send leaves its
email pending; an unsent email is never marked sent.

Tracing on: each send is a span, child of the handler's span that recorded the email (its
`traceparent` is kept with the row), so the email joins the trace of the order that caused it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop_messaging import tracing
from shop_messaging.leased_loop import (
    DEFAULT_SETTLE_RETRY_DELAYS_S,
    LeasedWorkLoop,
    LoopPolicy,
)
from shop_notifications.db.claims import claim_pending, release_claims
from shop_notifications.db.repository import EmailRepository
from shop_notifications.db.tables import EMAILS_CHANNEL
from shop_notifications.domain.model import OutgoingEmail
from shop_notifications.mail.smtp import PermanentSendError, Transport
from shop_notifications.service.ports import Delivered
from shop_notifications.service.settle import record_delivered, record_failed_attempt
from shop_platform.db import database_unavailable

log = structlog.get_logger()


@dataclass(frozen=True)
class SenderPolicy:
    batch_size: int = 20
    connections: int = 1  # SMTP connections sending at once (the service's: SMTP_CONNECTIONS)
    lease_s: float = 120.0  # sends start within its first half; one takes ≤ 30 s (timeout)
    poll_interval_s: float = 0.5
    max_attempts: int = 8
    retry_base_s: float = 5.0
    shutdown_grace_s: float = 20.0  # how long stop() lets the sends in flight finish
    # Waiting out a database restart before recording a sent email: ~60 s, inside the lease.
    settle_retry_delays_s: tuple[float, ...] = DEFAULT_SETTLE_RETRY_DELAYS_S


@dataclass(frozen=True)
class SendFailed:
    """The transport refused or failed to send the email."""

    error: Exception


SendOutcome = Delivered | SendFailed


@dataclass
class SenderStats:
    delivered: int = 0
    failed_attempts: int = 0


class EmailSender:
    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        transport: Transport,
        policy: SenderPolicy | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """`clock`: the time held emails' waits are measured against (tests move it)."""
        self._engine = engine
        self._clock = clock or (lambda: datetime.now(UTC))
        self._sessions = sessions
        # A claim is one statement (then the claimed emails' attachments, read-only), and so
        # is a settlement: no BEGIN/COMMIT round trips around them.
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.transport = transport
        self.policy = policy = policy or SenderPolicy()
        self.stats = SenderStats()
        # Held from right before an email's DATA until its outcome is recorded: one email at
        # a time may be accepted and not recorded, the one a crash would send again.
        self._accepting = asyncio.Lock()
        self._settle_attempts: dict[uuid.UUID, int] = {}
        self.metrics: Any = None  # the service's `ServiceMetrics`, bound by its root
        loop_policy = LoopPolicy(
            batch_size=policy.batch_size,
            lease_s=policy.lease_s,
            poll_interval_s=policy.poll_interval_s,
            concurrency=policy.connections,  # an email per SMTP connection
            settle_each=True,  # a kill between send and commit repeats one email, not a batch
            start_within=0.5,
            shutdown_grace_s=policy.shutdown_grace_s,
            settle_retry_delays_s=policy.settle_retry_delays_s,
        )
        self.loop = LeasedWorkLoop(
            "email_sender", self, loop_policy, listen=(engine.url, EMAILS_CHANNEL)
        )

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        self.loop.start()
        log.info("email_sender.started", transport=type(self.transport).__name__)

    async def stop(self, grace_s: float | None = None) -> None:
        """Claim nothing more; let the send in flight finish (up to `grace_s`, default the
        policy's), settle it, give back the emails claimed but not sent, close the transport."""
        await self.loop.stop(grace_s)
        await self.transport.aclose()

    @property
    def running(self) -> bool:
        return self.loop.running

    def bind_metrics(self, metrics: Any) -> None:
        """Count the emails sent; report the emails waiting at each scrape."""
        self.metrics = metrics
        metrics.add_scrape_gauge(
            "shop_emails_waiting",
            "Emails not sent yet (pending, retries included).",
            "SELECT count(*) FROM emails WHERE status = 'pending'",
        )

    async def run_once(self) -> int:
        """Claim one batch; send each and record it at once. Returns how many were claimed.

        Each email is settled as soon as the server accepted it, not with the rest of the
        batch: a SIGKILL between the server's acceptance and that commit is the only moment
        that makes an email go out twice (after its lease), so it is kept to one email and one
        commit. (Settling the batch at once saved a commit per email but widened that moment
        to the whole batch: the chaos suite's service-kill caught five emails sent twice.)"""
        return await self.loop.run_once()

    # LeasedWork ------------------------------------------------------------------------
    async def claim(self, *, lease_s: float, limit: int) -> Sequence[OutgoingEmail]:
        return await claim_pending(
            self._autocommit, lease_s=lease_s, batch=limit, now=self._clock()
        )

    def key(self, item: OutgoingEmail) -> Hashable:
        return item.id

    async def process(self, item: OutgoingEmail) -> SendOutcome:
        if not tracing.enabled():
            return await self._send(item)
        # The send joins the trace of the handler that recorded the email (the order's).
        with tracing.span(
            "email send",
            parent=item.traceparent,
            attributes={"shop.email.template": item.template, "shop.email.id": str(item.id)},
        ):
            return await self._send(item)

    async def _send(self, item: OutgoingEmail) -> SendOutcome:
        accepting = False

        async def before_accept() -> None:
            nonlocal accepting
            if not accepting:  # once: a replaced connection sends the email again
                await self._accepting.acquire()
                accepting = True

        try:
            status = await self.transport.deliver(item, before_accept)
        except Exception as exc:
            outcome: SendOutcome = SendFailed(exc)
        except BaseException:  # cancelled (a stop): nothing to record, the email stays pending
            if accepting:
                self._accepting.release()
            raise
        else:
            if self.metrics is not None:  # the server accepted it
                self.metrics.emails_sent.inc()
            outcome = Delivered(item, status, datetime.now(UTC))
        if accepting:
            self._settle_attempts[item.id] = 0  # `settle` lets the next email be accepted
        return outcome

    async def settle(self, outcomes: Sequence[tuple[OutgoingEmail, SendOutcome]]) -> None:
        """Record what the server accepted, or the failed
        attempts (the loop retries it while the database is away)."""
        try:
            await self._record(outcomes)
        except Exception as exc:
            # The loop tries again while the database is away (`settle_retry_delays_s`): the
            # next email's acceptance waits for this one's record until the last try.
            if not self._last_try(outcomes, exc):
                raise
            self._accepted_recorded(outcomes)
            raise
        self._accepted_recorded(outcomes)

    def _last_try(
        self, outcomes: Sequence[tuple[OutgoingEmail, SendOutcome]], exc: Exception
    ) -> bool:
        tries = len(self.policy.settle_retry_delays_s) + 1  # as `LeasedWorkLoop` tries
        for email, _ in outcomes:
            if email.id in self._settle_attempts:
                self._settle_attempts[email.id] += 1
                if not database_unavailable(exc) or self._settle_attempts[email.id] >= tries:
                    return True
        return False

    def _accepted_recorded(self, outcomes: Sequence[tuple[OutgoingEmail, SendOutcome]]) -> None:
        for email, _ in outcomes:
            if self._settle_attempts.pop(email.id, None) is not None:
                self._accepting.release()

    async def _record(self, outcomes: Sequence[tuple[OutgoingEmail, SendOutcome]]) -> None:
        delivered = [o for _, o in outcomes if isinstance(o, Delivered)]
        failed = [(email, o.error) for email, o in outcomes if isinstance(o, SendFailed)]
        # Autocommit: each outcome's set-based UPDATE commits on its own, one round trip
        # (no BEGIN, no COMMIT; nothing else is written with it since no event is published).
        async with AsyncSession(self._autocommit) as session:
            repository = EmailRepository(session)
            if delivered:
                await record_delivered(repository, delivered)
            for email, exc in failed:
                await record_failed_attempt(
                    repository,
                    email,
                    f"{type(exc).__name__}: {exc}",
                    permanent=isinstance(exc, PermanentSendError),
                    max_attempts=self.policy.max_attempts,
                    base_delay_s=self.policy.retry_base_s,
                )
        self.stats.delivered += len(delivered)
        self.stats.failed_attempts += len(failed)

    async def give_back(self, items: Sequence[OutgoingEmail]) -> int:
        return await release_claims(self._engine, (email.id for email in items))
