"""The composition root's wiring on a real RabbitMQ vhost: the relay publishes the outbox,
the `orders` queue feeds the router. (Every other test leaves the broker out.)"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import aio_pika
import httpx
import pytest

from shop_contracts.routing import EVENTS_EXCHANGE
from shop_messaging.broker import make_broker, publish_envelope
from shop_messaging.runtime import MessagingRuntime
from shop_messaging.topology import declare_topology
from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media
from shop_testkit.vhosts import create_vhost, delete_vhost
from shop_testkit.waiting import eventually

from .helpers import order_body, outbox_rows, payment_confirmed


@pytest.fixture
async def amqp_url() -> AsyncIterator[str]:
    name, url = await create_vhost("shop-orderstest")
    yield url
    await delete_vhost(name)


async def queue_message_ids(amqp_url: str, queue: str) -> list[str]:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        q = await channel.declare_queue(queue, passive=True)
        ids = []
        while (message := await q.get(fail=False, no_ack=True)) is not None:
            ids.append(str(message.message_id))
        return ids


async def test_outbox_published_and_payment_consumed(
    amqp_url: str, service: OrdersRoot, client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    setup = make_broker(amqp_url)
    await setup.connect()
    await declare_topology(setup)  # every service's queue, as when the whole shop runs
    runtime = MessagingRuntime("orders", amqp_url, service.engine, router=service.router)
    await runtime.start()
    try:
        health = await runtime.health()  # messaging may add checks (e.g. the consumer's)
        assert {k: health[k] for k in ("database", "broker", "relay")} == {
            "database": True,
            "broker": True,
            "relay": True,
        }
        placed = (await client.post("/api/orders", json=order_body(catalog))).json()
        order_id = uuid.UUID(placed["id"])
        [row] = await outbox_rows(service, order_id)

        async def published() -> bool:
            return not await outbox_rows(service)

        await eventually(published, timeout=20, what="order.placed published")
        assert await queue_message_ids(amqp_url, "shop.payments") == [str(row["event_id"])]

        envelope = payment_confirmed(order_id)
        await publish_envelope(
            setup, envelope, exchange_name=EVENTS_EXCHANGE, routing_key=envelope.type
        )

        async def paid() -> bool:
            headers = {"X-Order-Token": placed["access_token"]}
            body = (await client.get(f"/api/orders/{order_id}", headers=headers)).json()
            return bool(body["status"] == "paid")

        await eventually(paid, timeout=20, what="payment.confirmed consumed")
    finally:
        await runtime.stop()
        await setup.stop()
