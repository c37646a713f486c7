"""Refuse oversized request bodies before anything reads them (413, nothing written), and
bodies that stall (408): a client trickling a byte a minute would hold a task forever."""

from __future__ import annotations

import asyncio

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY_BYTES = 1_000_000  # orders and forms are a few KB; webhooks under 100 KB
BODY_IDLE_TIMEOUT_S = 30.0  # between two chunks of one request body


class BodySizeLimitMiddleware:
    """Checks Content-Length up front; for a chunked body, counts the chunks and, past the
    limit, tells the app the client went away (so no handler runs on a truncated body) and
    answers 413 itself (frameworks turn an exception raised while reading into a 400/422)."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int = DEFAULT_MAX_BODY_BYTES,
        idle_timeout_s: float = BODY_IDLE_TIMEOUT_S,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.idle_timeout_s = idle_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        overflow = False
        refused = False
        stalled = False
        body_done = False

        async def limited_receive() -> Message:
            nonlocal received, overflow, stalled, body_done
            if overflow or stalled:
                return {"type": "http.disconnect"}
            if body_done:  # waiting for a disconnect while streaming: no time limit
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.idle_timeout_s)
            except TimeoutError:
                stalled = True
                return {"type": "http.disconnect"}
            if message["type"] == "http.request":
                body_done = not message.get("more_body", False)
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    overflow = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal refused
            if not (overflow or stalled):
                await send(message)
            elif not refused:  # the app's answer to a "disconnected" client: ours instead
                refused = True
                await self._refuse(send, stalled=stalled)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not (overflow or stalled):
                raise
        if (overflow or stalled) and not refused:
            await self._refuse(send, stalled=stalled)

    async def _refuse(self, send: Send, *, stalled: bool = False) -> None:
        if stalled:
            status, error = 408, "request_timeout"
            detail = f"the request body stalled for over {self.idle_timeout_s:g} s"
        else:
            status, error = 413, "payload_too_large"
            detail = f"request body over {self.max_bytes} bytes"
        body = orjson.dumps({"error": error, "detail": detail})
        # A stalled client is not worth waiting for; an oversized body is read and dropped
        # by the server (closing then would reset the connection before the client reads 413).
        close = [(b"connection", b"close")] if stalled else []
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    *close,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
