"""The media library's admin API (bearer: ADMIN_TOKEN or a personal API token): upload,
list, read, edit, replace the file, delete (CATALOG_READ / CATALOG_MANAGE; a photographer
reaches only their own media); the catalog settings (watermark, "offer only Final":
SETTINGS)."""

# No `from __future__ import annotations`: FastAPI must resolve the `Ctx` alias.
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from shop_catalog.api.context import ApiManager as Manager
from shop_catalog.api.context import ApiReader as Reader
from shop_catalog.api.context import CatalogContext, Ctx
from shop_catalog.api.media_multipart import read_upload_form
from shop_catalog.api.media_schemas import (
    CatalogSettingsRead,
    CatalogSettingsUpdate,
    MediaList,
    MediaPatch,
    MediaRead,
)
from shop_catalog.service import media_library as library
from shop_catalog.service.media_settings import (
    MAX_LOGO_BYTES,
    current_settings,
    set_watermark_logo,
    update_settings,
)
from shop_catalog.service.media_staging import staging_dir
from shop_platform.accounts import Permission
from shop_platform.auth import require_api
from shop_platform.errors import error_responses

UPLOAD_BODY: dict[int | str, dict[str, Any]] = {}
MULTIPART_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "title": {"type": "string"},
                    },
                    "required": ["file"],
                }
            }
        },
    }
}


SETTINGS = [Depends(require_api(Permission.SETTINGS))]

router = APIRouter(prefix="/api/admin", tags=["media library"])


def _read(ctx: CatalogContext, media: Any) -> MediaRead:
    return MediaRead.of(media, ctx.settings.catalog_public_url)


@router.post(
    "/media",
    status_code=201,
    response_model=MediaRead,
    responses=error_responses(401, 403, 409, 413, 415, 422),
    openapi_extra=MULTIPART_DOC,
)
async def upload_media(request: Request, ctx: Ctx, who: Manager) -> MediaRead:
    """Multipart `file` (+ optional `title`): the type is read from the content (JPEG, TIFF,
    PNG, WebP, HEIC; MP4, MOV), the metadata from EXIF/IPTC/XMP; nothing kept on error.
    A photographer's upload is theirs (credit: their name when the file has none)."""
    lib = ctx.media_library
    form = await read_upload_form(
        request, folder=staging_dir(lib.store), max_file_bytes=lib.max_upload_bytes
    )
    try:
        staged = form.one_file("file")
        media = await library.upload_media(lib, staged, who=who, title=form.fields.get("title"))
    finally:
        form.discard()
    return _read(ctx, media)


@router.get("/media", response_model=MediaList, responses=error_responses(401, 403, 422))
async def list_media(
    ctx: Ctx,
    who: Reader,
    q: Annotated[str | None, Query(max_length=200, description="title or keyword")] = None,
    cursor: Annotated[str | None, Query(max_length=300)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = library.PAGE_SIZE,
) -> MediaList:
    """The library, newest first (withdrawn media left out), a page at a time (follow
    `next_cursor` to the end: no cap); `q` searches titles and keywords. A photographer
    sees only their own."""
    found, next_cursor = await library.list_media(
        ctx.media_library, who=who, q=q, cursor=cursor, limit=limit
    )
    return MediaList(media=[_read(ctx, m) for m in found], next_cursor=next_cursor)


@router.get(
    "/media/{media_id}", response_model=MediaRead, responses=error_responses(401, 403, 404, 422)
)
async def read_media(ctx: Ctx, who: Reader, media_id: uuid.UUID) -> MediaRead:
    return _read(ctx, await library.get_media(ctx.media_library, media_id, who=who))


@router.patch(
    "/media/{media_id}",
    response_model=MediaRead,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def edit_media(ctx: Ctx, who: Manager, media_id: uuid.UUID, body: MediaPatch) -> MediaRead:
    """Title, caption, keywords, state (Proof -> Final publishes `media.finalized`)."""
    edited = await library.edit_media(ctx.media_library, media_id, body.edit(), who=who)
    return _read(ctx, edited)


@router.delete(
    "/media/{media_id}", status_code=204, responses=error_responses(401, 403, 404, 409, 422)
)
async def delete_media(ctx: Ctx, who: Manager, media_id: uuid.UUID) -> Response:
    """Withdrawn from sale (kept for re-issued links); 409 while an unfinished order uses it."""
    await library.delete_media(ctx.media_library, media_id, who=who)
    return Response(status_code=204)


@router.put(
    "/media/{media_id}/file",
    response_model=MediaRead,
    responses=error_responses(401, 403, 404, 409, 413, 415, 422),
    openapi_extra=MULTIPART_DOC,
)
async def replace_media_file(
    request: Request, ctx: Ctx, who: Manager, media_id: uuid.UUID
) -> MediaRead:
    """A new original of the same type: same id and key, `file_revision` + 1, previews
    made again, `catalog.media_file_replaced` published."""
    lib = ctx.media_library
    await library.get_media(lib, media_id, who=who)  # 404 before reading a large body
    form = await read_upload_form(
        request, folder=staging_dir(lib.store), max_file_bytes=lib.max_upload_bytes
    )
    try:
        media = await library.replace_media_file(lib, media_id, form.one_file("file"), who=who)
    finally:
        form.discard()
    return _read(ctx, media)


@router.get(
    "/catalog-settings",
    response_model=CatalogSettingsRead,
    responses=error_responses(401, 403),
    dependencies=SETTINGS,
)
async def get_catalog_settings(ctx: Ctx) -> CatalogSettingsRead:
    return CatalogSettingsRead.of(await current_settings(ctx.media_library))


@router.put(
    "/catalog-settings",
    response_model=CatalogSettingsRead,
    responses=error_responses(401, 403, 422),
    dependencies=SETTINGS,
)
async def put_catalog_settings(ctx: Ctx, body: CatalogSettingsUpdate) -> CatalogSettingsRead:
    lib = ctx.media_library
    current = await current_settings(lib)
    return CatalogSettingsRead.of(await update_settings(lib, body.apply_to(current)))


@router.post(
    "/catalog-settings/watermark-logo",
    response_model=CatalogSettingsRead,
    responses=error_responses(401, 403, 413, 422),
    openapi_extra=MULTIPART_DOC,
    dependencies=SETTINGS,
)
async def upload_watermark_logo(request: Request, ctx: Ctx) -> CatalogSettingsRead:
    """Multipart `file`: a PNG logo (transparency kept) becomes the watermark."""
    lib = ctx.media_library
    form = await read_upload_form(
        request, folder=staging_dir(lib.store), max_file_bytes=MAX_LOGO_BYTES
    )
    try:
        saved = await set_watermark_logo(lib, form.one_file("file"))
    finally:
        form.discard()
    return CatalogSettingsRead.of(saved)
