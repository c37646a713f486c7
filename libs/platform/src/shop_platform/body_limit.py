"""Refuse oversized request bodies before anything reads them (413, nothing written), and
bodies that stall (408): a client trickling a byte a minute would hold a task forever."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# (the request's scope, status, message) -> the page's HTML, or None when JSON is wanted.
ErrorPage = Callable[[Scope, int, str], Awaitable[bytes | None]]
# The request's scope -> its own body limit (e.g. a file upload's), or None for the default.
BodyLimit = Callable[[Scope], int | None]

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
        page: ErrorPage | None = None,
        limit_for: BodyLimit | None = None,
    ) -> None:
        """`page`: the refusal as an HTML page for a browser (None: JSON, as for programs);
        `limit_for`: a larger limit for some requests (uploads), None for the default."""
        self.app = app
        self.max_bytes = max_bytes
        self.limit_for = limit_for
        self.idle_timeout_s = idle_timeout_s
        self.page = page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        special = self.limit_for(scope) if self.limit_for is not None else None
        max_bytes = special if special is not None else self.max_bytes
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._refuse(scope, send, max_bytes=max_bytes)
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
                if received > max_bytes:
                    overflow = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal refused
            if not (overflow or stalled):
                await send(message)
            elif not refused:  # the app's answer to a "disconnected" client: ours instead
                refused = True
                await self._refuse(scope, send, stalled=stalled, max_bytes=max_bytes)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not (overflow or stalled):
                raise
        if (overflow or stalled) and not refused:
            await self._refuse(scope, send, stalled=stalled, max_bytes=max_bytes)

    async def _refuse(
        self, scope: Scope, send: Send, *, stalled: bool = False, max_bytes: int | None = None
    ) -> None:
        max_bytes = self.max_bytes if max_bytes is None else max_bytes
        if stalled:
            status, error = 408, "request_timeout"
            detail = f"the request body stalled for over {self.idle_timeout_s:g} s"
            said = "Sending the form stopped half-way. Please try again."
        else:
            status, error = 413, "payload_too_large"
            detail = f"request body over {max_bytes} bytes"
            said = (
                f"What you sent is over {max_bytes // 1_000_000} MB, more than this page "
                "takes. Please shorten it (a note, for example) and send it again."
            )
        page = await self.page(scope, status, said) if self.page else None
        body = page if page is not None else orjson.dumps({"error": error, "detail": detail})
        kind = b"text/html; charset=utf-8" if page is not None else b"application/json"
        # A stalled client is not worth waiting for; an oversized body is read and dropped
        # by the server (closing then would reset the connection before the client reads 413).
        close = [(b"connection", b"close")] if stalled else []
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(body)).encode()),
                    *close,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
