"""The 3-node RabbitMQ cluster: formed, quorum queues on every node, a node killed and back;
a service's broker connection on the list of the three nodes, its own node SIGKILLed.

One cluster for the module (~25 s to start): the tests run in order, the last one leaves a
node dead."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aio_pika
import orjson
import pytest
from faststream.rabbit import RabbitQueue

from shop_contracts import PaymentFailed
from shop_contracts.routing import EVENTS_EXCHANGE
from shop_devtools.rabbit_cluster import RabbitCluster
from shop_messaging.broker import EXCHANGES, make_broker, publish_envelope
from shop_messaging.failover import FailoverConnection
from shop_testkit.private_servers import PrivateRabbitMQ

pytestmark = pytest.mark.skipif(
    not PrivateRabbitMQ.available(), reason="rabbitmq-server is not installed"
)


async def declare_and_publish(url: str, queue: str, body: bytes) -> None:
    connection = await aio_pika.connect(url, timeout=10)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await channel.declare_queue(queue, durable=True, arguments={"x-queue-type": "quorum"})
        await channel.default_exchange.publish(
            aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key=queue,
        )


async def get_one(url: str, queue: str) -> bytes | None:
    connection = await aio_pika.connect(url, timeout=10)
    async with connection:
        channel = await connection.channel()
        q = await channel.declare_queue(queue, passive=True)
        message = await q.get(fail=False, timeout=10)
        if message is None:
            return None
        await message.ack()
        return message.body


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RabbitCluster]:
    base: Path = tmp_path_factory.mktemp("rabbit") / "cluster"
    cluster = RabbitCluster(base)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
        cluster.close()
    assert not base.exists()


@pytest.mark.timeout(400)
async def test_three_nodes_a_quorum_queue_on_each_a_node_killed_and_back(
    cluster: RabbitCluster,
) -> None:
    assert cluster.running_nodes() == sorted(cluster.names)
    assert len(set(cluster.urls)) == 3
    await declare_and_publish(cluster.urls[1], "t.quorum", b"kept")
    queue = cluster.quorum_queues()["t.quorum"]
    assert queue["members"] == sorted(cluster.names)  # replicated on all three
    assert cluster.under_replicated() == []

    leader = str(queue["leader"])
    k = cluster.names.index(leader)
    await asyncio.to_thread(cluster.kill, k)  # the leader, SIGKILL
    for _ in range(60):  # the two survivors elect a new leader
        # While the election runs the queue can be missing from the listing altogether.
        during = cluster.quorum_queues().get("t.quorum", {})
        if during.get("leader") not in (None, "", leader):
            break
        await asyncio.sleep(0.5)
    survivor = cluster.urls[(k + 1) % 3]
    assert await get_one(survivor, "t.quorum") == b"kept"  # the new leader serves it
    await declare_and_publish(survivor, "t.quorum", b"while down")

    await asyncio.to_thread(cluster.restart, k)
    assert cluster.running_nodes() == sorted(cluster.names)
    assert await get_one(cluster.urls[k], "t.quorum") == b"while down"
    for _ in range(60):
        if not cluster.under_replicated():
            break
        await asyncio.sleep(1)
    assert cluster.under_replicated() == []


async def test_a_service_connection_on_the_node_list_carries_on_when_its_node_is_killed(
    cluster: RabbitCluster,
) -> None:
    """What a replica does (AMQP_URL = its node first, then the two others): consume a quorum
    queue and publish to it (confirmed, mandatory, persistent); its node - the queue's
    leader too - is SIGKILLed; it reconnects to the next node, its consumer is restored and
    the messages published before and after are each consumed once."""
    assert cluster.running_nodes() == sorted(cluster.names)
    k = 2
    urls = [cluster.urls[(k + i) % 3] for i in range(3)]
    broker = make_broker(",".join(urls))
    queue = RabbitQueue(
        "t.failover",
        durable=True,
        routing_key="t.failover",
        arguments={"x-queue-type": "quorum"},
    )
    consumed: list[str] = []

    @broker.subscriber(queue, EXCHANGES[EVENTS_EXCHANGE])
    async def on_message(body: Any) -> None:  # FastStream decodes the JSON body
        consumed.append(str((orjson.loads(body) if isinstance(body, bytes) else body)["event_id"]))

    async def publish() -> str:
        envelope = PaymentFailed(order_id=uuid.uuid4(), reason="t").envelope(
            correlation_id=uuid.uuid4()
        )
        await publish_envelope(
            broker, envelope, exchange_name=EVENTS_EXCHANGE, routing_key="t.failover"
        )
        return str(envelope.event_id)

    async def until(check, timeout: float, what: str) -> float:  # type: ignore[no-untyped-def]
        t = time.monotonic()
        while time.monotonic() - t < timeout:
            if await check():
                return time.monotonic() - t
            await asyncio.sleep(0.05)
        raise AssertionError(f"{what} not within {timeout}s")

    await broker.start()
    try:
        connection = await broker.connect()
        assert isinstance(connection, FailoverConnection)
        assert connection.url.port == cluster.nodes[k].port  # on its preferred node
        assert cluster.quorum_queues()["t.failover"]["leader"] == cluster.names[k]
        before = await publish()

        async def got_before() -> bool:
            return before in consumed

        await until(got_before, 10, "the message published before")
        await asyncio.sleep(0.5)  # its ack settled

        t = time.monotonic()
        await asyncio.to_thread(cluster.kill, k)  # SIGKILL its node, the queue's leader
        killed_s = time.monotonic() - t  # kill() waits for the Erlang VM to be gone

        async def reconnected() -> bool:  # connected and its channel restored
            return connection.failovers == 1 and await broker.ping(timeout=0.05)

        await until(reconnected, 30, "reconnected to another node")
        reconnect_s = time.monotonic() - t
        after = await publish()  # confirmed by the new leader, through the next node

        async def got_after() -> bool:
            return after in consumed

        await until(got_after, 30, "the message published after the kill")
        consume_s = time.monotonic() - t
        # on a survivor: the next in its list, or the one after when the next one's attempt
        # failed while the queue elected its new leader
        assert connection.url.port in {cluster.nodes[(k + i) % 3].port for i in (1, 2)}
        assert connection.failovers == 1
        await asyncio.sleep(1.0)  # a duplicate would have arrived by now
        assert sorted(consumed) == sorted([before, after])
        print(
            f"node killed in {killed_s:.1f}s; reconnected {reconnect_s:.1f}s, "
            f"a new message consumed {consume_s:.1f}s after the kill"
        )
    finally:
        await broker.stop()
