"""The leased work loop on a real PostgreSQL: claims shared by SKIP LOCKED, leases that bring a
crashed worker's items back, graceful stop, starts cut at half the lease, settles retried while
the database restarts, and a loop that outlives a database outage."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from shop_messaging.leased_loop import LeasedWorkLoop, LoopPolicy, WorkUnavailable
from shop_platform.db import make_engine
from shop_testkit.proxy import TcpProxy
from shop_testkit.waiting import eventually

from .leased_jobs import JOBS_CHANNEL, JobWork, add_jobs, job_rows, metadata

CHILD = Path(__file__).with_name("leased_jobs.py")


@pytest.fixture
async def jobs_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


def policy(**changes: Any) -> LoopPolicy:
    values: dict[str, Any] = {"batch_size": 10, "lease_s": 30.0, "poll_interval_s": 0.05}
    return LoopPolicy(**{**values, **changes})


def sleeping(seconds: float) -> Callable[[Any], Awaitable[None]]:
    async def hook(_: Any) -> None:
        await asyncio.sleep(seconds)

    return hook


# A crash between claim and finish -------------------------------------------------------
@pytest.mark.parametrize("crash_point", ["process", "settle"])
async def test_a_worker_killed_between_claim_and_finish_leaves_its_items_to_the_lease(
    jobs_engine: AsyncEngine, database_url: str, crash_point: str
) -> None:
    """SIGKILL, no `finally`: before the effect, or after it but before the job is marked
    done. Another worker takes the item once the lease runs out; the effect happens once."""
    await add_jobs(jobs_engine, 1)
    lease_s = 1.5
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        str(CHILD),
        database_url,
        crash_point,
        str(lease_s),
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), 30)
        assert line.decode().strip() == f"hanging at {crash_point}"
    finally:
        child.send_signal(signal.SIGKILL)
        await child.wait()
    (job,) = await job_rows(jobs_engine)
    assert job.leased
    assert job.done_at is None
    assert job.runs == (1 if crash_point == "settle" else 0)

    work = JobWork(jobs_engine)
    survivor = LeasedWorkLoop("jobs", work, policy())
    assert await survivor.run_once() == 0, "the dead worker's lease keeps the item off"

    async def taken_again() -> bool:
        return await survivor.run_once() == 1

    await eventually(taken_again, timeout=10, interval=0.2, what="the item after its lease")
    (job,) = await job_rows(jobs_engine)
    assert job.done_at is not None
    assert job.claimed_until is None
    assert job.effect, "the effect happened"
    assert job.runs == (2 if crash_point == "settle" else 1), "at least once, keyed: one effect"
    assert await survivor.run_once() == 0


# Sharing, stopping, the lease -----------------------------------------------------------
async def test_two_workers_share_the_items_and_do_each_once(jobs_engine: AsyncEngine) -> None:
    await add_jobs(jobs_engine, 30)
    works = [JobWork(jobs_engine, before_effect=sleeping(0.02)) for _ in range(2)]
    loops = [LeasedWorkLoop("jobs", w, policy(batch_size=5)) for w in works]
    for loop in loops:
        loop.start()

    async def all_done() -> bool:
        return all(job.done_at is not None for job in await job_rows(jobs_engine))

    try:
        await eventually(all_done, timeout=20, what="every job done")
    finally:
        for loop in loops:
            await loop.stop()
    first, second = (set(w.processed) for w in works)
    assert first, "both workers took part"
    assert second, "both workers took part"
    assert not first & second
    assert len(first | second) == 30
    assert all(job.runs == 1 for job in await job_rows(jobs_engine))


async def test_stop_finishes_the_item_in_flight_and_gives_back_the_rest(
    jobs_engine: AsyncEngine,
) -> None:
    await add_jobs(jobs_engine, 4)
    in_flight = asyncio.Event()

    async def slow(_: Any) -> None:
        in_flight.set()
        await asyncio.sleep(0.5)

    work = JobWork(jobs_engine, before_effect=slow)
    loop = LeasedWorkLoop("jobs", work, policy())
    loop.start()
    await asyncio.wait_for(in_flight.wait(), 10)
    assert loop.running
    released = await loop.stop()
    assert not loop.running
    rows = await job_rows(jobs_engine)
    assert [j.done_at is not None for j in rows] == [True, False, False, False]
    assert all(j.claimed_until is None for j in rows), "the rest given back, not left leased"
    assert released == 0, "given back by the batch itself, nothing left for stop()"
    assert sorted(work.given_back) == [j.id for j in rows[1:]]


async def test_an_item_cut_by_the_grace_period_is_given_back_undone(
    jobs_engine: AsyncEngine,
) -> None:
    await add_jobs(jobs_engine, 1)
    in_flight = asyncio.Event()

    async def stuck(_: Any) -> None:
        in_flight.set()
        await asyncio.sleep(30)

    loop = LeasedWorkLoop("jobs", JobWork(jobs_engine, before_effect=stuck), policy())
    loop.start()
    await asyncio.wait_for(in_flight.wait(), 10)
    assert await loop.stop(grace_s=0.2) == 1
    (job,) = await job_rows(jobs_engine)
    assert (job.done_at, job.claimed_until, job.runs, job.effect) == (None, None, 0, False)


async def test_items_start_only_in_the_first_half_of_the_lease(jobs_engine: AsyncEngine) -> None:
    await add_jobs(jobs_engine, 3)
    work = JobWork(jobs_engine, before_effect=sleeping(0.3))
    loop = LeasedWorkLoop("jobs", work, policy(lease_s=0.4))  # starts within 0.2 s
    assert await loop.run_once() == 3
    rows = await job_rows(jobs_engine)
    assert [j.done_at is not None for j in rows] == [True, False, False]
    assert all(j.claimed_until is None for j in rows[1:]), "given back at once, not at lease end"


async def test_a_batch_is_settled_together_or_each_item_on_its_own(
    jobs_engine: AsyncEngine,
) -> None:
    await add_jobs(jobs_engine, 6)
    together = JobWork(jobs_engine)
    batch = LeasedWorkLoop("jobs", together, policy(batch_size=3, concurrency=3, settle_each=False))
    assert await batch.run_once() == 3
    assert [len(ids) for ids in together.settled] == [3]
    each = JobWork(jobs_engine)
    assert await LeasedWorkLoop("jobs", each, policy(batch_size=3)).run_once() == 3
    assert [len(ids) for ids in each.settled] == [1, 1, 1]


async def test_a_bug_in_process_ends_the_batch_settles_what_was_done(
    jobs_engine: AsyncEngine,
) -> None:
    await add_jobs(jobs_engine, 3)

    async def second_fails(item: Any) -> None:
        if item.id == 2:
            raise ValueError("a bug")

    loop = LeasedWorkLoop("jobs", JobWork(jobs_engine, before_effect=second_fails), policy())
    with pytest.raises(ValueError, match="a bug"):
        await loop.run_once()
    one, two, three = await job_rows(jobs_engine)
    assert one.done_at is not None
    assert two.done_at is None
    assert two.leased, "the failing item waits for its lease"
    assert three.claimed_until is None, "the item not started is given back"


# The database and the outside world away ------------------------------------------------
async def test_a_settle_is_retried_while_the_database_restarts(jobs_engine: AsyncEngine) -> None:
    await add_jobs(jobs_engine, 1)
    outages = 2

    async def restarting(_: Any) -> None:
        nonlocal outages
        if outages:
            outages -= 1
            raise OperationalError("UPDATE jobs", None, ConnectionError("restarting"))

    work = JobWork(jobs_engine, before_settle=restarting)
    loop = LeasedWorkLoop("jobs", work, policy(settle_retry_delays_s=(0.01, 0.01, 0.01)))
    assert await loop.run_once() == 1
    (job,) = await job_rows(jobs_engine)
    assert outages == 0
    assert job.done_at is not None
    assert job.runs == 1


async def test_a_settle_that_fails_for_another_reason_is_not_retried(
    jobs_engine: AsyncEngine,
) -> None:
    await add_jobs(jobs_engine, 1)
    calls = 0

    async def broken(_: Any) -> None:
        nonlocal calls
        calls += 1
        raise ValueError("not a database outage")

    work = JobWork(jobs_engine, before_settle=broken)
    loop = LeasedWorkLoop("jobs", work, policy(settle_retry_delays_s=(0.01, 0.01)))
    with pytest.raises(ValueError, match="not a database outage"):
        await loop.run_once()
    assert calls == 1


async def test_work_unavailable_backs_off_and_is_reported_until_it_is_back(
    jobs_engine: AsyncEngine,
) -> None:
    await add_jobs(jobs_engine, 1)
    away = True

    class Unavailable(JobWork):
        async def settle(self, outcomes: Any) -> None:
            if away:
                await self.give_back([item for item, _ in outcomes])
                raise WorkUnavailable("broker away")
            await super().settle(outcomes)

    loop = LeasedWorkLoop("jobs", Unavailable(jobs_engine), policy(backoff_max_s=0.2))
    loop.start()
    try:

        async def reported() -> bool:
            return loop.unavailable_since is not None

        await eventually(reported, timeout=10, what="the outage seen")
        assert loop.running
        away = False

        async def done() -> bool:
            return loop.unavailable_since is None and (await job_rows(jobs_engine))[0].done_at

        await eventually(done, timeout=10, what="done once it is back")
    finally:
        await loop.stop()


async def test_the_loop_wakes_on_notify_and_outlives_a_database_outage(
    jobs_engine: AsyncEngine, database_url: str
) -> None:
    parts = urlsplit(database_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await proxy.start()
    netloc = parts.netloc.rsplit("@", 1)[0] + f"@127.0.0.1:{proxy.port}"
    proxied = make_engine(urlunsplit(parts._replace(netloc=netloc)))
    work = JobWork(proxied)
    slow_poll = policy(poll_interval_s=30.0, backoff_max_s=0.5)
    loop = LeasedWorkLoop("jobs", work, slow_poll, listen=(proxied.url, JOBS_CHANNEL))

    async def all_done() -> bool:
        return all(job.done_at is not None for job in await job_rows(jobs_engine))

    async def add_and_notify() -> None:
        await add_jobs(jobs_engine, 1)
        async with jobs_engine.begin() as conn:  # polling is 30 s: a NOTIFY wakes it
            await conn.exec_driver_sql(f"NOTIFY {JOBS_CHANNEL}")

    loop.start()
    try:
        await asyncio.sleep(0.5)  # listening
        await add_and_notify()
        await eventually(all_done, timeout=5, what="the job, woken by NOTIFY")

        await proxy.stop()  # the database is gone, as far as the worker can tell
        await add_and_notify()
        await asyncio.sleep(1.5)
        assert loop.running, "claims fail, the loop keeps going"
        assert len(work.processed) == 1
        await proxy.start()
        await eventually(all_done, timeout=15, what="the job done once the database is back")
        assert len(work.processed) == 2
    finally:
        await loop.stop()
        await proxy.stop()
        await proxied.dispose()
