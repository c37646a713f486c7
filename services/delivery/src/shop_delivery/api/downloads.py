"""GET /downloads/{link_token}: the file, counted atomically. HEAD answers alike, counts nothing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse

from shop_delivery.bootstrap import Container
from shop_delivery.domain.files import content_disposition
from shop_delivery.service.downloads import DownloadMode, open_download
from shop_platform.errors import error_responses

PATH = "/downloads/{link_token}"
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the file, with Content-Disposition naming it",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    },
    **error_responses(404, 410),
}


def downloads_router(container: Container) -> APIRouter:
    router = APIRouter(tags=["downloads"])

    async def serve_file(link_token: str, mode: DownloadMode) -> FileResponse:
        async with container.sessions.begin() as session:
            found = await open_download(session, container.ctx, link_token, mode)
        # Sent after the commit: the count is durable before the first byte leaves.
        return FileResponse(
            found.path,
            media_type=found.mime_type,
            headers={
                "Content-Disposition": content_disposition(found.file_name),
                "Cache-Control": "private, no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @router.get(PATH, response_class=FileResponse, responses=RESPONSES, summary="Download a file")
    async def download(link_token: str) -> FileResponse:
        """Counts one download. 404 when the link is unknown, tampered with or revoked;
        410 once it has expired or has been used `max_downloads` times."""
        return await serve_file(link_token, DownloadMode.COUNT)

    @router.head(PATH, response_class=FileResponse, responses=RESPONSES, summary="Check a file")
    async def check_download(link_token: str) -> FileResponse:
        """The same headers and statuses as GET, without counting a download."""
        return await serve_file(link_token, DownloadMode.CHECK)

    return router
