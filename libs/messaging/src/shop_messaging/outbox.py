"""Writing to the outbox: in the caller's transaction, never straight to the broker.

The writer publishes its own rows (issue 15). Where the process has an `OutboxPublisher`
registered for the session's engine (every service process, once its broker is up), the rows
are written pre-leased (`claimed_until = now() + the writer's lease`, in the same single
INSERT), so the relay leaves them alone; once the transaction has committed (SQLAlchemy's
`after_commit`, which covers every writer: HTTP requests, consumer handlers, background
loops), the publisher publishes them (confirmed, mandatory, persistent, like the relay) and
deletes the confirmed rows in coalesced batches. A failed publish (its lease given back at
once), a crash between the commit and the publish, or a lease that ran out leaves the row to
the relay (`relay.py`), which stays
as the sweeper: it claims only rows whose lease has expired (or was never taken). Nothing is
published before its commit: the publisher only ever hears of committed rows.

Where no publisher is registered (unit tests, scripts, another process's engine), the rows are
written unleased and, unless `SHOP_OUTBOX_NOTIFY=0`, a NOTIFY wakes the relays: the behaviour
before issue 15. Services never NOTIFY (LISTEN/NOTIFY takes a global lock at commit, which
serializes the committing transactions of the whole database).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import event, insert, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from shop_contracts.envelope import Envelope
from shop_contracts.registry import message_class
from shop_contracts.routing import exchange_for
from shop_messaging import tracing
from shop_messaging.tables import OUTBOX_CHANNEL, outbox

log = structlog.get_logger()

# Built once: SQLAlchemy then skips the statement's construction and cache key on every call
# (~0.25 ms of CPU per statement, measured by the benchmark's floor).
INSERT_ROWS = insert(outbox)
WAKE_RELAY = text(f"NOTIFY {OUTBOX_CHANNEL}")

# How long the writer's own publish has before the relay may take the row: a publish takes
# milliseconds; a crash, or a broker that is away, leaves the row to the relay after this.
WRITER_LEASE_S = 5.0

# How long confirmed rows wait to be deleted together: one DELETE (one commit) for every row
# the process published meanwhile. Well inside the lease: a row not deleted before its lease
# ends is published again by the relay (the consumers' inboxes drop the duplicate).
DELETE_LINGER_S = 1.0

# Test-only (tests/integration/test_crash_after_commit.py): the process exits at once, right
# after committing a transaction that wrote a message of this type, before publishing it.
CRASH_AFTER_COMMIT_ENV = "SHOP_TEST_CRASH_AFTER_COMMIT"
_CRASH_AFTER_COMMIT = os.environ.get(CRASH_AFTER_COMMIT_ENV, "")

_NOTIFY_WITHOUT_PUBLISHER = os.environ.get("SHOP_OUTBOX_NOTIFY", "1") != "0"

_PENDING = "shop_outbox_pending"  # session.info key: (publisher, rows) written in this transaction

PublishFn = Callable[[Envelope, str, str], Awaitable[None]]  # (envelope, exchange, key)


@dataclass(frozen=True, slots=True)
class Written:
    """One outbox row written pre-leased, to publish once its transaction commits."""

    envelope: Envelope
    exchange: str
    routing_key: str
    trace: Any = None  # the writer's trace context (tracing.py)


class OutboxPublisher:
    """A process's publisher of the outbox rows its own transactions committed.

    `submit` is called from `after_commit` (synchronous, on the event loop's thread): each row
    is published in its own task at once; the confirmed ones are deleted in one statement per
    batch (all that were confirmed within `delete_linger_s`, off the messages' path). A publish
    that fails is logged and its row's lease given back: the relay publishes it (with its
    backoff, parking, and telling a broker outage from a bad row).
    """

    def __init__(
        self,
        engine: AsyncEngine,
        publish: PublishFn,
        *,
        lease_s: float = WRITER_LEASE_S,
        delete_linger_s: float = DELETE_LINGER_S,
        max_in_flight: int = 256,
    ) -> None:
        self._engine = engine
        self._publish = publish
        self.lease_s = lease_s
        self._linger_s = min(delete_linger_s, lease_s / 4)
        self._max_in_flight = max_in_flight
        self.insert_leased = insert(outbox).values(
            claimed_until=text(f"now() + make_interval(secs => {float(lease_s)!r})")
        )
        self._tasks: set[asyncio.Task[None]] = set()
        self._confirmed: list[Any] = []
        self._failed: list[Any] = []
        self._deleted = asyncio.Event()
        self._wake = asyncio.Event()
        self._deleter: asyncio.Task[None] | None = None
        self.published = 0
        self.failed = 0
        self.deletes = 0

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Register for the engine's sessions (call on the event loop that runs them)."""
        if self._deleter is None:
            self._deleter = asyncio.get_running_loop().create_task(self._delete_loop())
        _publishers[self._engine.sync_engine] = self

    async def stop(self, timeout: float = 10.0) -> None:
        """Take no more rows (later ones wait for the relay); let the publishes in flight end
        (at most `timeout`) and delete what they confirmed."""
        if _publishers.get(self._engine.sync_engine) is self:
            del _publishers[self._engine.sync_engine]
        if self._tasks:
            with contextlib.suppress(Exception):
                await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in list(self._tasks):
            task.cancel()
        if self._deleter is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._flush(), timeout=5.0)
            self._deleter.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._deleter
            self._deleter = None

    @property
    def accepting(self) -> bool:
        return self._deleter is not None and len(self._tasks) < self._max_in_flight

    # publishing ------------------------------------------------------------------------
    def submit(self, rows: list[Written]) -> None:
        loop = asyncio.get_running_loop()
        for row in rows:
            task = loop.create_task(self._publish_one(row))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _publish_one(self, row: Written) -> None:
        try:
            with tracing.attached(row.trace):
                await self._publish(row.envelope, row.exchange, row.routing_key)
        except Exception as exc:
            self.failed += 1
            log.warning(
                "outbox.writer_publish_failed",
                event_id=str(row.envelope.event_id),
                type=row.envelope.type,
                error=repr(exc)[:300],
            )
            self._failed.append(row.envelope.event_id)
            self._wake.set()
            return
        self.published += 1
        self._confirmed.append(row.envelope.event_id)
        self._wake.set()

    async def _delete_loop(self) -> None:
        while True:
            await self._wake.wait()
            await asyncio.sleep(self._linger_s)
            self._wake.clear()
            await self._flush()

    async def _flush(self) -> None:
        """Delete every confirmed row in one statement (and give the failed ones back to the
        relay); a failure leaves them to the relay once their lease ends (published again: the
        consumers' inboxes drop the duplicate)."""
        while self._confirmed or self._failed:
            ids, self._confirmed = self._confirmed, []
            failed, self._failed = self._failed, []
            try:
                async with self._engine.begin() as conn:
                    if ids:
                        await conn.execute(_DELETE_PUBLISHED, {"ids": ids})
                    if failed:
                        await conn.execute(_RELEASE_FAILED, {"ids": failed})
                self.deletes += 1
            except Exception as exc:
                log.warning("outbox.writer_delete_failed", rows=len(ids), error=repr(exc)[:300])
                return


_DELETE_PUBLISHED = text("DELETE FROM outbox WHERE event_id = ANY(:ids)")
_RELEASE_FAILED = text("UPDATE outbox SET claimed_until = NULL WHERE event_id = ANY(:ids)")

# The publisher of each engine in this process (weak: a test's disposed engine goes away).
_publishers: weakref.WeakKeyDictionary[Engine, OutboxPublisher] = weakref.WeakKeyDictionary()


def publisher_for(session: AsyncSession) -> OutboxPublisher | None:
    bind = session.sync_session.bind
    if not isinstance(bind, Engine):
        return None
    publisher = _publishers.get(bind)
    if publisher is None or not publisher.accepting:
        return None
    if session.sync_session.in_nested_transaction():
        return None  # a savepoint may roll back alone: those rows are the relay's
    return publisher


async def add_to_outbox(session: AsyncSession, *envelopes: Envelope) -> None:
    """Record messages to publish once the caller's transaction commits: one INSERT.

    With a publisher (service processes) the rows are leased to this process and published
    right after the commit; without one they wait for the relay (woken by a NOTIFY, which is
    transactional too: the relay wakes only when the rows are visible)."""
    if not envelopes:
        return
    rows: list[dict[str, Any]] = [
        {
            "event_id": e.event_id,
            "message_type": e.type,
            "exchange": exchange_for(message_class(e.type, e.version)),
            "routing_key": e.type,
            "correlation_id": e.correlation_id,
            "envelope": e.model_dump(mode="json"),
        }
        for e in envelopes
    ]
    trace = tracing.current_context() if tracing.enabled() else None
    if trace:
        for row in rows:  # the writer's trace continues in the consumers (tracing.py)
            row["envelope"][tracing.STORED_KEY] = trace
    publisher = publisher_for(session)
    if publisher is None:
        await session.execute(INSERT_ROWS, rows)
        if _NOTIFY_WITHOUT_PUBLISHER:
            await session.execute(WAKE_RELAY)
        return
    await session.execute(publisher.insert_leased, rows)
    written = [
        Written(e, row["exchange"], row["routing_key"], trace)
        for e, row in zip(envelopes, rows, strict=True)
    ]
    pending = session.sync_session.info.get(_PENDING)
    if pending is None or pending[0] is not publisher:
        session.sync_session.info[_PENDING] = (publisher, written)
    else:
        pending[1].extend(written)


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    publisher, written = pending
    if _CRASH_AFTER_COMMIT and any(w.envelope.type == _CRASH_AFTER_COMMIT for w in written):
        os._exit(99)  # test-only: committed, not published (the relay must do it)
    publisher.submit(written)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


class SessionOutbox:
    """The `Outbox` port of every service, on one transaction's session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, *envelopes: Envelope) -> None:
        await add_to_outbox(self._session, *envelopes)
