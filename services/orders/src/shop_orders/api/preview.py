"""`GET /media/{id}/preview`: a ~400 px JPEG of a catalog image, rendered once and cached."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from shop_media.errors import MediaError
from shop_media.spec import DeliverySpec
from shop_orders.api.context import Ctx
from shop_orders.service import queries
from shop_platform.errors import NotFoundError, error_responses

PREVIEW = DeliverySpec(mode="long_edge", long_edge=400, format="jpeg", quality=80)

router = APIRouter(tags=["storefront"])


@router.get(
    "/media/{media_id}/preview",
    response_class=FileResponse,
    responses={200: {"content": {"image/jpeg": {}}}, **error_responses(404)},
)
async def preview(ctx: Ctx, media_id: uuid.UUID) -> FileResponse:
    """A small JPEG of an image of the catalog (videos have none)."""
    async with ctx.transaction() as repos:
        found = await queries.find_media(repos, media_id)
    if found is None or found.kind != "image":
        raise NotFoundError(f"no image preview for media {media_id}")
    dest = ctx.preview_dir / f"{found.id}-{PREVIEW.key()}.jpg"
    if not dest.is_file():
        try:
            src = ctx.media_store.path_for(found.media_key)
            await asyncio.to_thread(_render, src, dest)
        except (MediaError, OSError) as exc:
            raise NotFoundError(f"the original of media {media_id} is unavailable") from exc
    return FileResponse(
        dest, media_type="image/jpeg", headers={"Cache-Control": "public, max-age=86400"}
    )


def _render(src: Path, dest: Path) -> None:
    from shop_media.render import render_image  # libvips: loaded once a preview is asked for

    dest.parent.mkdir(parents=True, exist_ok=True)
    render_image(src, dest, PREVIEW)
