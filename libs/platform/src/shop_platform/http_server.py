"""The HTTP server's own limits, before any request reaches the app.

uvicorn's httptools protocol buffers a request's headers without bound and waits for them
forever: four connections sending 64 MB of headers took orders from 136 MB to 391 MB, and
1,000 connections trickling bytes were kept open indefinitely. `GuardedHttpToolsProtocol`
adds what a front server (nginx, a load balancer) would:

- request line + headers at most `MAX_HEADER_BYTES`, at most `MAX_HEADERS` fields: else 431;
- the request line and headers must arrive within `HEADER_TIMEOUT_S` of the connection (or
  of the request's first byte on a kept-alive one): else 408 and the connection is closed;
- at most `MAX_CONNECTIONS` open connections per process: past that a new one is closed at
  once (and `limit_concurrency` answers 503 past that many requests in progress);
- idle kept-alive connections close after `KEEP_ALIVE_S`; a body that stalls is cut by
  `body_limit.BODY_IDLE_TIMEOUT_S`.

docs/security.md lists these with what to set on a proxy in front.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEADER_BYTES = 32 * 1024
MAX_HEADERS = 100
HEADER_TIMEOUT_S = 10.0
MAX_CONNECTIONS = 1000
MAX_CONCURRENT_REQUESTS = 500
KEEP_ALIVE_S = 5

_REASONS = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}


class _Refused(Exception):
    """Raised inside a parser callback: httptools turns it into an HttpParserError."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reading_headers = True
        self._header_bytes = 0  # bytes received while the headers are incomplete
        self._header_size = 0  # URL + header fields the parser handed over
        self._header_count = 0
        self._refusal: tuple[int, str] | None = None
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        if len(self.connections) >= MAX_CONNECTIONS:
            transport.abort()  # no memory, no task: the client may retry later
            return
        super().connection_made(transport)
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        if self.transport is not None:
            super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # Headers still incomplete: every byte of this request so far is request line or header.
        if self._reading_headers:
            self._header_bytes += len(data)
            if self._header_bytes > MAX_HEADER_BYTES:
                self._refuse(431, f"request headers over {MAX_HEADER_BYTES} bytes")

    def on_message_begin(self) -> None:
        """A new request's first byte (the rest of the previous body is behind us)."""
        self._reading_headers = True
        self._header_bytes = 0
        self._header_size = 0
        self._header_count = 0
        if self._header_timer is None:
            self._arm_header_timer()
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        self._header_size += len(url)
        self._check_header_size()
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        self._header_size += len(name) + len(value) + 4
        if self._header_count > MAX_HEADERS:
            self._refusal = (431, f"more than {MAX_HEADERS} request headers")
            raise _Refused
        self._check_header_size()
        super().on_header(name, value)

    def _check_header_size(self) -> None:
        """Headers that arrived whole in one read: counted field by field."""
        if self._header_size > MAX_HEADER_BYTES:
            self._refusal = (431, f"request headers over {MAX_HEADER_BYTES} bytes")
            raise _Refused

    def on_headers_complete(self) -> None:
        self._reading_headers = False
        self._disarm_header_timer()
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a parser error; ours when the error was our refusal."""
        if self._refusal is not None:
            self._refuse(*self._refusal)
        else:
            super().send_400_response(msg)

    def _arm_header_timer(self) -> None:
        self._header_timer = self.loop.call_later(HEADER_TIMEOUT_S, self._headers_too_slow)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._reading_headers and not self.transport.is_closing():
            if self._header_bytes:
                self._refuse(408, f"request headers not received within {HEADER_TIMEOUT_S:g} s")
            else:
                self.transport.close()  # said nothing at all: just close

    def _refuse(self, status: int, message: str) -> None:
        if self.transport.is_closing():
            return
        body = message.encode()
        self.transport.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%s"
            % (status, _REASONS[status], len(body), body)
        )
        self.transport.close()
        self._reading_headers = False


def server_limits() -> dict[str, Any]:
    """The `uvicorn.Config` arguments that go with the protocol."""
    return {
        "http": GuardedHttpToolsProtocol,
        "limit_concurrency": MAX_CONCURRENT_REQUESTS,
        "timeout_keep_alive": KEEP_ALIVE_S,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,  # if h11 is ever chosen
    }
