"""The TCP proxy's network faults: cut, stall, latency, stop and start on the same port."""

from __future__ import annotations

import asyncio
import time

import pytest

from shop_testkit.proxy import TcpProxy


@pytest.fixture
async def echo():
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(1024):
            writer.write(data)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


async def _roundtrip(port: int, payload: bytes = b"ping", timeout: float = 2.0) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(payload)
        await writer.drain()
        return await asyncio.wait_for(reader.readexactly(len(payload)), timeout)
    finally:
        writer.close()


async def test_forwards_and_cuts_open_connections_but_accepts_new_ones(echo) -> None:
    proxy = TcpProxy("127.0.0.1", echo)
    await proxy.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(b"a")
        assert await reader.readexactly(1) == b"a"
        await proxy.cut()
        assert await asyncio.wait_for(reader.read(1), 2) == b"", "the open connection is cut"
        writer.close()
        assert await _roundtrip(proxy.port) == b"ping", "new connections still work"
    finally:
        await proxy.stop()


async def test_stall_holds_bytes_until_unstalled(echo) -> None:
    proxy = TcpProxy("127.0.0.1", echo)
    await proxy.start()
    try:
        proxy.stall()
        with pytest.raises(TimeoutError):
            await _roundtrip(proxy.port, timeout=0.5)
        task = asyncio.create_task(_roundtrip(proxy.port, timeout=3))
        await asyncio.sleep(0.3)
        proxy.unstall()
        assert await task == b"ping"
    finally:
        await proxy.stop()


async def test_latency_and_restart_on_the_same_port(echo) -> None:
    proxy = TcpProxy("127.0.0.1", echo)
    await proxy.start()
    try:
        proxy.latency_s = 0.2
        t = time.monotonic()
        assert await _roundtrip(proxy.port) == b"ping"
        assert time.monotonic() - t >= 0.4, "latency each way"
        proxy.latency_s = 0.0
        await proxy.stop()
        with pytest.raises(ConnectionRefusedError):
            await _roundtrip(proxy.port)
        await proxy.start()
        assert await _roundtrip(proxy.port) == b"ping"
    finally:
        await proxy.stop()
