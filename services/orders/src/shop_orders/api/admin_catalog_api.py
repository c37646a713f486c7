"""The admin catalog API (bearer ADMIN_TOKEN): media, their license options, Mark as Final."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Response, status
from fastapi.security import HTTPBearer

from shop_orders.api.catalog_schemas import LicenseAdminRead, LicenseWrite, MediaAdminRead
from shop_orders.api.context import Ctx, require_admin_token
from shop_orders.service import catalog_admin, queries
from shop_platform.errors import error_responses

router = APIRouter(
    prefix="/api/admin",
    tags=["admin catalog"],
    dependencies=[Depends(HTTPBearer(auto_error=False)), Depends(require_admin_token)],
    responses=error_responses(401),
)
NOT_FOUND = error_responses(404)
SAVE_ERRORS = error_responses(404, 422)


@router.get("/media")
async def list_media(ctx: Ctx) -> list[MediaAdminRead]:
    """Every media with every license option (`offered: false` ones are hidden from clients)."""
    async with ctx.transaction() as repos:
        found = await queries.list_all_media(repos)
    return [MediaAdminRead.of(media) for media in found]


@router.get("/media/{media_id}", responses=NOT_FOUND)
async def get_media(ctx: Ctx, media_id: uuid.UUID) -> MediaAdminRead:
    async with ctx.transaction() as repos:
        return MediaAdminRead.of(await catalog_admin.get_media(repos, media_id))


@router.get("/media/{media_id}/licenses", responses=NOT_FOUND)
async def list_licenses(ctx: Ctx, media_id: uuid.UUID) -> list[LicenseAdminRead]:
    async with ctx.transaction() as repos:
        media = await catalog_admin.get_media(repos, media_id)
    return [LicenseAdminRead.of(option, media) for option in media.licenses]


@router.post(
    "/media/{media_id}/licenses", status_code=status.HTTP_201_CREATED, responses=SAVE_ERRORS
)
async def create_license(ctx: Ctx, media_id: uuid.UUID, body: LicenseWrite) -> LicenseAdminRead:
    """Offer a new license option; 422 naming the field for a bad template or an upsize."""
    async with ctx.transaction() as repos:
        option = await catalog_admin.create_license(repos, media_id, body.draft())
        media = await catalog_admin.get_media(repos, media_id)
    return LicenseAdminRead.of(option, media)


@router.put("/licenses/{license_id}", responses=SAVE_ERRORS)
async def update_license(ctx: Ctx, license_id: uuid.UUID, body: LicenseWrite) -> LicenseAdminRead:
    """Change a license option (orders already placed keep what they bought)."""
    async with ctx.transaction() as repos:
        option = await catalog_admin.update_license(repos, license_id, body.draft())
        media = await catalog_admin.get_media(repos, option.media_id)
    return LicenseAdminRead.of(option, media)


@router.delete(
    "/licenses/{license_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND
)
async def delete_license(ctx: Ctx, license_id: uuid.UUID) -> Response:
    async with ctx.transaction() as repos:
        await catalog_admin.delete_license(repos, license_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/media/{media_id}/proof", responses=error_responses(404, 409))
async def mark_media_proof(ctx: Ctx, media_id: uuid.UUID) -> MediaAdminRead:
    """Final -> Proof (a retouched final is coming). 409 when already a Proof."""
    async with ctx.transaction() as repos:
        return MediaAdminRead.of(await catalog_admin.mark_media_proof(repos, media_id))


@router.post("/media/{media_id}/finalize", responses=error_responses(404, 409))
async def finalize_media(ctx: Ctx, media_id: uuid.UUID) -> MediaAdminRead:
    """Proof -> Final: paid orders holding it get the file. 409 when already Final."""
    async with ctx.transaction() as repos:
        return MediaAdminRead.of(await catalog_admin.finalize_media(repos, media_id))
