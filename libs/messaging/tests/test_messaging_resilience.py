"""Graceful shutdown, health that sees a missing consumer, consumers restored after a broker
restart, and database-restart errors classified as "wait", not "poison"."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import DBAPIError

from shop_contracts import PaymentFailed
from shop_contracts.envelope import Envelope
from shop_contracts.routing import EVENTS_EXCHANGE
from shop_messaging.broker import publish_envelope
from shop_messaging.consumer import MessageRouter
from shop_messaging.outbox import add_to_outbox
from shop_messaging.relay import OutboxRelay
from shop_messaging.runtime import MessagingRuntime
from shop_messaging.tables import outbox
from shop_platform.db import database_unavailable
from shop_testkit.private_servers import PrivateRabbitMQ
from shop_testkit.waiting import eventually

from .conftest import effects
from .test_messaging_integration import (
    count_effects,
    payment_failed,
    queue_depth,
    recording_router,
)


def test_a_database_restarting_is_unavailable_not_a_bad_message() -> None:
    for cause in (
        asyncpg.exceptions.CannotConnectNowError("the database system is shutting down"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
        ConnectionResetError(),
    ):
        wrapped = DBAPIError("SELECT 1", None, cause)  # type: ignore[arg-type]
        assert database_unavailable(wrapped), cause
    assert not database_unavailable(ValueError("bad payload"))
    unique = asyncpg.exceptions.UniqueViolationError("duplicate key")
    assert not database_unavailable(DBAPIError("INSERT", None, unique))  # type: ignore[arg-type]


async def test_sigterm_lets_the_message_in_flight_finish(engine, sessions, amqp_url) -> None:  # type: ignore[no-untyped-def]
    router = MessageRouter("orders", sessions)
    started = asyncio.Event()

    @router.on(PaymentFailed)
    async def slow(session, payload: PaymentFailed, envelope: Envelope) -> None:  # type: ignore[no-untyped-def]
        started.set()
        await asyncio.sleep(1.5)
        await session.execute(insert(effects).values(order_id=str(payload.order_id)))

    runtime = MessagingRuntime("orders", amqp_url, engine, router=router)
    await runtime.start()
    order_id = uuid.uuid4()
    envelope = payment_failed(order_id)
    await publish_envelope(
        runtime.broker, envelope, exchange_name=EVENTS_EXCHANGE, routing_key=envelope.type
    )
    await asyncio.wait_for(started.wait(), 10)
    await runtime.stop()  # what SIGTERM does in `serve`, mid-handler
    assert await count_effects(sessions, order_id) == 1, "the handler in flight finished"
    assert await queue_depth(amqp_url, "shop.orders") == 0, "and its message was acked"


async def test_the_relay_stops_after_its_current_batch(engine, sessions) -> None:  # type: ignore[no-untyped-def]
    publishing = asyncio.Event()
    published: list[str] = []

    async def slow_publish(envelope: Envelope, exchange: str, key: str) -> None:
        publishing.set()
        await asyncio.sleep(1.0)
        published.append(str(envelope.event_id))

    relay = OutboxRelay(engine, slow_publish)
    async with sessions.begin() as session:
        await add_to_outbox(session, *(payment_failed(uuid.uuid4()) for _ in range(3)))
    relay.start()
    await asyncio.wait_for(publishing.wait(), 10)
    await relay.stop()
    assert len(published) == 3
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(outbox)) == 0, (
            "the batch in flight was settled (deleted), not left claimed for a lease"
        )


async def test_health_fails_when_the_consumer_is_gone(engine, sessions, amqp_url) -> None:  # type: ignore[no-untyped-def]
    runtime = MessagingRuntime("orders", amqp_url, engine, router=recording_router(sessions))
    await runtime.start()
    try:
        assert (await runtime.health())["consumer"] is True
        # A consumer that was not restored: cancel it behind FastStream's back.
        queue = runtime.subscriber._queue_obj
        underlay = await queue.channel.get_underlay_channel()
        await underlay.basic_cancel(runtime.subscriber._consumer_tag)
        checks = await runtime.health()
        assert checks["broker"] is True
        assert checks["consumer"] is False
    finally:
        await runtime.stop()


@pytest.mark.skipif(not PrivateRabbitMQ.available(), reason="rabbitmq-server not installed")
@pytest.mark.timeout(180)
async def test_consumer_comes_back_after_a_broker_restart(engine, sessions) -> None:  # type: ignore[no-untyped-def]
    rabbit = PrivateRabbitMQ()
    await asyncio.to_thread(rabbit.start)
    runtime = MessagingRuntime("orders", rabbit.url, engine, router=recording_router(sessions))
    try:
        await runtime.start()
        assert (await runtime.health())["consumer"] is True
        await asyncio.to_thread(rabbit.stop)
        checks = await runtime.health()
        assert checks["consumer"] is False, checks
        assert checks["broker"] is False, checks
        await asyncio.to_thread(rabbit.start)

        async def consuming() -> bool:
            return (await runtime.health())["consumer"]

        await eventually(consuming, timeout=60, interval=0.5, what="consumer restored")
        order_id = uuid.uuid4()
        async with sessions.begin() as session:
            await add_to_outbox(session, payment_failed(order_id))

        async def handled() -> bool:
            return await count_effects(sessions, order_id) == 1

        await eventually(handled, timeout=30, what="a message consumed after the restart")
    finally:
        await runtime.stop()
        await asyncio.to_thread(rabbit.close)


def _proxied(url: str, port: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"guest:guest@127.0.0.1:{port}"))
