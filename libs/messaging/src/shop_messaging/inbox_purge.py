"""Purging old inbox rows, so the inbox does not grow with every message for ever (issue 15).

An inbox row (`tables.inbox`, stamped `received_at` by the database) only has to outlive every
duplicate of its message. Duplicates come from the broker redelivering a message whose handler
committed but whose ack was lost (at most `DELIVERY_LIMIT` redeliveries, normally seconds
apart), and from the outbox relay publishing a row again once its lease ran out (a 30 s
lease). Both arrive within minutes; the default retention, 7 days, is far longer. **Beyond the
retention a duplicate would be applied again**: only an outage longer than the retention (a
service down for a week with an unacked message or a published, undeleted outbox row), or an
operator replaying a parked outbox row or a dead letter older than the retention, could bring
one. That is why the retention must stay far longer than the queue's delivery limit and the
relay's lease, and longer than any outage we expect to sit through.

The purge deletes in bounded batches (each its own short transaction, `batch_size` rows at
most), locking the rows it takes with `FOR UPDATE SKIP LOCKED`: two replicas purging at once
take different rows, each row is deleted once, neither waits for the other nor fails. It runs
every `interval_s` (5 minutes by default, with jitter, the first run at a random point of the
first interval so replicas do not start together), at most `max_batches` batches a run.

`received_at` has no index (adding one takes a migration in every service): a batch reads the
table in physical order until it has `batch_size` old rows, which is cheap while the old rows
sit at the front of the heap, and one sequential scan per run when nothing is old enough.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from datetime import timedelta

import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

log = structlog.get_logger()

DEFAULT_INBOX_RETENTION = timedelta(days=7)
DEFAULT_PURGE_INTERVAL_S = 300.0
DEFAULT_PURGE_BATCH_SIZE = 5000
DEFAULT_PURGE_MAX_BATCHES = 100  # 500,000 rows a run at most; the next run goes on

# ctid = ANY(ARRAY(...)): a TID scan on the rows the subquery locked (the outer condition is
# checked again on each, so a row changed meanwhile is left alone).
_PURGE = text(
    """
    DELETE FROM inbox
    WHERE ctid = ANY(ARRAY(
        SELECT ctid FROM inbox
        WHERE received_at < now() - make_interval(secs => :retention_s)
        LIMIT :limit
        FOR UPDATE SKIP LOCKED))
      AND received_at < now() - make_interval(secs => :retention_s)
    """
)


class InboxPurger:
    """Deletes inbox rows older than `retention`, in batches, every `interval_s`."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        retention: timedelta = DEFAULT_INBOX_RETENTION,
        interval_s: float = DEFAULT_PURGE_INTERVAL_S,
        batch_size: int = DEFAULT_PURGE_BATCH_SIZE,
        max_batches: int = DEFAULT_PURGE_MAX_BATCHES,
    ) -> None:
        if retention <= timedelta(0):
            raise ValueError("the inbox retention must be positive")
        if batch_size < 1 or max_batches < 1:
            raise ValueError("batch_size and max_batches must be at least 1")
        self._engine = engine
        self.retention = retention
        self.interval_s = interval_s
        self.batch_size = batch_size
        self.max_batches = max_batches
        self.purged = 0  # rows deleted by this purger since it was built
        self._task: asyncio.Task[None] | None = None

    # one run ---------------------------------------------------------------------------
    async def purge_batch(self) -> int:
        """Delete at most `batch_size` expired rows in one transaction. Returns how many."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                _PURGE,
                {"retention_s": self.retention.total_seconds(), "limit": self.batch_size},
            )
        deleted = int(result.rowcount or 0)  # type: ignore[attr-defined]
        self.purged += deleted
        return deleted

    async def purge_once(self) -> int:
        """Delete expired rows batch by batch until a batch comes back short (or
        `max_batches`). Returns how many were deleted."""
        total = 0
        for _ in range(self.max_batches):
            deleted = await self.purge_batch()
            total += deleted
            if deleted < self.batch_size:
                break
            await asyncio.sleep(0)  # let the service's own work run between batches
        if total:
            log.info("inbox.purged", rows=total, retention_s=self.retention.total_seconds())
        return total

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="inbox-purge")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _run(self) -> None:
        delay = random.uniform(0.0, self.interval_s)  # jitter, not security
        while True:
            await asyncio.sleep(delay)
            try:
                await self.purge_once()
            except Exception as exc:  # the database is away: the next run catches up
                log.warning("inbox.purge_failed", error=repr(exc)[:300])
            delay = self.interval_s * random.uniform(0.9, 1.1)
