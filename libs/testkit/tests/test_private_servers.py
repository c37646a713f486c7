"""The fault suite's private servers really start, stop, die and come back."""

from __future__ import annotations

import asyncio

import aio_pika
import asyncpg
import pytest

from shop_testkit.private_servers import PrivatePostgres, PrivateRabbitMQ


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg", "postgresql")


async def test_private_postgres_survives_an_immediate_stop_with_its_data() -> None:
    pg = PrivatePostgres()
    try:
        pg.start()
        conn = await asyncpg.connect(_dsn(pg.url))
        await conn.execute("CREATE TABLE t (x int); INSERT INTO t VALUES (42)")
        await conn.close()
        pg.restart("immediate")
        conn = await asyncpg.connect(_dsn(pg.url))
        assert await conn.fetchval("SELECT x FROM t") == 42
        await conn.close()
        pg.kill()
        with pytest.raises(OSError, match=r"Connect call failed|refused"):
            await asyncpg.connect(_dsn(pg.url), timeout=2)
    finally:
        pg.close()


async def test_private_rabbitmq_keeps_quorum_messages_over_a_restart() -> None:
    # After kill -9 a single-node quorum queue may stay leaderless (rabbitmq-server #10070):
    # the fault suite handles that case; here the node is stopped cleanly.
    rabbit = PrivateRabbitMQ()
    try:
        rabbit.start()
        connection = await aio_pika.connect(rabbit.url)
        channel = await connection.channel()
        queue = await channel.declare_queue("q", durable=True, arguments={"x-queue-type": "quorum"})
        await channel.default_exchange.publish(aio_pika.Message(b"kept"), routing_key="q")
        await connection.close()
        rabbit.stop()
        rabbit.start()
        connection = await aio_pika.connect(rabbit.url)
        channel = await connection.channel()
        queue = await channel.declare_queue("q", durable=True, arguments={"x-queue-type": "quorum"})
        message = None
        for _ in range(30):  # the queue's Raft member recovers shortly after the node starts
            message = await queue.get(timeout=10, fail=False)
            if message is not None:
                break
            await asyncio.sleep(0.5)
        assert message is not None, "the quorum queue lost a confirmed message"
        assert message.body == b"kept"
        await connection.close()
    finally:
        rabbit.close()
