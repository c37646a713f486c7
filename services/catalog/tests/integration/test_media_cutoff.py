"""Uploads cut off halfway: the client goes away, the body ends before the form's end, or
the body stream fails. Nothing stays behind (no row, no file, no staged part)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .. import media_factories as files
from .test_media_upload import ADMIN_HEADERS, media_count, stored_files

BOUNDARY = "cutoffboundary"


def form(data: bytes, *, closed: bool = True) -> bytes:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode() if closed else b""
    return head + data + tail


async def call(app: Any, body: bytes, *, declared: int, then: str) -> tuple[int, bytes]:
    """One raw ASGI request: `body` in 64 KB chunks, then `then`: "disconnect" (the client
    went away while the Content-Length promised more) or "end" (the body just stops)."""
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)]
    messages: list[dict[str, Any]] = [
        {"type": "http.request", "body": c, "more_body": True} for c in chunks
    ]
    if then == "end":
        messages.append({"type": "http.request", "body": b"", "more_body": False})
    messages.append({"type": "http.disconnect"})
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if len(messages) > 1 else messages[0]

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/admin/media",
        "raw_path": b"/api/admin/media",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"catalog.test"),
            (b"authorization", ADMIN_HEADERS["Authorization"].encode()),
            (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
            (b"content-length", str(declared).encode()),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("catalog.test", 80),
    }
    await app(scope, receive, send)
    start = next((m for m in sent if m["type"] == "http.response.start"), None)
    body_out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return (start["status"] if start else 0), body_out


@pytest.mark.parametrize("then", ["disconnect", "end"])
async def test_cut_off_halfway_leaves_nothing(
    app: Any, media_root: Path, query: Any, then: str
) -> None:
    whole = form(files.jpeg_bytes(1500, 1000, seed=91))
    half = whole[: len(whole) // 2]
    before_rows, before_files = await media_count(query), stored_files(media_root)
    status, _ = await call(app, half, declared=len(whole), then=then)
    # "end": the form is incomplete (422); "disconnect": answered to nobody (400).
    assert status == {"end": 422, "disconnect": 400}[then]
    assert await media_count(query) == before_rows
    assert stored_files(media_root) == before_files


async def test_the_file_part_not_closed(app: Any, media_root: Path, query: Any) -> None:
    """The body ends cleanly but without the closing boundary: the file may be incomplete."""
    body = form(files.jpeg_bytes(300, 200, seed=92), closed=False)
    before_rows, before_files = await media_count(query), stored_files(media_root)
    status, answer = await call(app, body, declared=len(body), then="end")
    assert status == 422
    assert b"cut off" in answer
    assert await media_count(query) == before_rows
    assert stored_files(media_root) == before_files


async def test_a_body_stream_that_fails(
    client: httpx.AsyncClient, media_root: Path, query: Any
) -> None:
    whole = form(files.jpeg_bytes(1200, 800, seed=93))

    async def failing() -> AsyncIterator[bytes]:
        yield whole[: len(whole) // 3]
        raise ConnectionResetError("the network went away")

    before_rows, before_files = await media_count(query), stored_files(media_root)
    with pytest.raises(ConnectionResetError):
        await client.post(
            "/api/admin/media",
            content=failing(),
            headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
    assert await media_count(query) == before_rows
    assert stored_files(media_root) == before_files
