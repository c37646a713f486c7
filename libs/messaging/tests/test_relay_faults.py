"""The relay tells a broker outage (back off, count nothing) from a row that fails on its own
(count an attempt, park it past the limit), by the broker's state, not by broad exception types."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiormq.exceptions
import pytest
from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop_contracts.envelope import Envelope
from shop_messaging.leased_loop import WorkUnavailable
from shop_messaging.outbox import add_to_outbox
from shop_messaging.relay import OutboxRelay, is_outage
from shop_messaging.runtime import MessagingRuntime
from shop_messaging.tables import outbox
from shop_testkit.proxy import TcpProxy
from shop_testkit.waiting import eventually

from .test_messaging_integration import count_effects, payment_failed, recording_router

Sessions = async_sessionmaker[AsyncSession]


def test_an_outage_is_told_by_the_broker_state_or_a_connection_level_error() -> None:
    bug = RuntimeError("'NoneType' object has no attribute 'encode'")
    assert not is_outage(bug, broker_up=True), "a bug while the broker is up is the row's"
    assert not is_outage(FileNotFoundError("template.json"), broker_up=True)
    assert not is_outage(PermissionError("a bug that is an OSError"), broker_up=True)
    assert is_outage(ConnectionResetError(), broker_up=True), "the socket to the broker broke"
    assert is_outage(RuntimeError("connection closed"), broker_up=False)  # FastStream, reconnecting
    assert is_outage(aiormq.exceptions.AMQPConnectionError("unexpectedly closed"), broker_up=True)
    assert is_outage(aiormq.exceptions.ChannelInvalidStateError("closed"), broker_up=True)
    assert is_outage(TimeoutError(), broker_up=True), "no confirm in time: a partition"


async def rows(engine: AsyncEngine) -> Sequence[Row[Any]]:
    async with engine.connect() as conn:
        return (await conn.execute(select(outbox))).all()


async def skip_backoff(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(outbox.update().values(available_at=func.now()))


async def connected_runtime(engine: AsyncEngine, amqp_url: str) -> MessagingRuntime:
    """A runtime on a real broker whose own relay and writer publisher are stopped: the test's
    relay is the only one to publish (rows are written unleased, as without a publisher)."""
    runtime = MessagingRuntime("orders", amqp_url, engine)
    await runtime.start()
    await runtime.publisher.stop()
    await runtime.relay.stop()
    return runtime


@pytest.mark.parametrize(
    "bug",
    [RuntimeError("a bug in the publish path"), FileNotFoundError("a bug that is an OSError")],
    ids=["RuntimeError", "OSError"],
)
async def test_a_publish_bug_while_the_broker_is_up_is_parked_after_its_attempts(
    engine: AsyncEngine, sessions: Sessions, amqp_url: str, bug: Exception
) -> None:
    runtime = await connected_runtime(engine, amqp_url)  # its state says "up"

    async def buggy_publish(envelope: Envelope, exchange: str, key: str) -> None:
        raise bug

    relay = OutboxRelay(engine, buggy_publish, max_attempts=3, broker_up=runtime.broker_connected)
    try:
        async with sessions.begin() as session:
            await add_to_outbox(session, payment_failed(uuid.uuid4()))
        for attempt in (1, 2, 3):
            assert await relay.publish_batch() == 1, "not raised as 'broker down'"
            (row,) = await rows(engine)
            assert row.attempts == attempt
            await skip_backoff(engine)
        assert row.parked_at is not None, "parked where `make dlq` lists it"
        assert str(bug) in (row.last_error or "")
        assert relay.stats.parked == 1
        assert await relay.publish_batch() == 0, "a parked row is not claimed again"
    finally:
        await runtime.stop()


async def test_the_running_relay_parks_a_bug_instead_of_backing_off_for_ever(
    engine: AsyncEngine, sessions: Sessions, amqp_url: str
) -> None:
    runtime = await connected_runtime(engine, amqp_url)

    async def buggy_publish(envelope: Envelope, exchange: str, key: str) -> None:
        raise RuntimeError("a bug in the publish path")

    relay = OutboxRelay(
        engine,
        buggy_publish,
        max_attempts=2,
        poll_interval_s=0.1,
        broker_up=runtime.broker_connected,
    )
    async with sessions.begin() as session:
        await add_to_outbox(session, payment_failed(uuid.uuid4()))
    relay.start()
    try:

        async def parked() -> bool:
            return [r.parked_at is not None for r in await rows(engine)] == [True]

        await eventually(parked, timeout=15, what="the row parked after 2 attempts")
        assert relay.broker_down_since is None, "never taken for an outage"
        assert relay.stats.failed == 2
    finally:
        await relay.stop()
        await runtime.stop()


async def test_a_runtime_error_while_the_connection_is_closed_is_an_outage(
    engine: AsyncEngine, sessions: Sessions
) -> None:
    async def reconnecting(envelope: Envelope, exchange: str, key: str) -> None:
        raise RuntimeError("<Connection: amqp://...> closed")

    async def broker_down() -> bool:
        return False

    relay = OutboxRelay(engine, reconnecting, max_attempts=1, broker_up=broker_down)
    async with sessions.begin() as session:
        await add_to_outbox(session, payment_failed(uuid.uuid4()))
    for _ in range(3):
        with pytest.raises(WorkUnavailable, match="closed"):
            await relay.publish_batch()  # the loop backs off on it
    (row,) = await rows(engine)
    assert (row.attempts, row.parked_at, row.claimed_until) == (0, None, None)


async def test_a_real_outage_counts_no_attempt_and_the_row_goes_out_after_it(
    engine: AsyncEngine, sessions: Sessions, amqp_url: str
) -> None:
    parts = urlsplit(amqp_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672)
    await proxy.start()
    proxied = urlunsplit(parts._replace(netloc=f"guest:guest@127.0.0.1:{proxy.port}"))
    runtime = MessagingRuntime("orders", proxied, engine, router=recording_router(sessions))
    await runtime.start()
    order_id = uuid.uuid4()
    try:
        await proxy.stop()
        async with sessions.begin() as session:
            await add_to_outbox(session, payment_failed(order_id))
        await asyncio.sleep(3.0)  # several tries by the relay: AMQPConnectionError, then
        # ChannelInvalidStateError / RuntimeError while aio-pika reconnects
        (row,) = await rows(engine)
        assert (row.attempts, row.parked_at) == (0, None)
        assert runtime.relay.broker_down_since is not None
        await proxy.start()

        async def delivered() -> bool:
            return await count_effects(sessions, order_id) == 1

        await eventually(delivered, timeout=40, what="published once the broker is back")
        assert runtime.relay.stats.failed == 0
    finally:
        await runtime.stop()
        await proxy.stop()
