"""The sender loop: sends recorded emails, then settles each in one transaction.

The same claim / lease / settle pattern as the outbox relay: claims pending rows with
FOR UPDATE SKIP LOCKED and a lease (replicas share the work; a crashed sender's emails come
back when the lease expires), wakes on LISTEN/NOTIFY or polls, and after each send marks the
row sent and writes `EmailSent` to the outbox together. A crash between the SMTP send and
that commit sends the email again, with the same Message-ID: at least once, recognizably.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import structlog
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop_notifications.db.claims import claim_pending
from shop_notifications.db.repository import EmailRepository
from shop_notifications.db.tables import EMAILS_CHANNEL
from shop_notifications.domain.model import OutgoingEmail
from shop_notifications.mail.smtp import PermanentSendError, Transport
from shop_notifications.service.settle import record_delivered, record_failed_attempt

log = structlog.get_logger()


@dataclass(frozen=True)
class SenderPolicy:
    batch_size: int = 20
    lease_s: float = 120.0  # longer than one SMTP exchange can take (timeout 30 s)
    poll_interval_s: float = 0.5
    max_attempts: int = 8
    retry_base_s: float = 5.0
    concurrency: int = 4


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
        self._semaphore = asyncio.Semaphore(self.policy.concurrency)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.stats = SenderStats()

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        self._stopping.clear()
        self._tasks = [
            asyncio.create_task(self._run(), name="email-sender"),
            asyncio.create_task(self._listen(), name="email-sender-listener"),
        ]
        log.info("email_sender.started", transport=type(self.transport).__name__)

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    @property
    def running(self) -> bool:
        return bool(self._tasks) and not self._tasks[0].done()

    def wake(self) -> None:
        self._wake.set()

    # work ------------------------------------------------------------------------------
    async def run_once(self) -> int:
        """Claim one batch, send each, settle each. Returns how many were claimed."""
        claimed = await claim_pending(
            self._engine, lease_s=self.policy.lease_s, batch=self.policy.batch_size
        )
        if claimed:
            await asyncio.gather(*(self._send_and_settle(email) for email in claimed))
        return len(claimed)

    async def _send_and_settle(self, email: OutgoingEmail) -> None:
        async with self._semaphore:
            try:
                status = await self.transport.deliver(email)
            except Exception as exc:
                await self._settle_failure(email, exc)
                return
        async with self._sessions.begin() as session:
            await record_delivered(EmailRepository(session), email, status, datetime.now(UTC))
        self.stats.delivered += 1

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

    # wake-ups --------------------------------------------------------------------------
    async def _listen(self) -> None:
        """LISTEN for new emails; reconnect when the database goes away (polling covers gaps)."""
        dsn = make_url(self._engine.url).set(drivername="postgresql")
        while not self._stopping.is_set():
            try:
                conn = await asyncpg.connect(dsn.render_as_string(hide_password=False))
                try:
                    lost = asyncio.Event()
                    conn.add_termination_listener(lambda *_, ev=lost: ev.set())
                    await conn.add_listener(EMAILS_CHANNEL, lambda *_: self._wake.set())
                    self._wake.set()  # emails may have arrived while we were not listening
                    await lost.wait()
                finally:
                    with contextlib.suppress(Exception):
                        await conn.close()
            except asyncio.CancelledError:
                raise
            except Exception:
                await asyncio.sleep(2.0)
