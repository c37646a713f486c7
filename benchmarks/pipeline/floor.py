"""The floor: CPU per operation of the stack the shop is built on, without the shop's logic.

Each figure is the consuming (or serving) process's CPU time divided by the operations it
did, one process at a time, on this machine:

- `aio-pika consume+ack`: a persistent message delivered from a quorum queue and acked
  (prefetch 8, as the services), the queue filled beforehand;
- `FastStream consume+ack`: the same through a FastStream subscriber (decode, middlewares,
  fast_depends, ack after the handler), the handler doing nothing;
- `+ inbox transaction`: the same with the shop's `MessageRouter`: envelope and payload
  validated, one SQLAlchemy transaction with the inbox insert, commit, a log line;
- `SQLAlchemy tx` / `asyncpg tx`: BEGIN, one INSERT, COMMIT through an `AsyncSession` vs
  through a bare asyncpg connection (prepared), and each further statement in it;
- `FastAPI request`: a JSON POST validated into a pydantic model and answered 201 by a
  FastAPI app under uvicorn (uvloop, httptools) in its own process, as the services run.

These are lower bounds for a message or a request in any service: the shop's CPU per order
is roughly (messages x message floor) + (requests x request floor) + (statements x
statement cost) + what the handlers themselves do.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aio_pika
import asyncpg
import orjson
import psutil
import structlog
from faststream.middlewares import AckPolicy
from faststream.rabbit import QueueType, RabbitQueue
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pipeline.http import HttpPool
from pipeline.machine import asyncpg_dsn
from shop_contracts.events import EmailSent
from shop_messaging.broker import make_broker
from shop_messaging.consumer import MessageRouter
from shop_messaging.tables import inbox, metadata
from shop_platform.db import make_engine, make_session_factory
from shop_testkit.databases import create_database, remove_database
from shop_testkit.smtp import free_port
from shop_testkit.vhosts import create_vhost, delete_vhost

PREFETCH = 8


@dataclass
class FloorResult:
    what: str
    ops: int
    cpu_us_per_op: float


def _envelope_body(i: int) -> bytes:
    event = EmailSent(
        order_id=uuid.uuid4(),
        email_id=uuid.uuid4(),
        template="delivery",
        to=f"client-{i}@example.com",
        subject="Your files for order 2026-000123 are ready",
        sent_at=datetime.now(UTC),
    )
    return orjson.dumps(event.envelope(correlation_id=event.order_id).model_dump(mode="json"))


async def _fill(url: str, queue_name: str, count: int) -> None:
    """Declare the quorum queue and put `count` persistent envelopes in it (confirmed)."""
    conn = await aio_pika.connect(url)
    try:
        channel = await conn.channel(publisher_confirms=True)
        await channel.declare_queue(queue_name, durable=True, arguments={"x-queue-type": "quorum"})
        for start in range(0, count, 200):
            await asyncio.gather(
                *(
                    channel.default_exchange.publish(
                        aio_pika.Message(
                            _envelope_body(i), delivery_mode=aio_pika.DeliveryMode.PERSISTENT
                        ),
                        routing_key=queue_name,
                    )
                    for i in range(start, min(count, start + 200))
                )
            )
    finally:
        await conn.close()


async def _until(counter: list[int], count: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while counter[0] < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"consumed {counter[0]} of {count}")
        await asyncio.sleep(0.01)


async def aio_pika_consume(url: str, count: int) -> FloorResult:
    await _fill(url, "floor.aiopika", count)
    conn = await aio_pika.connect(url)
    done = [0]
    try:
        channel = await conn.channel()
        await channel.set_qos(prefetch_count=PREFETCH)
        queue = await channel.declare_queue(
            "floor.aiopika", durable=True, arguments={"x-queue-type": "quorum"}
        )

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            orjson.loads(message.body)
            await message.ack()
            done[0] += 1

        cpu0 = time.process_time()
        await queue.consume(on_message)
        await _until(done, count)
        cpu = time.process_time() - cpu0
    finally:
        await conn.close()
    return FloorResult("aio-pika consume+ack", count, cpu / count * 1e6)


async def faststream_consume(
    url: str, count: int, router: MessageRouter | None, label: str, queue_name: str
) -> FloorResult:
    await _fill(url, queue_name, count)
    broker = make_broker(url, prefetch=PREFETCH)
    done = [0]
    queue = RabbitQueue(queue_name, QueueType.QUORUM, durable=True)

    @broker.subscriber(queue, ack_policy=AckPolicy.NACK_ON_ERROR)  # type: ignore[misc]
    async def on_message(body: Any) -> None:
        if router is not None:
            await router.handle_raw(body)
        done[0] += 1

    cpu0 = time.process_time()
    await broker.start()
    try:
        await _until(done, count)
        cpu = time.process_time() - cpu0
    finally:
        await broker.stop()
    return FloorResult(label, count, cpu / count * 1e6)


async def transactions(database_url: str, count: int) -> list[FloorResult]:
    """One-statement and six-statement transactions: the first gives the cost of a
    transaction, the difference the cost of each further statement."""
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)

    async def sqlalchemy_tx(i: int, statements: int) -> None:
        async with sessions.begin() as session:
            for k in range(statements):
                await _insert_inbox(session, f"sa-{statements}-{i}-{k}")

    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    stmt = await conn.prepare(
        "INSERT INTO inbox (message_id, consumer, message_type) VALUES ($1, $2, $3) "
        "ON CONFLICT DO NOTHING RETURNING message_id"
    )

    async def asyncpg_tx(i: int, statements: int) -> None:
        async with conn.transaction():
            for k in range(statements):
                await stmt.fetch(uuid.uuid4(), f"pg-{statements}-{i}-{k}", "floor")

    results: list[FloorResult] = []
    try:
        for label, tx in (("SQLAlchemy", sqlalchemy_tx), ("asyncpg", asyncpg_tx)):
            one = await _cpu_per_call(tx, count, 1)
            six = await _cpu_per_call(tx, count, 6)
            results.append(FloorResult(f"{label} tx (BEGIN, INSERT, COMMIT)", count, one))
            results.append(FloorResult(f"{label}: each further statement", count, (six - one) / 5))
    finally:
        await conn.close()
        await engine.dispose()
    return results


async def _cpu_per_call(
    fn: Callable[[int, int], Awaitable[None]], count: int, statements: int
) -> float:
    for i in range(20):  # warm-up: connection, prepared statements, SQLAlchemy's caches
        await fn(-1 - i, statements)
    cpu0 = time.process_time()
    for i in range(count):
        await fn(i, statements)
    return (time.process_time() - cpu0) / count * 1e6


async def _insert_inbox(session: AsyncSession, consumer: str) -> None:
    await session.execute(
        insert(inbox)
        .values(message_id=uuid.uuid4(), consumer=consumer, message_type="floor")
        .on_conflict_do_nothing()
        .returning(inbox.c.message_id)
    )


APP = """
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel, EmailStr

class Client(BaseModel):
    name: str
    email: EmailStr

class Line(BaseModel):
    media_id: str
    license_id: str

class OrderIn(BaseModel):
    client: Client
    items: list[Line]

app = FastAPI()

@app.post("/orders", status_code=201)
async def create(order: OrderIn) -> dict[str, object]:
    return {"id": "00000000-0000-0000-0000-000000000000", "lines": len(order.items)}

uvicorn.run(app, host="127.0.0.1", port=int(__import__("sys").argv[1]), log_level="warning")
"""


async def fastapi_request(count: int) -> FloorResult:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", APP, str(port)], env=dict(os.environ))
    pool = HttpPool("127.0.0.1", port, size=PREFETCH)
    body = orjson.dumps(
        {
            "client": {"name": "Bench Client", "email": "bench@client.example.com"},
            "items": [{"media_id": str(uuid.uuid4()), "license_id": str(uuid.uuid4())}],
        }
    )
    headers = {"Content-Type": "application/json"}
    try:
        for _ in range(200):  # wait for it to listen
            try:
                await pool.request("POST", "/orders", body, headers)
                break
            except OSError:
                await asyncio.sleep(0.05)
        server = psutil.Process(proc.pid)
        cpu0 = sum(server.cpu_times()[:2])
        for start in range(0, count, PREFETCH):
            await asyncio.gather(
                *(
                    pool.request("POST", "/orders", body, headers)
                    for _ in range(min(PREFETCH, count - start))
                )
            )
        cpu = sum(server.cpu_times()[:2]) - cpu0
    finally:
        await pool.aclose()
        proc.terminate()
        proc.wait(timeout=10)
    return FloorResult("FastAPI request (uvicorn, pydantic body)", count, cpu / count * 1e6)


async def measure(count: int) -> list[FloorResult]:
    """All the floors, in a private vhost and database removed afterwards."""
    # The router logs a line per message, as in the services; here into /dev/null.
    saved = structlog.get_config()
    devnull = open(os.devnull, "w")  # noqa: SIM115 (closed below)
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(devnull))
    try:
        return await _measure(count)
    finally:
        structlog.configure(**saved)
        devnull.close()


async def _measure(count: int) -> list[FloorResult]:
    vhost, url = await create_vhost("benchfloor")
    database_url = await create_database("benchfloor")
    results: list[FloorResult] = []
    try:
        engine = make_engine(database_url)
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        router = MessageRouter("floor", make_session_factory(engine))

        @router.on(EmailSent)
        async def nothing(session: AsyncSession, payload: EmailSent, envelope: object) -> None:
            return None

        results.append(await aio_pika_consume(url, count))
        results.append(
            await faststream_consume(url, count, None, "FastStream consume+ack", "floor.fs")
        )
        results.append(
            await faststream_consume(
                url, count, router, "FastStream + inbox transaction", "floor.inbox"
            )
        )
        await engine.dispose()
        results.extend(await transactions(database_url, count))
        results.append(await fastapi_request(count))
    finally:
        with contextlib.suppress(Exception):
            await delete_vhost(vhost)
        with contextlib.suppress(Exception):
            await remove_database(database_url)
    return results
