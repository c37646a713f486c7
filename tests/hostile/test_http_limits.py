"""Issue 17, item 5: header size and count limits, read timeouts, a connection cap.

The probe: four connections sending 64 MB of headers took orders from 136 MB to 391 MB; a
200 KB header was answered 200; 1,000 slow connections were kept open indefinitely."""

from __future__ import annotations

import asyncio
import contextlib
import time

import psutil

HOST = "127.0.0.1"


async def _send(port: int, data: bytes, timeout: float = 10.0) -> bytes:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        with contextlib.suppress(ConnectionError):
            writer.write(data)
            await writer.drain()
        with contextlib.suppress(ConnectionError):
            return await asyncio.wait_for(reader.read(), timeout)
        return b""
    finally:
        writer.close()


def _orders_rss_mb(shop) -> float:
    [instance] = [i for i in shop.stack.instances.values() if i.service == "orders"]
    return psutil.Process(instance.pid).memory_info().rss / 1e6


async def test_a_200_kb_header_is_refused_with_431(shop):
    port = shop.config.ports["orders"]
    request = b"GET /api/catalog HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n"
    answer = await _send(port, request)
    assert not answer.startswith(b"HTTP/1.1 200"), answer[:100]
    ok = await _send(port, b"GET /api/catalog HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert ok.startswith(b"HTTP/1.1 200")  # the service is fine


async def test_a_header_over_32_kib_in_one_piece_is_431(shop):
    port = shop.config.ports["orders"]
    request = b"GET /api/catalog HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40_000 + b"\r\n\r\n"
    answer = await _send(port, request)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:100]
    many = b"".join(b"X-H%d: v\r\n" % n for n in range(200))
    answer = await _send(port, b"GET /api/catalog HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    assert answer.startswith(b"HTTP/1.1 431"), answer[:100]


async def test_endless_headers_do_not_grow_the_service(shop):
    port = shop.config.ports["orders"]
    before = _orders_rss_mb(shop)
    chunk = b"a" * 65_536

    async def flood() -> int:
        sent = 0
        _, writer = await asyncio.open_connection(HOST, port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ")
        try:
            while sent < 64_000_000:
                writer.write(chunk)
                await writer.drain()
                sent += len(chunk)
        except ConnectionError:
            pass
        finally:
            writer.close()
        return sent

    sent = await asyncio.wait_for(asyncio.gather(*(flood() for _ in range(4))), 60)
    after = _orders_rss_mb(shop)
    assert max(sent) < 64_000_000, "the server read 64 MB of headers without closing"
    assert after - before < 40, f"orders grew from {before:.0f} MB to {after:.0f} MB"


async def test_slow_and_silent_connections_are_closed(shop):
    port = shop.config.ports["orders"]
    connections = [await asyncio.open_connection(HOST, port) for _ in range(100)]
    for n, (_, writer) in enumerate(connections):
        if n % 2:  # half trickle a header line, half say nothing at all
            writer.write(b"GET / HTTP/1.1\r\nX-Slow: ")
    started = time.monotonic()

    async def closed(reader: asyncio.StreamReader) -> bool:
        with contextlib.suppress(ConnectionError):
            await asyncio.wait_for(reader.read(), 20)
        return True

    results = await asyncio.gather(*(closed(r) for r, _ in connections), return_exceptions=True)
    elapsed = time.monotonic() - started
    for _, writer in connections:
        writer.close()
    assert all(r is True for r in results), [r for r in results if r is not True][:3]
    assert elapsed < 20, f"slow connections kept open {elapsed:.0f} s"
