"""The writer publishes its own outbox rows after its commit (issue 15); the relay sweeps."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import select

from shop_contracts import PaymentFailed
from shop_contracts.envelope import Envelope
from shop_messaging.outbox import OutboxPublisher, add_to_outbox
from shop_messaging.relay import OutboxRelay
from shop_messaging.runtime import MessagingRuntime
from shop_messaging.tables import outbox
from shop_testkit.waiting import eventually

from .test_messaging_integration import count_effects, recording_router


def payment_failed(order_id: uuid.UUID) -> Envelope:
    return PaymentFailed(order_id=order_id, reason="card declined").envelope(
        correlation_id=order_id
    )


async def outbox_rows(sessions) -> list:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        return list((await s.execute(select(outbox))).all())


async def test_the_writer_publishes_its_rows_after_commit_and_deletes_them(
    engine, sessions, amqp_url: str
) -> None:
    runtime = MessagingRuntime("orders", amqp_url, engine, router=recording_router(sessions))
    await runtime.start()
    order_ids = [uuid.uuid4() for _ in range(5)]
    try:
        async with sessions.begin() as session:
            await add_to_outbox(session, *(payment_failed(o) for o in order_ids))
        for order_id in order_ids:

            async def handled(order_id: uuid.UUID = order_id) -> bool:
                return await count_effects(sessions, order_id) == 1

            await eventually(handled, timeout=10, what="published by the writer and consumed")
        await eventually(
            lambda: _empty(sessions), timeout=5, what="the writer deleted its published rows"
        )
        assert runtime.relay.stats.published == 0, "the relay had nothing to do"
        assert runtime.publisher.published >= 5
        assert runtime.publisher.deletes <= 5
    finally:
        await runtime.stop()


async def _empty(sessions) -> bool:  # type: ignore[no-untyped-def]
    return not await outbox_rows(sessions)


async def test_rows_of_a_rolled_back_transaction_are_never_published(
    engine, sessions, amqp_url: str
) -> None:
    published: list[Envelope] = []

    async def publish(envelope: Envelope, exchange: str, key: str) -> None:
        published.append(envelope)

    publisher = OutboxPublisher(engine, publish)
    publisher.start()
    try:
        session = sessions()
        async with session:
            await session.begin()
            await add_to_outbox(session, payment_failed(uuid.uuid4()))
            await session.rollback()
        await asyncio.sleep(0.2)
        assert published == []
        assert await outbox_rows(sessions) == []
        # the next transaction of the same session starts clean
        async with session.begin():
            await add_to_outbox(session, payment_failed(uuid.uuid4()))
        await eventually(lambda: _empty(sessions), timeout=5, what="published and deleted")
        assert len(published) == 1
    finally:
        await publisher.stop()


async def test_a_failed_writer_publish_is_given_back_to_the_relay(engine, sessions) -> None:  # type: ignore[no-untyped-def]
    async def broken(envelope: Envelope, exchange: str, key: str) -> None:
        raise ConnectionError("broker away")

    publisher = OutboxPublisher(engine, broken)
    publisher.start()
    relayed: list[Envelope] = []

    async def publish(envelope: Envelope, exchange: str, key: str) -> None:
        relayed.append(envelope)

    relay = OutboxRelay(engine, publish)
    try:
        async with sessions.begin() as session:
            await add_to_outbox(session, payment_failed(uuid.uuid4()))

        async def released() -> bool:
            rows = await outbox_rows(sessions)
            return len(rows) == 1 and rows[0].claimed_until is None

        await eventually(released, timeout=5, what="the failed row's lease given back")
        assert publisher.failed == 1
        (row,) = await outbox_rows(sessions)
        assert await relay.publish_batch() == 1, "the relay takes it at once"
        assert [e.event_id for e in relayed] == [row.event_id]
        assert await outbox_rows(sessions) == []
    finally:
        await publisher.stop()


async def test_a_row_whose_writer_never_published_is_swept_after_the_lease(
    engine, sessions
) -> None:  # type: ignore[no-untyped-def]
    """What a crash between the commit and the publish leaves (a publish that never ends)."""
    stuck = asyncio.Event()

    async def never(envelope: Envelope, exchange: str, key: str) -> None:
        await stuck.wait()

    publisher = OutboxPublisher(engine, never, lease_s=1.0)
    publisher.start()
    relayed: list[Envelope] = []

    async def publish(envelope: Envelope, exchange: str, key: str) -> None:
        relayed.append(envelope)

    relay = OutboxRelay(engine, publish)
    try:
        async with sessions.begin() as session:
            await add_to_outbox(session, payment_failed(uuid.uuid4()))
        (row,) = await outbox_rows(sessions)
        assert row.claimed_until is not None, "written pre-leased"
        assert await relay.publish_batch() == 0, "the relay leaves a leased row alone"
        await asyncio.sleep(1.1)
        assert await relay.publish_batch() == 1, "the lease ran out: the relay sweeps it"
        assert [e.event_id for e in relayed] == [row.event_id]
        assert await outbox_rows(sessions) == []
    finally:
        await publisher.stop(timeout=0.1)


async def test_without_a_publisher_rows_wait_unleased_for_the_relay(engine, sessions) -> None:
    async with sessions.begin() as session:
        await add_to_outbox(session, payment_failed(uuid.uuid4()))
    (row,) = await outbox_rows(sessions)
    assert row.claimed_until is None


async def test_a_savepoints_rows_are_left_to_the_relay(engine, sessions) -> None:
    async def publish(envelope: Envelope, exchange: str, key: str) -> None:
        raise AssertionError("a savepoint's rows are the relay's")

    publisher = OutboxPublisher(engine, publish)
    publisher.start()
    try:
        async with sessions.begin() as session, session.begin_nested():
            await add_to_outbox(session, payment_failed(uuid.uuid4()))
        (row,) = await outbox_rows(sessions)
        assert row.claimed_until is None
    finally:
        await publisher.stop()


async def test_a_stopped_publisher_takes_no_more_rows(engine, sessions) -> None:
    async def publish(envelope: Envelope, exchange: str, key: str) -> None:
        raise AssertionError("stopped")

    publisher = OutboxPublisher(engine, publish)
    publisher.start()
    await publisher.stop()
    async with sessions.begin() as session:
        await add_to_outbox(session, payment_failed(uuid.uuid4()))
    await asyncio.sleep(0.1)
    (row,) = await outbox_rows(sessions)
    assert row.claimed_until is None
