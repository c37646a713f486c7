"""The leased work loop: the outbox relay and the email sender are two uses of it.

Rows are claimed in batches with FOR UPDATE SKIP LOCKED and a lease (`claimed_until`), so
replicas share the work and a crashed worker's rows come back once its lease runs out. Each
claimed item is processed (a publish, an SMTP send), then settled (its result written in one
transaction), either on its own as soon as it is done or with the rest of its batch. Items
start only in the first part of the lease (half, by default); the ones too late to start are
given back at once, so two workers never hold the same row. The loop wakes on LISTEN/NOTIFY
or polls, backs off while what the work needs is away (`WorkUnavailable`: the broker) or the
database is, and retries a settle while the database restarts: giving up would let the lease
run out and the effect happen again.

Stopping is graceful: nothing more is claimed or started; the items in flight finish within
the grace period and are settled (a settle is shielded from the cancellation); what was
claimed and not settled is given back at once. A crash (no stop) leaves its claims to their
lease: the items are processed again after it, at least once, so a use's effect must be
idempotent (an inbox, a Message-ID) or recorded in the same transaction as its settle.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Coroutine, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import structlog
from sqlalchemy import TextClause, text
from sqlalchemy.engine import URL

from shop_messaging.listen import listen_forever
from shop_platform.db import database_unavailable

log = structlog.get_logger()

ItemT = TypeVar("ItemT")
OutcomeT = TypeVar("OutcomeT")

# Waiting out a database restart before settling: ~60 s.
DEFAULT_SETTLE_RETRY_DELAYS_S = (0.2, 0.5, 1.0, 2.0, 3.0, 5.0, 5.0, 5.0, 10.0, 10.0, 10.0, 10.0)


class WorkUnavailable(Exception):
    """Raised by `settle` (after it committed) when what the work needs is away, e.g. the
    broker: the loop backs off without blaming the items."""


class LeasedWork(Protocol[ItemT, OutcomeT]):
    """What a use of the loop provides."""

    async def claim(self, *, lease_s: float, limit: int) -> Sequence[ItemT]:
        """Claim up to `limit` items for `lease_s` (see `claim_statement`)."""
        ...

    def key(self, item: ItemT) -> Hashable:
        """The item's identity (its row id)."""
        ...

    async def process(self, item: ItemT) -> OutcomeT:
        """Do the item's work and return its outcome, a failure included: an exception here is
        a bug, it ends the batch (what is done is settled; the rest waits for its lease)."""
        ...

    async def settle(self, outcomes: Sequence[tuple[ItemT, OutcomeT]]) -> None:
        """Record outcomes in one transaction and release their claims. May raise
        `WorkUnavailable` after committing."""
        ...

    async def give_back(self, items: Sequence[ItemT]) -> int:
        """Release unprocessed claims at once (claimed_until = NULL). Returns how many."""
        ...


@dataclass(frozen=True)
class LoopPolicy:
    batch_size: int = 20
    lease_s: float = 120.0
    poll_interval_s: float = 0.5
    concurrency: int = 1  # items processed at once
    settle_each: bool = True  # settle each item when done, or the batch together at its end
    start_within: float = 0.5  # items start only within this part of the lease
    shutdown_grace_s: float = 20.0  # how long stop() lets the items in flight finish
    settle_timeout_s: float = 10.0  # a settle already under way when the grace period ends
    settle_retry_delays_s: tuple[float, ...] = DEFAULT_SETTLE_RETRY_DELAYS_S
    backoff_min_s: float = 0.5
    backoff_max_s: float = 10.0


def claim_statement(table: str, *, ready: str, order_by: str, returning: str) -> TextClause:
    """The claim, once: lease up to `:limit` ready rows that no live lease holds, skipping
    rows another worker is claiming right now. Parameters `:lease_s` and `:limit`; the table
    has `id` and `claimed_until`. Arguments are SQL fragments written in code, never input."""
    return text(
        f"""
        UPDATE {table} SET claimed_until = now() + make_interval(secs => :lease_s)
        WHERE id IN (
            SELECT id FROM {table}
            WHERE ({ready}) AND (claimed_until IS NULL OR claimed_until < now())
            ORDER BY {order_by} LIMIT :limit
            FOR UPDATE SKIP LOCKED)
        RETURNING {returning}
        """  # noqa: S608 - constant fragments
    )


class LeasedWorkLoop(Generic[ItemT, OutcomeT]):
    """Runs a `LeasedWork`: claim, process, settle, give back; wake, back off, stop."""

    def __init__(
        self,
        name: str,
        work: LeasedWork[ItemT, OutcomeT],
        policy: LoopPolicy,
        *,
        listen: tuple[str | URL, str] | None = None,
    ) -> None:
        """`name` prefixes the log events; `listen`: (database URL, NOTIFY channel)."""
        self.name = name
        self.work = work
        self.policy = policy
        self._listen = listen
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._held: dict[Hashable, ItemT] = {}  # claimed by this loop, not settled yet
        self._settling: set[asyncio.Task[None]] = set()
        self.unavailable_since: float | None = None

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        self._stopping.clear()
        self._tasks = [asyncio.create_task(self._run(), name=self.name)]
        if self._listen is not None:
            url, channel = self._listen
            listener = listen_forever(url, channel, self._wake, self._stopping)
            self._tasks.append(asyncio.create_task(listener, name=f"{self.name}-listener"))

    async def stop(self, grace_s: float | None = None) -> int:
        """Claim and start nothing more; let the items in flight finish (up to `grace_s`,
        default the policy's) and settle them; give back the rest. Returns how many."""
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
        if self._settling:  # work done: record it before leaving
            await asyncio.wait(self._settling, timeout=self.policy.settle_timeout_s)
        held, self._held = list(self._held.values()), {}
        released = await self._give_back(held)
        if tasks:
            log.info(f"{self.name}.stopped", released=released)
        return released

    @property
    def running(self) -> bool:
        return bool(self._tasks) and not self._tasks[0].done()

    def wake(self) -> None:
        self._wake.set()

    # one batch -------------------------------------------------------------------------
    async def run_once(self) -> int:
        """Claim one batch, process and settle it. Returns how many items were claimed."""
        if self._stopping.is_set():
            return 0
        policy = self.policy
        items = list(await self.work.claim(lease_s=policy.lease_s, limit=policy.batch_size))
        self._held.update((self.work.key(item), item) for item in items)
        start_until = time.monotonic() + policy.lease_s * policy.start_within
        started: set[Hashable] = set()
        done: list[tuple[ItemT, OutcomeT]] = []  # processed, to settle with the batch
        slots = asyncio.Semaphore(policy.concurrency)

        async def one(item: ItemT) -> None:
            async with slots:
                if self._stopping.is_set() or time.monotonic() > start_until:
                    return  # stopping, or its lease would run out: given back below
                started.add(self.work.key(item))
                outcome = await self.work.process(item)
            if policy.settle_each:
                await self._settle([(item, outcome)])
            else:
                done.append((item, outcome))

        try:
            if policy.concurrency == 1:
                for item in items:
                    await one(item)
            else:
                await _gather_all([one(item) for item in items])
        finally:  # even when cancelled: what was done is recorded, the rest given back
            try:
                if done:
                    await self._settle(done)
            finally:
                not_started = [item for item in items if self.work.key(item) not in started]
                for item in not_started:
                    self._held.pop(self.work.key(item), None)
                await self._give_back(not_started)
        return len(items)

    async def _settle(self, outcomes: list[tuple[ItemT, OutcomeT]]) -> None:
        """Shielded: a stop() cancelling the loop meanwhile waits for it (`_settling`)."""
        settling = asyncio.create_task(self._settle_with_retry(outcomes))
        self._settling.add(settling)
        settling.add_done_callback(self._settling.discard)
        await asyncio.shield(settling)

    async def _settle_with_retry(self, outcomes: list[tuple[ItemT, OutcomeT]]) -> None:
        """While the database is away, keep the outcomes in memory and retry."""
        try:
            for delay in (*self.policy.settle_retry_delays_s, None):
                try:
                    await self.work.settle(outcomes)
                    break
                except WorkUnavailable:
                    raise
                except Exception as exc:
                    if delay is None or not database_unavailable(exc):
                        raise
                    log.warning(f"{self.name}.settle_retry", items=len(outcomes), delay_s=delay)
                    await asyncio.sleep(delay)
        except WorkUnavailable:
            self._forget(outcomes)  # settled (released) before it was raised
            raise
        self._forget(outcomes)

    def _forget(self, outcomes: list[tuple[ItemT, OutcomeT]]) -> None:
        for item, _ in outcomes:
            self._held.pop(self.work.key(item), None)

    async def _give_back(self, items: Sequence[ItemT]) -> int:
        if not items:
            return 0
        try:
            return await self.work.give_back(items)
        except Exception as exc:  # the database is away: the leases run out on their own
            log.warning(f"{self.name}.release_failed", items=len(items), error=repr(exc)[:300])
            return 0

    # the loop --------------------------------------------------------------------------
    async def _run(self) -> None:
        policy = self.policy
        backoff = policy.backoff_min_s
        while not self._stopping.is_set():
            try:
                claimed = await self.run_once()
            except WorkUnavailable as exc:
                if self.unavailable_since is None:
                    self.unavailable_since = asyncio.get_running_loop().time()
                    log.warning(f"{self.name}.unavailable", error=str(exc)[:500])
            except Exception as exc:  # the database is down, or a bug: keep going, loudly
                log.error(f"{self.name}.error", error=repr(exc)[:500])
            else:
                backoff = policy.backoff_min_s
                self.unavailable_since = None
                if claimed < policy.batch_size:
                    await self._sleep(policy.poll_interval_s)
                continue  # a full batch: more is waiting, don't sleep
            await self._sleep(backoff)
            backoff = min(backoff * 2, policy.backoff_max_s)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        self._wake.clear()


async def _gather_all(coroutines: list[Coroutine[Any, Any, None]]) -> None:
    """Run them all to the end (one failing does not abandon the others mid-item), then raise
    the first failure."""
    for result in await asyncio.gather(*coroutines, return_exceptions=True):
        if isinstance(result, BaseException):
            raise result
