"""The sender loop: sends a claimed batch of emails, then settles the sent ones together.

The same claim / lease / settle pattern as the outbox relay: claims pending rows with
FOR UPDATE SKIP LOCKED and a lease (replicas share the work; a crashed sender's emails come
back when the lease expires), wakes on LISTEN/NOTIFY or polls. The batch is sent one email
at a time over the transport's one SMTP connection; then one transaction marks every sent
email sent and writes their `EmailSent` events to the outbox (a failed attempt is recorded
at once, in its own transaction). A crash between an SMTP send and that commit sends the
email again, with the same Message-ID: at least once, recognizably. Sends stop at half the
lease; the rest of the batch is given back at once.

Stopping (SIGTERM) is graceful: nothing more is claimed or started, the send in flight
finishes within the grace period, what was sent is settled, the emails claimed but not sent
are given back at once and the SMTP connection is closed. An interrupted send leaves its
email pending; an unsent email is never marked sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop_messaging.listen import listen_forever
from shop_notifications.db.claims import claim_pending, release_claims
from shop_notifications.db.repository import EmailRepository
from shop_notifications.db.tables import EMAILS_CHANNEL
from shop_notifications.domain.model import OutgoingEmail
from shop_notifications.mail.smtp import PermanentSendError, Transport
from shop_notifications.service.ports import Delivered
from shop_notifications.service.settle import record_delivered, record_failed_attempt
from shop_platform.db import database_unavailable

log = structlog.get_logger()

# Waiting out a database restart before settling sent emails: ~60 s, well inside the lease.
SETTLE_RETRY_DELAYS_S = (0.2, 0.5, 1, 2, 3, 5, 5, 5, 10, 10, 10, 10)
SETTLE_TIMEOUT_S = 10.0  # a settle already under way when the grace period ends


@dataclass(frozen=True)
class SenderPolicy:
    batch_size: int = 20
    lease_s: float = 120.0  # sends start within its first half; one takes ≤ 30 s (timeout)
    poll_interval_s: float = 0.5
    max_attempts: int = 8
    retry_base_s: float = 5.0
    shutdown_grace_s: float = 20.0  # how long stop() lets the sends in flight finish


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
    ) -> None:
        self._engine = engine
        self._sessions = sessions
        self.transport = transport
        self.policy = policy or SenderPolicy()
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._held: set[uuid.UUID] = set()  # claimed by this sender, not settled yet
        self._settling: set[asyncio.Task[None]] = set()
        self.stats = SenderStats()

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        self._stopping.clear()
        listener = listen_forever(self._engine.url, EMAILS_CHANNEL, self._wake, self._stopping)
        self._tasks = [
            asyncio.create_task(self._run(), name="email-sender"),
            asyncio.create_task(listener, name="email-sender-listener"),
        ]
        log.info("email_sender.started", transport=type(self.transport).__name__)

    async def stop(self, grace_s: float | None = None) -> None:
        """Claim nothing more; let the sends in flight finish (up to `grace_s`, default the
        policy's), settle them, and give back the emails claimed but not sent."""
        self._stopping.set()
        self._wake.set()
        grace = self.policy.shutdown_grace_s if grace_s is None else grace_s
        tasks, self._tasks = self._tasks, []
        if tasks:
            await asyncio.wait(tasks[:1], timeout=grace)  # the loop ends after its batch
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._settling:  # sends the server accepted: record them before leaving
            await asyncio.wait(self._settling, timeout=SETTLE_TIMEOUT_S)
        held, self._held = self._held, set()
        released = await self._give_back(held)
        await self.transport.aclose()
        if tasks:
            log.info("email_sender.stopped", released=released)

    @property
    def running(self) -> bool:
        return bool(self._tasks) and not self._tasks[0].done()

    def wake(self) -> None:
        self._wake.set()

    # work ------------------------------------------------------------------------------
    async def run_once(self) -> int:
        """Claim one batch; send each and record it at once. Returns how many were claimed.

        Each email is settled as soon as the server accepted it, not with the rest of the
        batch: a SIGKILL between the server's acceptance and that commit is the only moment
        that makes an email go out twice (after its lease), so it is kept to one email and one
        commit. (Settling the batch at once saved a commit per email but widened that moment
        to the whole batch: the chaos suite's service-kill caught five emails sent twice.)"""
        if self._stopping.is_set():
            return 0
        claimed = await claim_pending(
            self._engine, lease_s=self.policy.lease_s, batch=self.policy.batch_size
        )
        self._held.update(email.id for email in claimed)
        send_until = time.monotonic() + self.policy.lease_s / 2
        delivered: list[Delivered] = []
        try:
            for index, email in enumerate(claimed):
                if self._stopping.is_set():
                    break  # not started: stop() gives them back
                if time.monotonic() > send_until:  # the lease would run out: let others try
                    late = {e.id for e in claimed[index:]}
                    self._held -= late
                    await self._give_back(late)
                    break
                await self._send(email, delivered)
                if delivered:
                    accepted, delivered = delivered, []
                    await self._settle(accepted)
        finally:  # even when cancelled: what the server accepted is recorded
            if delivered:
                await self._settle(delivered)
        return len(claimed)

    async def _send(self, email: OutgoingEmail, delivered: list[Delivered]) -> None:
        try:
            status = await self.transport.deliver(email)
        except Exception as exc:
            await self._settle_failure(email, exc)
            return
        delivered.append(Delivered(email, status, datetime.now(UTC)))

    async def _settle(self, delivered: list[Delivered]) -> None:
        """Shielded: a stop() cancelling the loop meanwhile waits for it (`_settling`)."""
        settling = asyncio.create_task(self._settle_delivered(delivered))
        self._settling.add(settling)
        settling.add_done_callback(self._settling.discard)
        await asyncio.shield(settling)

    async def _settle_delivered(self, delivered: list[Delivered]) -> None:
        """Record what the SMTP server accepted. While the database is away, keep it in memory
        and retry: giving up would let the lease expire and the email be sent a second time."""
        for delay in (*SETTLE_RETRY_DELAYS_S, None):
            try:
                async with self._sessions.begin() as session:
                    await record_delivered(EmailRepository(session), delivered)
                break
            except Exception as exc:
                if delay is None or not database_unavailable(exc):
                    raise
                log.warning("email_sender.settle_retry", emails=len(delivered), delay_s=delay)
                await asyncio.sleep(delay)
        self._held.difference_update(d.email.id for d in delivered)
        self.stats.delivered += len(delivered)

    async def _settle_failure(self, email: OutgoingEmail, exc: Exception) -> None:
        self.stats.failed_attempts += 1
        async with self._sessions.begin() as session:
            await record_failed_attempt(
                EmailRepository(session),
                email,
                f"{type(exc).__name__}: {exc}",
                permanent=isinstance(exc, PermanentSendError),
                max_attempts=self.policy.max_attempts,
                base_delay_s=self.policy.retry_base_s,
            )
        self._held.discard(email.id)

    async def _give_back(self, ids: set[uuid.UUID]) -> int:
        try:
            return await release_claims(self._engine, ids)
        except Exception as exc:  # the database is away: the leases expire on their own
            log.warning("email_sender.release_failed", emails=len(ids), error=repr(exc)[:300])
            return 0

    async def _run(self) -> None:
        backoff = 0.5
        while not self._stopping.is_set():
            try:
                claimed = await self.run_once()
                backoff = 0.5
                if claimed >= self.policy.batch_size:
                    continue  # more waiting: don't sleep
                await self._sleep(self.policy.poll_interval_s)
            except Exception as exc:  # database down or a bug: keep going, loudly
                log.error("email_sender.error", error=repr(exc)[:500])
                await self._sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        self._wake.clear()
