"""The 3-node RabbitMQ cluster: formed, quorum queues on every node, a node killed and back."""

from __future__ import annotations

import asyncio

import aio_pika
import pytest

from shop_devtools.rabbit_cluster import RabbitCluster
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


@pytest.mark.timeout(400)
async def test_three_nodes_a_quorum_queue_on_each_a_node_killed_and_back(tmp_path):
    cluster = RabbitCluster(tmp_path / "cluster")
    await asyncio.to_thread(cluster.start)
    try:
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
    finally:
        await asyncio.to_thread(cluster.stop)
        cluster.close()
    assert not (tmp_path / "cluster").exists()
