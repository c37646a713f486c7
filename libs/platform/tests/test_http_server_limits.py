"""The HTTP server's own limits, over real sockets against a real uvicorn with our protocol."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn
from fastapi import FastAPI, Request

from shop_platform import http_server
from shop_platform.body_limit import BodySizeLimitMiddleware


def _app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(BodySizeLimitMiddleware, idle_timeout_s=0.5)

    @app.get("/")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"bytes": len(await request.body())}

    return app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def server(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[int]:
    monkeypatch.setattr(http_server, "HEADER_TIMEOUT_S", 0.5)
    monkeypatch.setattr(http_server, "MAX_CONNECTIONS", 20)
    port = _free_port()
    config = uvicorn.Config(
        _app(), host="127.0.0.1", port=port, log_level="error", **http_server.server_limits()
    )
    served = uvicorn.Server(config)
    task = asyncio.create_task(served.serve())
    while not served.started:  # noqa: ASYNC110 (uvicorn offers a flag, no event)
        await asyncio.sleep(0.02)
    yield port
    served.should_exit = True
    await task


async def _exchange(port: int, request: bytes, *, timeout: float = 5.0) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        with contextlib.suppress(ConnectionError):
            writer.write(request)
            await writer.drain()
        return await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()


async def test_an_ordinary_request_is_answered(server: int) -> None:
    answer = await _exchange(server, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]


async def test_an_oversized_header_is_refused_with_431(server: int) -> None:
    whole = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40_000 + b"\r\n\r\n"
    answer = await _exchange(server, whole)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]
    assert b"request headers over 32768 bytes" in answer


async def test_endless_headers_are_refused_before_they_are_buffered(server: int) -> None:
    """64 MB of headers used to be kept in memory: refused once past the limit."""
    unfinished = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000  # no end yet
    answer = await _exchange(server, unfinished)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]


async def test_too_many_headers_are_refused_with_431(server: int) -> None:
    many = b"".join(b"X-H%d: v\r\n" % n for n in range(150))
    answer = await _exchange(server, b"GET / HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]
    assert b"more than 100 request headers" in answer


async def test_headers_that_trickle_in_are_cut_off_with_408(server: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 3.0)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]


async def test_a_silent_connection_is_closed(server: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server)
    assert await asyncio.wait_for(reader.read(), 3.0) == b""  # closed, nothing said
    writer.close()


async def test_a_stalled_body_is_answered_408(server: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server)
    writer.write(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly a few bytes")
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 3.0)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]


async def test_connections_past_the_cap_are_closed_at_once(server: int) -> None:
    held = [await asyncio.open_connection("127.0.0.1", server) for _ in range(20)]
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", server)
        with contextlib.suppress(ConnectionError):
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        refused = b""
        with contextlib.suppress(ConnectionError):
            refused = await asyncio.wait_for(reader.read(), 3.0)
        writer.close()
        assert not refused.startswith(b"HTTP/1.1 200"), "the 21st connection was served"
    finally:
        for _, w in held:
            w.close()
