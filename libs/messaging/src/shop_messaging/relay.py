"""The outbox relay: publishes committed outbox rows, then removes them.

A use of the leased work loop (`leased_loop.py`): claims rows with FOR UPDATE SKIP LOCKED and
a lease (so replicas share the work and a crashed relay's rows come back), publishes a batch
concurrently, settles it in one transaction (deletes what the broker confirmed), wakes on
LISTEN/NOTIFY, backs off while the broker is down, and parks a row that keeps failing where an
operator can see and replay it (`make dlq`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import aiormq.exceptions
import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shop_contracts.envelope import Envelope
from shop_messaging import tracing
from shop_messaging.leased_loop import (
    LeasedWorkLoop,
    LoopPolicy,
    WorkUnavailable,
    claim_statement,
)
from shop_messaging.tables import OUTBOX_CHANNEL

log = structlog.get_logger()

PublishFn = Callable[[Envelope, str, str], Awaitable[None]]  # (envelope, exchange, key)
BrokerUpFn = Callable[[], Awaitable[bool]]  # is the broker connection open, right now?

_CLAIM = claim_statement(
    "outbox",
    ready="parked_at IS NULL AND available_at <= now()",
    order_by="id",
    returning="id, exchange, routing_key, envelope, attempts",
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

# A database restart while settling: retry briefly, well inside the lease (a row published
# but not deleted is published again after its lease; consumers' inboxes drop the duplicate).
_SETTLE_RETRY_DELAYS_S = (0.2, 0.5, 1.0, 2.0, 3.0)

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
        self._max_attempts = max_attempts
        self.stats = RelayStats()
        policy = LoopPolicy(
            batch_size=batch_size,
            lease_s=lease_s,
            poll_interval_s=poll_interval_s,
            concurrency=concurrency,
            settle_each=False,  # one transaction deletes the batch the broker confirmed
            shutdown_grace_s=15.0,
            settle_retry_delays_s=_SETTLE_RETRY_DELAYS_S,
        )
        self.loop = LeasedWorkLoop("outbox", self, policy, listen=(engine.url, OUTBOX_CHANNEL))

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        self.loop.start()

    async def stop(self, timeout: float = 15.0) -> None:
        """Start no more publishes; those in flight finish (at most `timeout`) and their rows
        are settled; claimed rows not published are given back at once. A publish cut short
        leaves its row claimed until the lease ends, then it is published again (consumers'
        inboxes drop the duplicates)."""
        await self.loop.stop(grace_s=timeout)

    @property
    def running(self) -> bool:
        return self.loop.running

    @property
    def broker_down_since(self) -> float | None:
        """Loop time when the current broker outage was first seen, or None."""
        return self.loop.unavailable_since

    async def publish_batch(self) -> int:
        """Claim up to one batch, publish it, settle each row. Returns how many were claimed;
        raises `WorkUnavailable` when the broker took none of them."""
        return await self.loop.run_once()

    # LeasedWork ------------------------------------------------------------------------
    async def claim(self, *, lease_s: float, limit: int) -> Sequence[Any]:
        async with self._engine.begin() as conn:
            return (await conn.execute(_CLAIM, {"lease_s": lease_s, "limit": limit})).all()

    def key(self, item: Any) -> Hashable:
        return int(item.id)

    async def process(self, item: Any) -> Exception | None:
        try:
            stored = item.envelope
            trace = None
            if tracing.STORED_KEY in stored:  # the writer's trace context (tracing.py)
                stored = dict(stored)
                trace = stored.pop(tracing.STORED_KEY)
            envelope = Envelope.model_validate(stored)
            with tracing.attached(trace):
                await self._publish(envelope, item.exchange, item.routing_key)
        except Exception as exc:
            return exc
        return None

    async def give_back(self, items: Sequence[Any]) -> int:
        async with self._engine.begin() as conn:
            result = await conn.execute(_RELEASE, {"ids": [row.id for row in items]})
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def settle(self, outcomes: Sequence[tuple[Any, Exception | None]]) -> None:
        """Delete the published rows, release the ones an outage stopped (no attempt counted),
        count an attempt for the others (parked past the limit), in one transaction."""
        failed = [(row, err) for row, err in outcomes if err is not None]
        outage: list[Any] = []
        if failed:
            broker_up = await self._broker_is_up()
            outage = [row for row, err in failed if is_outage(err, broker_up=broker_up)]
            failed = [(row, err) for row, err in failed if not is_outage(err, broker_up=broker_up)]
        done = [row.id for row, err in outcomes if err is None]
        async with self._engine.begin() as conn:
            if done:
                await conn.execute(_DELETE, {"ids": done})
            if outage:
                await conn.execute(_RELEASE, {"ids": [row.id for row in outage]})
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
        self._count(done, failed)
        if outage and not done:
            first = next(err for row, err in outcomes if row is outage[0])
            raise WorkUnavailable(f"broker unavailable: {first!r}")

    async def _broker_is_up(self) -> bool:
        try:
            return await self._broker_up()
        except Exception:
            return False

    def _count(self, done: list[int], failed: list[tuple[Any, Exception]]) -> None:
        self.stats.published += len(done)
        self.stats.failed += len(failed)
        for row, err in failed:
            log.warning("outbox.publish_failed", outbox_id=row.id, error=repr(err)[:500])
            if row.attempts + 1 >= self._max_attempts:
                self.stats.parked += 1
                log.error("outbox.parked", outbox_id=row.id, error=str(err))


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
