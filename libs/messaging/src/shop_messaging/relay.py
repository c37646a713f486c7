"""The outbox relay: publishes committed outbox rows, then removes them.

Claims rows with FOR UPDATE SKIP LOCKED and a lease (so replicas share the work and a crashed
relay's rows come back), wakes on LISTEN/NOTIFY, backs off while the broker is down, and parks
a row that the broker keeps refusing where an operator can see and replay it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiormq.exceptions
import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shop_contracts.envelope import Envelope
from shop_messaging.listen import listen_forever
from shop_messaging.tables import OUTBOX_CHANNEL

log = structlog.get_logger()

PublishFn = Callable[[Envelope, str, str], Awaitable[None]]  # (envelope, exchange, key)
BrokerUpFn = Callable[[], Awaitable[bool]]  # is the broker connection open, right now?

_CLAIM = text(
    """
    UPDATE outbox SET claimed_until = now() + make_interval(secs => :lease)
    WHERE id IN (
        SELECT id FROM outbox
        WHERE parked_at IS NULL AND available_at <= now()
          AND (claimed_until IS NULL OR claimed_until < now())
        ORDER BY id LIMIT :batch
        FOR UPDATE SKIP LOCKED)
    RETURNING id, exchange, routing_key, envelope, attempts
    """
)
_DELETE = text("DELETE FROM outbox WHERE id = ANY(:ids)")
_RELEASE = text("UPDATE outbox SET claimed_until = NULL WHERE id = ANY(:ids)")
_FAILED = text(
    """
    UPDATE outbox SET attempts = attempts + 1, last_error = :error, claimed_until = NULL,
        available_at = now() + make_interval(secs => :delay),
        parked_at = CASE WHEN attempts + 1 >= :max_attempts THEN now() END
    WHERE id = :id
    """
)

# Errors that say the broker is unreachable whatever the message: the connection failed
# (aiormq's AMQPConnectionError and ConnectionClosed; a socket's ConnectionError), the channel
# is not open (being restored after a reconnection), or no confirm came in time (a partition,
# a blocked connection, aio-pika #636). Anything else a publish raises is the row's own
# failure, unless the broker's connection is found closed at that moment: FastStream and
# aio-pika raise bare RuntimeErrors while reconnecting ("... closed", "Connection was not
# opened"), but so does a bug, and a bug must count attempts and end parked, not back off
# for ever. (No broad OSError either: a missing file is not an outage.)
_OUTAGE_ERRORS = (
    aiormq.exceptions.AMQPConnectionError,
    aiormq.exceptions.ChannelInvalidStateError,
    ConnectionError,
    TimeoutError,
)


def is_outage(error: BaseException, *, broker_up: bool) -> bool:
    """Does this publish error mean "broker unavailable" (retry, no attempt counted)?"""
    return not broker_up or isinstance(error, _OUTAGE_ERRORS)


async def _always_up() -> bool:
    return True


@dataclass
class RelayStats:
    published: int = 0
    failed: int = 0
    parked: int = 0
    broker_down_since: float | None = None


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        publish: PublishFn,
        *,
        batch_size: int = 100,
        lease_s: float = 30.0,
        poll_interval_s: float = 1.0,
        max_attempts: int = 10,
        concurrency: int = 32,
        broker_up: BrokerUpFn = _always_up,
    ) -> None:
        """`broker_up` tells whether the broker's connection is open now (without waiting); it
        is asked once a batch had failures, to tell an outage from rows that fail on their own."""
        self._engine = engine
        self._publish = publish
        self._broker_up = broker_up
        self._batch_size = batch_size
        self._lease_s = lease_s
        self._poll_interval_s = poll_interval_s
        self._max_attempts = max_attempts
        self._semaphore = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listener_task: asyncio.Task[None] | None = None
        self.stats = RelayStats()

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")
        self._listener_task = asyncio.create_task(self._listen(), name="outbox-listener")

    async def stop(self, timeout: float = 15.0) -> None:
        """Stop after the current batch (its rows published and settled), at most `timeout`;
        a batch cut short leaves its rows claimed until the lease ends, then they are
        published again (consumers' inboxes drop the duplicates)."""
        self._stopping.set()
        self._wake.set()
        if self._task is not None and not self._task.done():
            with contextlib.suppress(TimeoutError, asyncio.CancelledError, Exception):
                await asyncio.wait_for(asyncio.shield(self._task), timeout)
        for task in (self._task, self._listener_task):
            if task:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def wake(self) -> None:
        self._wake.set()

    # work ------------------------------------------------------------------------------
    async def _run(self) -> None:
        backoff = 0.5
        while not self._stopping.is_set():
            try:
                claimed = await self.publish_batch()
                backoff = 0.5
                self.stats.broker_down_since = None
                if claimed >= self._batch_size:
                    continue  # more waiting: don't sleep
                await self._sleep(self._poll_interval_s)
            except _BrokerDownError as exc:
                if self.stats.broker_down_since is None:
                    self.stats.broker_down_since = asyncio.get_running_loop().time()
                    log.warning("outbox.broker_down", error=str(exc))
                await self._sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            except Exception as exc:  # database down or a bug: keep going, loudly
                log.error("outbox.relay_error", error=repr(exc))
                await self._sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        self._wake.clear()

    async def publish_batch(self) -> int:
        """Claim up to one batch, publish it, settle each row. Returns how many were claimed."""
        async with self._engine.begin() as conn:
            rows = (
                await conn.execute(_CLAIM, {"lease": self._lease_s, "batch": self._batch_size})
            ).all()
        if not rows:
            return 0
        results = await asyncio.gather(*(self._publish_row(r) for r in rows))
        if any(err is not None for err in results):
            results = await self._classify(rows, results)
        done = [r.id for r, err in zip(rows, results, strict=True) if err is None]
        broker_down = [
            r.id for r, err in zip(rows, results, strict=True) if isinstance(err, _BrokerDownError)
        ]
        failed = [
            (r, err)
            for r, err in zip(rows, results, strict=True)
            if err is not None and not isinstance(err, _BrokerDownError)
        ]
        async with self._engine.begin() as conn:
            if done:
                await conn.execute(_DELETE, {"ids": done})
            if broker_down:
                await conn.execute(_RELEASE, {"ids": broker_down})
            for row, err in failed:
                await conn.execute(
                    _FAILED,
                    {
                        "id": row.id,
                        "error": str(err)[:2000],
                        "delay": min(2**row.attempts, 300),
                        "max_attempts": self._max_attempts,
                    },
                )
                if row.attempts + 1 >= self._max_attempts:
                    self.stats.parked += 1
                    log.error("outbox.parked", outbox_id=row.id, error=str(err))
        self.stats.published += len(done)
        self.stats.failed += len(failed)
        if broker_down and not done:
            raise broker_down_error(results)
        return len(rows)

    async def _publish_row(self, row: Any) -> Exception | None:
        async with self._semaphore:
            try:
                envelope = Envelope.model_validate(row.envelope)
                await self._publish(envelope, row.exchange, row.routing_key)
            except Exception as exc:
                return exc
        return None

    async def _classify(
        self, rows: Sequence[Any], results: list[Exception | None]
    ) -> list[Exception | None]:
        """Outage errors become `_BrokerDownError` (released, no attempt counted); the rest
        (returned, nacked, a bug) are the row's own failure and count an attempt."""
        try:
            broker_up = await self._broker_up()
        except Exception:
            broker_up = False
        classified: list[Exception | None] = []
        for row, err in zip(rows, results, strict=True):
            if err is not None and is_outage(err, broker_up=broker_up):
                err = _BrokerDownError(repr(err))
            elif err is not None:
                log.warning("outbox.publish_failed", outbox_id=row.id, error=repr(err)[:500])
            classified.append(err)
        return classified

    async def _listen(self) -> None:
        await listen_forever(self._engine.url, OUTBOX_CHANNEL, self._wake, self._stopping)


class _BrokerDownError(Exception):
    pass


def broker_down_error(results: list[Exception | None]) -> _BrokerDownError:
    for err in results:
        if isinstance(err, _BrokerDownError):
            return err
    return _BrokerDownError("broker unavailable")


async def replay_parked(engine: AsyncEngine) -> int:
    """Give parked rows a fresh start (operator action). Returns how many."""
    async with engine.begin() as conn:
        result = await conn.execute(
            text(
                "UPDATE outbox SET parked_at = NULL, attempts = 0, available_at = now(), "
                "claimed_until = NULL WHERE parked_at IS NOT NULL"
            )
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
