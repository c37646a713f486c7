"""The inbox purge on a real PostgreSQL: rows past the retention go, recent ones stay, in bounded
batches; two purgers at once delete each row once; and what the retention means: a duplicate
arriving after its inbox row was purged is applied again (so the retention must be far longer
than any redelivery: the queue's delivery limit, the relay's lease)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop_messaging.inbox_purge import DEFAULT_INBOX_RETENTION, InboxPurger
from shop_messaging.runtime import MessagingRuntime
from shop_messaging.tables import inbox

from .test_messaging_integration import count_effects, payment_failed, recording_router

Sessions = async_sessionmaker[AsyncSession]


async def add_rows(
    engine: AsyncEngine, count: int, *, age: timedelta, consumer: str = "orders"
) -> None:
    """`count` inbox rows received `age` ago."""
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO inbox (message_id, consumer, message_type, received_at) "
                "SELECT gen_random_uuid(), :consumer, 'payment.failed', "
                "now() - make_interval(secs => :age_s) FROM generate_series(1, :count)"
            ),
            {"consumer": consumer, "age_s": age.total_seconds(), "count": count},
        )


async def count_rows(engine: AsyncEngine, *, older_than: timedelta = timedelta(0)) -> int:
    """Inbox rows received more than `older_than` ago (all of them by default)."""
    async with engine.connect() as conn:
        count = await conn.scalar(
            text(
                "SELECT count(*) FROM inbox "
                "WHERE received_at <= now() - make_interval(secs => :age_s)"
            ),
            {"age_s": older_than.total_seconds()},
        )
    return int(count or 0)


async def test_rows_past_the_retention_are_purged_and_recent_ones_kept(engine: AsyncEngine) -> None:
    await add_rows(engine, 30, age=timedelta(days=8))
    await add_rows(engine, 20, age=timedelta(days=6, hours=23))
    await add_rows(engine, 10, age=timedelta(0))
    purger = InboxPurger(engine)  # the default retention, 7 days
    assert purger.retention == DEFAULT_INBOX_RETENTION == timedelta(days=7)

    assert await purger.purge_once() == 30
    assert await count_rows(engine) == 30
    assert await count_rows(engine, older_than=timedelta(days=7)) == 0
    assert await purger.purge_once() == 0, "nothing more to purge"


async def test_the_retention_is_configurable(engine: AsyncEngine) -> None:
    await add_rows(engine, 5, age=timedelta(hours=2))
    await add_rows(engine, 3, age=timedelta(minutes=30))
    assert await InboxPurger(engine, retention=timedelta(hours=1)).purge_once() == 5
    assert await count_rows(engine) == 3
    with pytest.raises(ValueError, match="retention"):
        InboxPurger(engine, retention=timedelta(0))


async def test_batches_are_bounded(engine: AsyncEngine) -> None:
    await add_rows(engine, 25, age=timedelta(days=10))
    purger = InboxPurger(engine, batch_size=10, max_batches=2)
    assert await purger.purge_batch() == 10, "one batch deletes at most batch_size rows"
    assert await count_rows(engine) == 15
    assert await purger.purge_once() == 15, "a run goes on batch after batch (10 + 5)"
    await add_rows(engine, 25, age=timedelta(days=10))
    assert await purger.purge_once() == 20, "at most max_batches batches a run"
    assert await purger.purge_once() == 5, "the next run goes on"
    assert purger.purged == 50


async def test_two_purgers_at_once_delete_each_row_once(engine: AsyncEngine) -> None:
    await add_rows(engine, 2000, age=timedelta(days=30))
    await add_rows(engine, 7, age=timedelta(days=1))
    purgers = [InboxPurger(engine, batch_size=100) for _ in range(2)]
    for _ in range(3):  # a few races, not one
        await add_rows(engine, 300, age=timedelta(days=30))
    results = await asyncio.gather(*(p.purge_once() for p in purgers))
    assert sum(results) == 2900, "every expired row deleted once, by one of them"
    assert await count_rows(engine) == 7


async def test_a_purger_skips_rows_another_holds_instead_of_waiting(engine: AsyncEngine) -> None:
    await add_rows(engine, 10, age=timedelta(days=30))
    async with engine.connect() as holder:  # another purger mid-batch: it holds 4 rows
        await holder.execute(text("SELECT ctid FROM inbox ORDER BY ctid LIMIT 4 FOR UPDATE"))
        deleted = await asyncio.wait_for(InboxPurger(engine).purge_once(), timeout=5)
        assert deleted == 6, "the held rows are left to their holder, without waiting"
        await holder.rollback()
    assert await InboxPurger(engine).purge_once() == 4


async def test_a_duplicate_after_its_inbox_row_was_purged_is_applied_again(
    engine: AsyncEngine, sessions: Sessions
) -> None:
    """Beyond the retention the inbox no longer knows the message: a duplicate arriving that
    late would be applied again. That is why the retention (7 days) is far longer than any
    redelivery: the queue's delivery limit (seconds apart) and the relay's lease (30 s)."""
    router = recording_router(sessions)
    order_id = uuid.uuid4()
    body = payment_failed(order_id).model_dump(mode="json")
    await router.handle_raw(body)
    await router.handle_raw(body)  # a redelivery within the retention: dropped
    assert await count_effects(sessions, order_id) == 1

    async with engine.begin() as conn:  # time passes beyond the retention
        await conn.execute(inbox.update().values(received_at=func.now() - timedelta(days=8)))
    assert await InboxPurger(engine).purge_once() == 1
    await router.handle_raw(body)  # a duplicate this late
    assert await count_effects(sessions, order_id) == 2, "applied again: the documented limit"


async def test_the_runtime_runs_the_purge_with_its_retention(
    engine: AsyncEngine, sessions: Sessions, amqp_url: str
) -> None:
    runtime = MessagingRuntime(
        "orders",
        amqp_url,
        engine,
        router=recording_router(sessions),
        inbox_retention=timedelta(days=14),
    )
    assert runtime.inbox_purger.retention == timedelta(days=14)
    assert runtime.inbox_purger.interval_s >= 60, "not more often than every few minutes"
    await runtime.start()
    try:
        assert runtime.inbox_purger.running
    finally:
        await runtime.stop()
    assert not runtime.inbox_purger.running


async def test_the_purge_loop_runs_and_outlives_a_failing_run(engine: AsyncEngine) -> None:
    await add_rows(engine, 3, age=timedelta(days=8))
    purger = InboxPurger(engine, interval_s=0.05)
    calls = 0
    real = purger.purge_once

    async def flaky() -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionRefusedError("database away")
        return await real()

    purger.purge_once = flaky  # type: ignore[method-assign]
    purger.start()
    try:
        for _ in range(100):
            if purger.purged == 3:
                break
            await asyncio.sleep(0.05)
    finally:
        await purger.stop()
    assert purger.purged == 3
    assert await count_rows(engine) == 0
