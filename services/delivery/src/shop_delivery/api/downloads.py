"""GET /downloads/{link_token}: the file, counted atomically, with HTTP Range (resume).

HEAD answers alike and counts nothing. What a request gets and costs is decided in
`service.downloads` (`domain.ranges`, `domain.downloads`); Starlette's FileResponse then
sends exactly that: it is handed the canonical `Range` header of the decided ranges, or none
(200, the whole file), so it never serves a range that was not counted. A 206 carries
`Content-Range` (a multipart body for several ranges); `Accept-Ranges: bytes` and
`Content-Length` always.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from starlette.types import Receive, Scope, Send

from shop_delivery.api.context import Ctx
from shop_delivery.domain.files import content_disposition
from shop_delivery.domain.ranges import RangeKind
from shop_delivery.service.downloads import Download, find_download, use_download
from shop_delivery.service.refresh import with_fresh_files
from shop_platform.errors import error_responses

PATH = "/downloads/{link_token}"
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the file, with Content-Disposition naming it",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    },
    206: {"description": "the requested range of the file (`Range: bytes=...`)"},
    416: {"description": "no range starts inside the file"},
    **error_responses(404, 410),
}
_RANGE_HEADERS = (b"range", b"if-range")


class _DecidedFileResponse(FileResponse):
    """A FileResponse that serves the decided `range` (None: the whole file), not the
    request's own `Range` and `If-Range` (already taken into account by the decision)."""

    decided_range: str | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in _RANGE_HEADERS]
        if self.decided_range is not None:
            headers.append((b"range", self.decided_range.encode("latin-1")))
        await super().__call__({**scope, "headers": headers}, receive, send)


def _file_response(path: Path, file_name: str, mime_type: str) -> _DecidedFileResponse:
    return _DecidedFileResponse(
        path,
        media_type=mime_type,
        stat_result=os.stat(path),
        headers={
            "Content-Disposition": content_disposition(file_name),
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _decided(response: _DecidedFileResponse, found: Download) -> Response:
    if found.send.kind is RangeKind.UNSATISFIABLE:
        return Response(status_code=416, headers={"Content-Range": f"bytes */{found.size_bytes}"})
    response.decided_range = found.send.header()
    return response


def _range_applies(request: Request, response: FileResponse) -> bool:
    """False when `If-Range` names another version: the whole file is then sent (and counted)."""
    if_range = request.headers.get("if-range")
    if if_range is None:
        return True
    if if_range.startswith("W/"):
        return False
    return if_range in (response.headers.get("etag"), response.headers.get("last-modified"))


router = APIRouter(tags=["downloads"])


async def serve_file(ctx: Ctx, request: Request, link_token: str, *, head: bool) -> Response:
    """The file (produced again first when its original was replaced since)."""
    return await with_fresh_files(
        ctx.transaction, ctx.service, lambda: _serve_file(ctx, request, link_token, head=head)
    )


async def _serve_file(ctx: Ctx, request: Request, link_token: str, *, head: bool) -> Response:
    async with ctx.transaction() as repos:
        found = await find_download(repos, ctx.service, link_token, for_update=not head)
        response = _file_response(found.path, found.file_name, found.mime_type)
        range_header = request.headers.get("range")
        if not _range_applies(request, response):
            range_header = None
        sent = await use_download(repos, ctx.service, found, head=head, range_header=range_header)
    # Sent after the commit: the count is durable before the first byte leaves.
    return _decided(response, sent)


@router.get(PATH, response_class=FileResponse, responses=RESPONSES, summary="Download a file")
async def download(ctx: Ctx, request: Request, link_token: str) -> Response:
    """Counts one download for the whole file, or for a range unless bytes already
    counted and not yet sent cover it (the rest of a download fetched in pieces). More
    than a few ranges, or a Range header not honoured, gets (and counts) the whole file.
    404 when the link is unknown, tampered with or revoked; 410, for any request, once
    it has expired or its `max_downloads` downloads are used up."""
    return await serve_file(ctx, request, link_token, head=False)


@router.head(PATH, response_class=FileResponse, responses=RESPONSES, summary="Check a file")
async def check_download(ctx: Ctx, request: Request, link_token: str) -> Response:
    """The same headers and statuses as GET, without counting a download."""
    return await serve_file(ctx, request, link_token, head=True)
