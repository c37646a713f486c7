"""Previews for everyone (storefront, admin): thumbnails, watermarked large previews, video
posters and clips. Originals are never served; withdrawn or unknown media -> 404."""

# No `from __future__ import annotations`: FastAPI must resolve the `Ctx` alias.
import uuid
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import FileResponse

from shop_catalog.api.context import Ctx
from shop_catalog.service.media_previews import preview_file
from shop_platform.errors import error_responses

router = APIRouter(tags=["previews"])

MEDIA_TYPES = {"jpg": "image/jpeg", "mp4": "video/mp4"}


@router.get(
    "/previews/{media_id}/{name}",
    response_class=FileResponse,
    responses={
        200: {"content": {"image/jpeg": {}, "video/mp4": {}}},
        **error_responses(404, 422),
    },
)
async def preview(
    ctx: Ctx,
    media_id: uuid.UUID,
    name: Literal["thumb.jpg", "large.jpg", "poster.jpg", "clip.mp4"],
    v: int | None = None,
) -> FileResponse:
    """`?v=<file_revision>` (as the preview URLs carry it) lets browsers keep it."""
    path, revision, watermarked = await preview_file(ctx.media_library, media_id, name)
    if v is not None and v != revision:  # a page made before the file was replaced
        cache = "no-cache"
    elif v is not None and not watermarked:
        cache = "public, max-age=31536000, immutable"
    else:  # the watermark may change: browsers ask again after a while
        cache = "public, max-age=600"
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[name.rsplit(".", 1)[1]],
        headers={"Cache-Control": cache, "Content-Disposition": "inline"},
    )
