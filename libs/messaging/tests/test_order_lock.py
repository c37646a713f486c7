"""One order lock: two transactions on the same order run one after the other; on different
orders (or in different services' namespaces) they do not wait for each other."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop_messaging.locks import ORDER_LOCK_SQL, in_batch, lock_order, order_lock_key

HOLD_S = 0.6


async def hold_lock(
    sessions: async_sessionmaker[AsyncSession],
    service: str,
    order_id: uuid.UUID,
    spans: list[tuple[float, float]],
) -> None:
    """Take the lock, keep it HOLD_S, record when it was held."""
    async with sessions.begin() as session:
        await lock_order(session, service, order_id)
        start = time.monotonic()
        await asyncio.sleep(HOLD_S)
        spans.append((start, time.monotonic()))


def overlap(spans: list[tuple[float, float]]) -> bool:
    (_, first_end), (second_start, _) = sorted(spans)
    return second_start < first_end


async def test_two_transactions_on_the_same_order_serialize(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    order_id = uuid.uuid4()
    spans: list[tuple[float, float]] = []
    await asyncio.gather(*(hold_lock(sessions, "payments", order_id, spans) for _ in range(2)))
    assert not overlap(spans), "the second waited for the first to commit"


async def test_transactions_on_different_orders_do_not_wait(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    spans: list[tuple[float, float]] = []
    await asyncio.gather(*(hold_lock(sessions, "payments", uuid.uuid4(), spans) for _ in range(2)))
    assert overlap(spans), "held at the same time"


async def test_another_namespace_is_another_lock(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    order_id = uuid.uuid4()
    spans: list[tuple[float, float]] = []
    await asyncio.gather(
        hold_lock(sessions, "payments", order_id, spans),
        hold_lock(sessions, "delivery", order_id, spans),
    )
    assert overlap(spans)


ADVISORY_LOCKS_HERE = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


async def test_the_lock_ends_with_its_transaction_and_works_on_a_connection(
    engine: AsyncEngine,
) -> None:
    order_id = uuid.uuid4()
    async with engine.connect() as conn:
        await conn.begin()
        await lock_order(conn, "delivery", order_id)
        assert await conn.scalar(ADVISORY_LOCKS_HERE) == 1
        await conn.rollback()  # the use case failed
        assert await conn.scalar(ADVISORY_LOCKS_HERE) == 0, "released by the rollback"
    async with engine.begin() as conn:
        await asyncio.wait_for(lock_order(conn, "delivery", order_id), 2)
    async with engine.connect() as conn:
        assert await conn.scalar(ADVISORY_LOCKS_HERE) == 0, "released at commit"


async def test_the_key_is_the_one_payments_already_takes(engine: AsyncEngine) -> None:
    """Payments can switch to the helper without a deploy in which old and new replicas miss
    each other: same text, same hash."""
    order_id = uuid.uuid4()
    assert order_lock_key("payments", order_id) == f"payments:{order_id}"
    async with engine.begin() as conn:
        await conn.execute(
            text(f"SELECT {ORDER_LOCK_SQL}"), {"order_lock_key": f"payments:{order_id}"}
        )
        async with engine.connect() as other:
            taken = await other.scalar(
                text("SELECT pg_try_advisory_xact_lock(hashtextextended(:key, 0))"),
                {"key": f"payments:{order_id}"},
            )
            await other.rollback()
        assert taken is False


def test_a_service_name_is_required() -> None:
    for bad in ("", "pay:ments"):
        with pytest.raises(ValueError, match="service name"):
            order_lock_key(bad, uuid.uuid4())


async def test_a_batch_waits_briefly_for_a_second_order_a_transaction_alone_waits(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Two batches locking the same orders in opposite orders would deadlock for PostgreSQL's
    deadlock_timeout (1 s): a batch holding one order waits for another briefly and fails."""
    first, second = uuid.uuid4(), uuid.uuid4()
    holding, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with sessions.begin() as session:
            await lock_order(session, "notifications", second)
            holding.set()
            await release.wait()

    async def batch() -> None:  # first's lock, then second's, in one batch's transaction
        async with sessions.begin() as session:
            in_batch(session)
            await lock_order(session, "notifications", first)
            await lock_order(session, "notifications", first)  # held already: no wait
            await lock_order(session, "notifications", second)

    held = asyncio.create_task(holder())
    await holding.wait()
    started = time.monotonic()
    with pytest.raises(DBAPIError, match="lock timeout"):
        await batch()
    assert time.monotonic() - started < 0.9, "well before deadlock_timeout (1 s)"

    async def alone() -> None:  # not a batch: waits as long as it takes
        async with sessions.begin() as session:
            await lock_order(session, "notifications", first)
            await lock_order(session, "notifications", second)

    waiting = asyncio.create_task(alone())
    await asyncio.sleep(0.3)  # past the batch's bound
    assert not waiting.done(), "a transaction that is not a batch keeps waiting"
    release.set()
    await held
    await asyncio.wait_for(waiting, 5)
