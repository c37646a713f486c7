"""A minimal HTTP/1.1 client over asyncio streams with keep-alive connection pools.

httpx costs about a millisecond of CPU per request; at several hundred requests per second
on a 2-core machine shared with the shop, the load driver would steal the CPU it measures.
This client only writes a request and reads `Content-Length` (or chunked) responses.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass


class HttpError(Exception):
    pass


@dataclass
class Response:
    status: int
    body: bytes


IDLE_MAX_S = 3.0  # uvicorn closes keep-alive connections idle for 5 s


class _Conn:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = 0.0
        self.received = False  # any byte of the current response read

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


class HttpPool:
    """Up to `size` keep-alive connections to one host:port; requests wait for a free one."""

    def __init__(self, host: str, port: int, size: int = 32, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._idle: list[_Conn] = []
        self._slots = asyncio.Semaphore(size)
        self._host_header = f"{host}:{port}".encode()

    async def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> Response:
        loop = asyncio.get_running_loop()
        async with self._slots:
            while True:
                conn = None
                while self._idle:
                    candidate = self._idle.pop()
                    if loop.time() - candidate.idle_since < IDLE_MAX_S:
                        conn = candidate
                        break
                    candidate.close()
                fresh = conn is None
                if conn is None:
                    reader, writer = await asyncio.wait_for(
                        asyncio.open_connection(self.host, self.port), self.timeout
                    )
                    conn = _Conn(reader, writer)
                try:
                    response, keep = await asyncio.wait_for(
                        self._exchange(conn, method, path, body, headers), self.timeout
                    )
                except (ConnectionError, asyncio.IncompleteReadError, HttpError):
                    conn.close()
                    # Retry only on a reused connection the server closed before answering:
                    # the request was not processed (no byte of an answer came back).
                    if fresh or conn.received:
                        raise
                    continue
                except BaseException:
                    conn.close()
                    raise
                if keep:
                    conn.idle_since = loop.time()
                    self._idle.append(conn)
                else:
                    conn.close()
                return response

    async def _exchange(
        self, conn: _Conn, method: str, path: str, body: bytes, headers: dict[str, str] | None
    ) -> tuple[Response, bool]:
        lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: " + self._host_header]
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}".encode())
        lines.append(b"Content-Length: " + str(len(body)).encode())
        conn.received = False
        conn.writer.write(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        first = await conn.reader.readexactly(1)
        conn.received = True
        head = first + await conn.reader.readuntil(b"\r\n\r\n")
        status_line, _, rest = head.partition(b"\r\n")
        parts = status_line.split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
            raise HttpError(f"bad status line {status_line[:80]!r}")
        status = int(parts[1])
        length = None
        chunked = False
        keep = True
        for line in rest.split(b"\r\n"):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value.strip())
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                keep = False
        if chunked:
            data = bytearray()
            while True:
                size = int((await conn.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await conn.reader.readuntil(b"\r\n")
                    break
                data += await conn.reader.readexactly(size + 2)
                del data[-2:]
            payload = bytes(data)
        elif length is not None:
            payload = await conn.reader.readexactly(length)
        else:
            payload = await conn.reader.read()
            keep = False
        return Response(status, payload), keep

    async def aclose(self) -> None:
        for conn in self._idle:
            conn.close()
        self._idle.clear()
