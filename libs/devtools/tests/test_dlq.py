"""`make dlq`: list and replay dead-lettered messages and parked outbox rows (throwaway vhost
and database)."""

from __future__ import annotations

import uuid

import aio_pika
import asyncpg
import pytest

from shop_contracts.routing import EVENTS_EXCHANGE
from shop_devtools import dlq
from shop_devtools.config import SERVICES, ShopConfig
from shop_devtools.testing import dead_letter_one
from shop_messaging.broker import make_broker
from shop_messaging.tables import metadata as messaging_metadata
from shop_messaging.topology import declare_topology
from shop_platform.db import make_engine
from shop_testkit.databases import create_database, remove_database
from shop_testkit.vhosts import create_vhost, delete_vhost


@pytest.fixture
async def config():
    vhost, amqp_url = await create_vhost("dlqtest")
    db = await create_database("dlqtest")
    engine = make_engine(db)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
    await engine.dispose()
    broker = make_broker(amqp_url)
    await broker.connect()
    await declare_topology(broker)
    await broker.stop()
    yield ShopConfig(database_urls=dict.fromkeys(SERVICES, db), amqp_url=amqp_url)
    await remove_database(db)
    await delete_vhost(vhost)


async def _park_one(database_url: str) -> None:
    conn = await asyncpg.connect(dlq._pg_dsn(database_url))
    await conn.execute(
        "INSERT INTO outbox (event_id, message_type, exchange, routing_key, correlation_id, "
        "envelope, attempts, last_error, parked_at) VALUES ($1, 'payment.failed', "
        "'shop.events', 'payment.failed', $1, '{}'::jsonb, 10, 'NO_ROUTE', now())",
        uuid.uuid4(),
    )
    await conn.close()


async def _depth(amqp_url: str, name: str) -> int:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(name, passive=True)
        return int(queue.declaration_result.message_count or 0)


async def test_list_shows_dead_messages_with_their_reason_and_parked_rows(config) -> None:
    event_id = await dead_letter_one(config.amqp_url)
    await _park_one(config.database_urls["orders"])

    reports = {r.service: r for r in await dlq.report(config, ["orders", "payments"])}
    orders = reports["orders"]
    assert [d.event_id for d in orders.dead] == [event_id]
    dead = orders.dead[0]
    assert (dead.type, dead.reason, dead.first_queue) == (
        "payment.failed",
        "rejected",
        "shop.orders",
    )
    assert (dead.exchange, dead.routing_key) == (EVENTS_EXCHANGE, "payment.failed")
    assert len(orders.parked) == 1
    assert orders.parked[0].last_error == "NO_ROUTE"
    assert reports["payments"].dead == []
    text = dlq.format_report(list(reports.values()))
    assert "reason=rejected" in text
    assert event_id in text
    # listing does not take the messages away
    assert await _depth(config.amqp_url, "shop.orders.dlq") == 1


async def test_replay_moves_messages_back_unchanged_and_unparks_rows(config) -> None:
    event_id = await dead_letter_one(config.amqp_url)
    await _park_one(config.database_urls["orders"])

    moved, unparked = await dlq.replay(config, "orders")
    assert (moved, unparked) == (1, 1)
    assert await _depth(config.amqp_url, "shop.orders.dlq") == 0
    connection = await aio_pika.connect(config.amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue("shop.orders", passive=True)
        message = await queue.get(timeout=5)
        assert message is not None
        assert message.message_id == event_id, "same message_id: inboxes still dedupe"
        await message.ack()
    conn = await asyncpg.connect(dlq._pg_dsn(config.database_urls["orders"]))
    parked = await conn.fetchval("SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL")
    await conn.close()
    assert parked == 0


def test_cli_names_a_service_by_queue_too() -> None:
    assert dlq._service_of("shop.delivery.dlq") == "delivery"
    assert dlq._service_of("payments") == "payments"
    with pytest.raises(SystemExit):
        dlq._service_of("nope")
