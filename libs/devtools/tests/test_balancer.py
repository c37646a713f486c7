"""The load balancer in front of replicas: round robin, a dead or unhealthy replica skipped."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest

from shop_devtools.balancer import Balancer, parse_spec
from shop_devtools.stack import free_port


class Replica:
    """A tiny HTTP server answering its own name; /health answers `health_status`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.port = free_port()
        self.health_status = 200
        self.server: asyncio.Server | None = None

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        line = await reader.readline()
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        status = self.health_status if b"/health" in line else 200
        body = self.name.encode()
        head = f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        writer.write(head.encode() + body)
        await writer.drain()
        writer.close()


@pytest.fixture
async def replicas():
    started = [Replica("a"), Replica("b")]
    for r in started:
        await r.start()
    yield started
    for r in started:
        await r.stop()


async def names(port: int, n: int) -> Counter[str]:
    seen: Counter[str] = Counter()
    for _ in range(n):
        async with httpx.AsyncClient() as client:  # a new connection each time
            seen[(await client.get(f"http://127.0.0.1:{port}/x")).text] += 1
    return seen


async def test_round_robin_then_a_dead_and_an_unhealthy_replica_skipped(replicas):
    a, b = replicas
    balancer = Balancer(lambda: [("127.0.0.1", a.port), ("127.0.0.1", b.port)], check_interval=0.1)
    await balancer.start()
    try:
        assert await names(balancer.port, 6) == {"a": 3, "b": 3}
        await a.stop()  # refused: the next replica takes the connection
        assert await names(balancer.port, 4) == {"b": 4}
        await a.start()
        b.health_status = 503
        await asyncio.sleep(0.5)  # the health check saw it
        assert await names(balancer.port, 4) == {"a": 4}
        await a.stop()  # nothing healthy left: the unhealthy replica is still tried
        assert await names(balancer.port, 2) == {"b": 2}
    finally:
        await balancer.stop()


def test_parse_spec():
    assert parse_spec("8001=127.0.0.1:9001,localhost:9002") == (
        8001,
        [("127.0.0.1", 9001), ("localhost", 9002)],
    )
