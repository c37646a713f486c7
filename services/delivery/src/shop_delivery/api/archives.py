"""GET /orders/{order_id}/archive/{part}?token=: "Download all", streamed as a ZIP.

Entries are stored (no compression: photos and clips are compressed already), so
zipstream-ng knows the archive's exact size before sending it (`Content-Length`), and the
archive is streamed from the files as it is sent: never built in memory or on disk.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response, StreamingResponse
from zipstream import ZIP_STORED, ZipStream

from shop_delivery.api.context import Ctx
from shop_delivery.domain.files import content_disposition
from shop_delivery.service.archives import LICENSE_NAME, Archive, open_archive
from shop_delivery.service.refresh import with_fresh_files
from shop_platform.errors import error_responses

ARCHIVE_PATH = "/orders/{order_id}/archive/{part}"
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "a ZIP archive of the order's files, LICENSE.txt and terms",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    },
    **error_responses(404, 410, 422),
}
Part = Annotated[int, Path(ge=1, le=10_000, description="1-based archive number")]
Token = Annotated[str | None, Query(description="the order's access token")]


def build_zip(archive: Archive) -> ZipStream:
    """A lazily read, sized ZIP of the archive's files plus LICENSE.txt."""
    zs = ZipStream(compress_type=ZIP_STORED, sized=True)
    for path, name in archive.entries:
        zs.add_path(str(path), name)
    zs.add(archive.license_text.encode(), LICENSE_NAME)
    return zs


router = APIRouter(tags=["downloads"])


async def serve(
    ctx: Ctx, order_id: uuid.UUID, part: int, token: str | None, *, head: bool
) -> Response:
    async def opened() -> Archive:
        async with ctx.transaction() as repos:
            return await open_archive(repos, ctx.service, order_id, token, part, head=head)

    archive = await with_fresh_files(ctx.transaction, ctx.service, opened)
    zs = build_zip(archive)
    headers = {
        "Content-Disposition": content_disposition(archive.file_name),
        "Content-Length": str(len(zs)),
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if head:
        return Response(headers=headers, media_type="application/zip")
    # A sync iterator: Starlette reads it in a worker thread, chunk by chunk.
    return StreamingResponse(zs, headers=headers, media_type="application/zip")


@router.get(ARCHIVE_PATH, responses=RESPONSES, summary="Download all (ZIP)")
async def download_archive(
    ctx: Ctx, order_id: uuid.UUID, part: Part, token: Token = None
) -> Response:
    """Archive `part` of the order: its files whose links still allow a download (one
    download counted on each), LICENSE.txt and the terms PDF. 404 with a wrong token or
    once cancelled; 410 when every link of the archive has expired or been used up."""
    return await serve(ctx, order_id, part, token, head=False)


@router.head(ARCHIVE_PATH, responses=RESPONSES, summary="Check an archive")
async def check_archive(ctx: Ctx, order_id: uuid.UUID, part: Part, token: Token = None) -> Response:
    """The same headers (size included) as GET, counting nothing."""
    return await serve(ctx, order_id, part, token, head=True)
