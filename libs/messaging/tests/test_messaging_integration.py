"""The messaging rules on the real RabbitMQ and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import aio_pika
import aio_pika.exceptions
import pytest
from sqlalchemy import func, insert, select

from shop_contracts import ForceDelivery, PaymentFailed
from shop_contracts.envelope import Envelope
from shop_contracts.routing import EVENTS_EXCHANGE, SUBSCRIPTIONS
from shop_messaging.broker import make_broker, publish_envelope
from shop_messaging.consumer import MessageRouter
from shop_messaging.outbox import add_to_outbox
from shop_messaging.relay import OutboxRelay
from shop_messaging.runtime import MessagingRuntime
from shop_messaging.tables import outbox
from shop_messaging.topology import declare_topology
from shop_testkit.proxy import TcpProxy
from shop_testkit.waiting import eventually

from .conftest import effects


def payment_failed(order_id: uuid.UUID) -> Envelope:
    return PaymentFailed(order_id=order_id, reason="card declined").envelope(
        correlation_id=order_id
    )


async def queue_depth(amqp_url: str, queue: str) -> int:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        q = await channel.declare_queue(queue, passive=True)
        return int(q.declaration_result.message_count or 0)


async def count_effects(sessions, order_id: uuid.UUID) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        return int(
            await s.scalar(
                select(func.count()).select_from(effects).where(effects.c.order_id == str(order_id))
            )
            or 0
        )


def recording_router(sessions, consumer: str = "orders") -> MessageRouter:  # type: ignore[no-untyped-def]
    router = MessageRouter(consumer, sessions)

    @router.on(PaymentFailed)
    async def on_payment_failed(session, payload: PaymentFailed, envelope: Envelope) -> None:  # type: ignore[no-untyped-def]
        await session.execute(insert(effects).values(order_id=str(payload.order_id)))

    return router


async def test_outbox_written_while_broker_is_down_is_published_when_it_is_back(
    engine, sessions, amqp_url: str
) -> None:
    parts = urlsplit(amqp_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672)
    await proxy.start()
    proxied = urlunsplit(parts._replace(netloc=f"guest:guest@127.0.0.1:{proxy.port}"))
    runtime = MessagingRuntime("orders", proxied, engine, router=recording_router(sessions))
    await runtime.start()
    order_id = uuid.uuid4()
    try:
        await proxy.stop()  # the broker is gone, as far as the service can tell
        async with sessions.begin() as session:
            await add_to_outbox(session, payment_failed(order_id))
        await asyncio.sleep(2.0)
        async with sessions() as s:
            assert await s.scalar(select(func.count()).select_from(outbox)) == 1, (
                "the event must wait in the outbox while the broker is down"
            )
        await proxy.start()  # the broker is back (same port)

        async def delivered() -> bool:
            return await count_effects(sessions, order_id) == 1

        await eventually(delivered, timeout=40, what="event published and consumed")
        async with sessions() as s:
            assert await s.scalar(select(func.count()).select_from(outbox)) == 0
    finally:
        await runtime.stop()
        await proxy.stop()


async def test_the_same_message_delivered_twice_has_one_effect(
    engine, sessions, amqp_url: str
) -> None:
    runtime = MessagingRuntime("orders", amqp_url, engine, router=recording_router(sessions))
    await runtime.start()
    order_id = uuid.uuid4()
    envelope = payment_failed(order_id)
    try:
        for _ in range(2):  # the same event_id, published twice
            await publish_envelope(
                runtime.broker, envelope, exchange_name=EVENTS_EXCHANGE, routing_key=envelope.type
            )

        async def handled() -> bool:
            return await count_effects(sessions, order_id) >= 1

        await eventually(handled, what="first delivery handled")
        await asyncio.sleep(1.0)  # give the duplicate every chance to apply twice
        assert await count_effects(sessions, order_id) == 1
        assert await queue_depth(amqp_url, "shop.orders") == 0
    finally:
        await runtime.stop()


async def test_a_message_whose_handler_always_fails_ends_in_the_dead_letter_queue(
    engine, sessions, amqp_url: str
) -> None:
    router = MessageRouter("orders", sessions)
    attempts: list[int] = []

    @router.on(PaymentFailed)
    async def always_fails(session, payload, envelope) -> None:  # type: ignore[no-untyped-def]
        attempts.append(1)
        raise RuntimeError("handler bug")

    runtime = MessagingRuntime("orders", amqp_url, engine, router=router)
    await runtime.start()
    envelope = payment_failed(uuid.uuid4())
    try:
        await publish_envelope(
            runtime.broker, envelope, exchange_name=EVENTS_EXCHANGE, routing_key=envelope.type
        )
        dlq = SUBSCRIPTIONS["orders"].dead_letter_queue

        async def dead_lettered() -> bool:
            return await queue_depth(amqp_url, dlq) == 1

        await eventually(dead_lettered, timeout=30, what="message in the DLQ")
        assert len(attempts) >= 2, "it is retried before being dead-lettered"
        connection = await aio_pika.connect(amqp_url)
        async with connection:
            channel = await connection.channel()
            queue = await channel.declare_queue(dlq, passive=True)
            message = await queue.get(timeout=5)
            assert message is not None
            assert message.message_id == str(envelope.event_id)
            death = message.headers["x-death"][0]  # type: ignore[index]
            assert death["reason"] == "delivery_limit"  # type: ignore[index]
            assert death["queue"] == "shop.orders"  # type: ignore[index]
            await message.ack()
    finally:
        await runtime.stop()


async def test_a_malformed_message_is_dead_lettered_at_once(engine, sessions, amqp_url) -> None:  # type: ignore[no-untyped-def]
    runtime = MessagingRuntime("orders", amqp_url, engine, router=recording_router(sessions))
    await runtime.start()
    try:
        bad = Envelope(
            type="payment.failed",
            version=1,
            occurred_at=datetime.now(UTC),
            correlation_id=uuid.uuid4(),
            payload={"order_id": "not-a-uuid"},
        )
        await publish_envelope(
            runtime.broker, bad, exchange_name=EVENTS_EXCHANGE, routing_key=bad.type
        )

        async def dead_lettered() -> bool:
            return await queue_depth(amqp_url, "shop.orders.dlq") == 1

        await eventually(dead_lettered, what="malformed message in the DLQ")
    finally:
        await runtime.stop()


async def test_an_unroutable_publish_raises_instead_of_vanishing(amqp_url: str) -> None:
    broker = make_broker(amqp_url)
    await broker.connect()
    try:
        await declare_topology(broker)
        envelope = ForceDelivery(order_id=uuid.uuid4()).envelope(correlation_id=uuid.uuid4())
        with pytest.raises(aio_pika.exceptions.DeliveryError):
            await publish_envelope(
                broker, envelope, exchange_name=EVENTS_EXCHANGE, routing_key="nobody.listens"
            )
    finally:
        await broker.stop()


async def test_a_row_the_broker_keeps_refusing_is_parked(engine, sessions, amqp_url) -> None:  # type: ignore[no-untyped-def]
    broker = make_broker(amqp_url)
    await broker.connect()
    await declare_topology(broker)

    async def publish(envelope: Envelope, exchange: str, key: str) -> None:
        await publish_envelope(broker, envelope, exchange_name=exchange, routing_key="nowhere")

    relay = OutboxRelay(engine, publish, max_attempts=2)
    try:
        async with sessions.begin() as session:
            await add_to_outbox(session, payment_failed(uuid.uuid4()))
        await relay.publish_batch()
        async with engine.begin() as conn:  # skip the backoff wait
            await conn.execute(outbox.update().values(available_at=func.now()))
        await relay.publish_batch()
        async with sessions() as s:
            row = (await s.execute(select(outbox))).one()
        assert row.parked_at is not None
        assert row.attempts == 2
        assert "NO_ROUTE" in (row.last_error or "") or "312" in (row.last_error or "")
    finally:
        await broker.stop()
