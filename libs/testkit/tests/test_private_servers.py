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


async def test_private_rabbitmq_recovers_quorum_queues_after_kill_9() -> None:
    """rabbitmq-server #10070: after kill -9 a single-node quorum queue may stay leaderless;
    recover_quorum_queues() waits, then triggers elections as an operator would.

    Measured on RabbitMQ 3.10.8 (single node): the *last* batch written to the quorum WAL
    before kill -9 is not recovered, even when it was confirmed and the node sat idle for
    seconds afterwards (a confirmed publish followed by nothing else is lost). Messages with
    later writes behind them survive; the "tail" queue below is that later write."""
    rabbit = PrivateRabbitMQ()
    try:
        rabbit.start()
        connection = await aio_pika.connect(rabbit.url)
        channel = await connection.channel(publisher_confirms=True)
        for name in ("k1", "k2", "tail"):
            await channel.declare_queue(name, durable=True, arguments={"x-queue-type": "quorum"})
            await channel.default_exchange.publish(
                aio_pika.Message(b"kept", delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                routing_key=name,
            )
        tail = await channel.declare_queue("tail", passive=True)
        for _ in range(20):
            taken = await tail.get(fail=False, timeout=5)
            if taken is not None:
                await taken.ack()
                break
            await asyncio.sleep(0.2)
        await connection.close()
        assert rabbit.leaderless_quorum_queues() == []
        rabbit.kill()
        rabbit.start()
        rabbit.recover_quorum_queues(timeout=60)
        assert rabbit.leaderless_quorum_queues() == []
        connection = await aio_pika.connect(rabbit.url)
        channel = await connection.channel()
        for name in ("k1", "k2"):
            queue = await channel.declare_queue(
                name, durable=True, arguments={"x-queue-type": "quorum"}
            )
            message = None
            for _ in range(30):  # the member replays its log shortly after the node starts
                message = await queue.get(timeout=10, fail=False)
                if message is not None:
                    break
                await asyncio.sleep(0.5)
            assert message is not None, f"{name}: confirmed message lost after kill -9"
        await connection.close()
    finally:
        rabbit.close()
