"""AMQP_URL as a list of nodes: the first that answers, another when it goes away.

Two TCP proxies in front of the local broker stand for two nodes of a cluster here (the real
3-node cluster, a node SIGKILLed: libs/devtools/tests/test_rabbit_cluster.py)."""

from __future__ import annotations

import time
import uuid
from urllib.parse import urlsplit, urlunsplit

from shop_contracts.routing import EVENTS_EXCHANGE
from shop_messaging.broker import publish_envelope
from shop_messaging.failover import amqp_urls, connect_first
from shop_messaging.runtime import MessagingRuntime
from shop_testkit.proxy import TcpProxy
from shop_testkit.waiting import eventually

from .test_messaging_integration import count_effects, payment_failed, recording_router

DEAD = "amqp://guest:guest@127.0.0.1:1/"  # nothing listens there: refused at once


def test_one_url_stays_one_url_and_a_list_keeps_its_order() -> None:
    one = "amqp://shop:p,w@broker:5672/shop"  # a comma in a password does not split it
    assert amqp_urls(one) == [one]
    assert amqp_urls(" amqp://a:1/ , amqp://b:2/,amqp://c:3/ ") == [
        "amqp://a:1/",
        "amqp://b:2/",
        "amqp://c:3/",
    ]


async def test_a_runtime_on_a_list_connects_past_a_node_that_does_not_answer(
    engine, sessions, amqp_url: str
) -> None:
    runtime = MessagingRuntime(
        "orders", f"{DEAD},{amqp_url}", engine, router=recording_router(sessions)
    )
    await runtime.start()
    try:
        assert (await runtime.health())["consumer"]
        order_id = uuid.uuid4()
        envelope = payment_failed(order_id)
        await publish_envelope(
            runtime.broker, envelope, exchange_name=EVENTS_EXCHANGE, routing_key=envelope.type
        )

        async def handled() -> bool:
            return await count_effects(sessions, order_id) == 1

        await eventually(handled, what="message consumed")
    finally:
        await runtime.stop()
    connection = await connect_first(f"{DEAD},{amqp_url}", timeout=5)  # the DLQ tools' way
    await connection.close()


async def test_when_its_node_goes_away_the_runtime_moves_to_the_next_and_carries_on(
    engine, sessions, amqp_url: str
) -> None:
    parts = urlsplit(amqp_url)
    nodes = [TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672) for _ in range(2)]
    for node in nodes:
        await node.start()
    urls = [urlunsplit(parts._replace(netloc=f"guest:guest@127.0.0.1:{n.port}")) for n in nodes]
    runtime = MessagingRuntime("orders", ",".join(urls), engine, router=recording_router(sessions))
    await runtime.start()
    try:
        assert (nodes[0].connections_accepted, nodes[1].connections_accepted) == (1, 0)
        before, after = uuid.uuid4(), uuid.uuid4()
        for order_id in (before,):
            envelope = payment_failed(order_id)
            await publish_envelope(
                runtime.broker, envelope, exchange_name=EVENTS_EXCHANGE, routing_key=envelope.type
            )
        await eventually(lambda: count_effects(sessions, before), what="first message consumed")

        t = time.monotonic()
        await nodes[0].stop()  # the preferred node is gone: refused, connections cut

        async def consuming_again() -> bool:
            return all((await runtime.health()).values())

        await eventually(consuming_again, timeout=20, what="consumer back on the other node")
        failover_s = time.monotonic() - t
        assert nodes[1].connections_accepted == 1, "reconnected through the second node"
        assert failover_s < 10, f"failover took {failover_s:.1f}s"

        envelope = payment_failed(after)
        await publish_envelope(  # confirmed by the second node
            runtime.broker, envelope, exchange_name=EVENTS_EXCHANGE, routing_key=envelope.type
        )
        await eventually(lambda: count_effects(sessions, after), what="second message consumed")
        assert (await count_effects(sessions, before), await count_effects(sessions, after)) == (
            1,
            1,
        )
    finally:
        await runtime.stop()
        for node in nodes:
            await node.stop()
