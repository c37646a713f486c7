"""The limits: what RabbitMQ and PostgreSQL do on this machine from Python, without the shop.

- RabbitMQ: persistent, mandatory, publisher-confirmed publishes (aio-pika, each publisher
  awaiting its confirm, `concurrency` publishers in flight) to a durable quorum queue (as the
  shop's queues are), consumed with manual acks by a consumer on its own connection.
  msgs/s = messages published, confirmed, delivered and acked per second.
- PostgreSQL: single-row INSERTs, each its own committed transaction (autocommit, prepared),
  through asyncpg over `connections` connections. tx/s = commits per second.

Both run in a private vhost / database that is removed afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

import aio_pika
import asyncpg

from pipeline.machine import asyncpg_dsn
from shop_testkit.databases import create_database, remove_database
from shop_testkit.vhosts import create_vhost, delete_vhost


@dataclass
class RawResult:
    what: str
    concurrency: int
    rate: float  # msgs/s or tx/s


BODY = b'{"padding": "' + b"x" * 900 + b'"}'  # about the size of a shop envelope


async def rabbitmq(levels: list[int], seconds: float) -> list[RawResult]:
    vhost, url = await create_vhost("benchraw")
    results: list[RawResult] = []
    try:
        for level in levels:
            results.append(RawResult("rabbitmq", level, await _rabbit_level(url, level, seconds)))
    finally:
        with contextlib.suppress(Exception):
            await delete_vhost(vhost)
    return results


async def _rabbit_level(url: str, concurrency: int, seconds: float) -> float:
    pub_conn = await aio_pika.connect(url)
    sub_conn = await aio_pika.connect(url)
    try:
        pub = await pub_conn.channel(publisher_confirms=True, on_return_raises=True)
        sub = await sub_conn.channel()
        await sub.set_qos(prefetch_count=max(64, 2 * concurrency))
        name = f"raw.{concurrency}"
        queue = await sub.declare_queue(name, durable=True, arguments={"x-queue-type": "quorum"})
        acked = 0
        counting = False

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            nonlocal acked
            await message.ack()
            if counting:
                acked += 1

        tag = await queue.consume(on_message)
        stop = asyncio.Event()

        async def publisher() -> None:
            while not stop.is_set():
                await pub.default_exchange.publish(
                    aio_pika.Message(BODY, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                    routing_key=name,
                    mandatory=True,
                    timeout=10,
                )

        tasks = [asyncio.create_task(publisher()) for _ in range(concurrency)]
        await asyncio.sleep(min(1.0, seconds / 4))  # warm-up
        counting = True
        t0 = time.perf_counter()
        await asyncio.sleep(seconds)
        counting = False
        elapsed = time.perf_counter() - t0
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.sleep(0.3)
        with contextlib.suppress(Exception):
            await queue.cancel(tag)
            await sub.queue_delete(name)
        return acked / elapsed
    finally:
        await pub_conn.close()
        await sub_conn.close()


async def postgres(levels: list[int], seconds: float) -> list[RawResult]:
    url = await create_database("benchraw")
    results: list[RawResult] = []
    try:
        dsn = asyncpg_dsn(url)
        setup = await asyncpg.connect(dsn)
        await setup.execute(
            "CREATE TABLE raw_tx (id bigserial PRIMARY KEY, payload jsonb NOT NULL, "
            "created_at timestamptz NOT NULL DEFAULT now())"
        )
        await setup.close()
        for level in levels:
            results.append(RawResult("postgresql", level, await _pg_level(dsn, level, seconds)))
    finally:
        with contextlib.suppress(Exception):
            await remove_database(url)
    return results


async def _pg_level(dsn: str, connections: int, seconds: float) -> float:
    conns = [await asyncpg.connect(dsn) for _ in range(connections)]
    payload = '{"order": "00000000-0000-0000-0000-000000000000", "kind": "placed"}'
    done = 0
    counting = False
    stop = asyncio.Event()

    async def worker(conn: asyncpg.Connection) -> None:
        nonlocal done
        stmt = await conn.prepare("INSERT INTO raw_tx (payload) VALUES ($1::jsonb)")
        while not stop.is_set():
            await stmt.fetch(payload)
            if counting:
                done += 1

    try:
        tasks = [asyncio.create_task(worker(c)) for c in conns]
        await asyncio.sleep(min(1.0, seconds / 4))
        counting = True
        t0 = time.perf_counter()
        await asyncio.sleep(seconds)
        counting = False
        elapsed = time.perf_counter() - t0
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        return done / elapsed
    finally:
        for c in conns:
            with contextlib.suppress(Exception):
                await c.close()
