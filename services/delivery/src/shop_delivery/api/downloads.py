"""GET /downloads/{link_token}: the file, counted atomically, with HTTP Range (resume).

HEAD answers alike and counts nothing. Starlette's FileResponse serves the bytes: 200, 206
with `Content-Range` for a range, 416 for an unsatisfiable one, `Accept-Ranges: bytes` and
`Content-Length` always. Which requests count a download is decided in `service.downloads`.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from shop_delivery.bootstrap import Container
from shop_delivery.domain.files import content_disposition
from shop_delivery.service.downloads import Download, find_download, use_download
from shop_platform.errors import error_responses

PATH = "/downloads/{link_token}"
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the file, with Content-Disposition naming it",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    },
    206: {"description": "the requested range of the file (`Range: bytes=...`)"},
    416: {"description": "the range starts past the end of the file"},
    **error_responses(404, 409, 410),
}


def _file_response(found: Download) -> FileResponse:
    return FileResponse(
        found.path,
        media_type=found.mime_type,
        stat_result=os.stat(found.path),
        headers={
            "Content-Disposition": content_disposition(found.file_name),
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _range_applies(request: Request, response: FileResponse) -> bool:
    """False when `If-Range` names another version: the whole file is then sent (and counted)."""
    if_range = request.headers.get("if-range")
    if if_range is None:
        return True
    if if_range.startswith("W/"):
        return False
    return if_range in (response.headers.get("etag"), response.headers.get("last-modified"))


def downloads_router(container: Container) -> APIRouter:
    router = APIRouter(tags=["downloads"])

    async def serve_file(request: Request, link_token: str, *, head: bool) -> FileResponse:
        async with container.sessions.begin() as session:
            linked = await find_download(session, container.ctx, link_token)
            path = container.ctx.renderer.path_of(linked.file)
            response = _file_response(
                Download(path, linked.file_name, linked.file.mime_type, linked.file.size_bytes)
            )
            range_header = request.headers.get("range")
            if not _range_applies(request, response):
                range_header = None
            await use_download(session, container.ctx, linked, head=head, range_header=range_header)
        # Sent after the commit: the count is durable before the first byte leaves.
        return response

    @router.get(PATH, response_class=FileResponse, responses=RESPONSES, summary="Download a file")
    async def download(request: Request, link_token: str) -> FileResponse:
        """Counts one download when the whole file or a range from byte 0 is asked for; a
        range starting later resumes a counted download (409 if none was started).
        404 when the link is unknown, tampered with or revoked; 410 once it has expired or
        (for a new download) has been used `max_downloads` times."""
        return await serve_file(request, link_token, head=False)

    @router.head(PATH, response_class=FileResponse, responses=RESPONSES, summary="Check a file")
    async def check_download(request: Request, link_token: str) -> FileResponse:
        """The same headers and statuses as GET, without counting a download."""
        return await serve_file(request, link_token, head=True)

    return router
