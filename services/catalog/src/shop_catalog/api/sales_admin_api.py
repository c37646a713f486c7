"""Admin API (bearer: ADMIN_TOKEN or a personal API token): pricing profiles, galleries,
their media, access and free downloads, selections, and the price lists of single media
(CONTRACT.md, "Catalog service"). Reads need CATALOG_READ, changes CATALOG_MANAGE; a
photographer reaches only their own (another's id: 404, or a 422 naming it in a body).

Each call is one transaction: a refused call leaves nothing behind, an accepted one writes
its snapshots and emails (outbox) with the change.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from shop_catalog.api.context import ApiManager, ApiReader, CatalogContext, Ctx
from shop_catalog.api.profile_schemas import ProfileRead, ProfileWrite
from shop_catalog.api.sales_schemas import (
    AllowedEmailWrite,
    FreeDownloadWrite,
    GalleryMediaWrite,
    GalleryRead,
    GalleryWrite,
    MediaProfilesWrite,
    SelectionWrite,
)
from shop_catalog.domain.profiles import Selection
from shop_catalog.service import galleries, profiles, selections
from shop_catalog.service.gallery_access import GalleryKeys
from shop_platform.accounts import Principal
from shop_platform.errors import error_responses
from shop_platform.paging import DEFAULT_PAGE, MAX_CURSOR, MAX_PAGE

NEXT_CURSOR = "pass as `cursor` for the next page; null on the last"
Cursor = Annotated[str | None, Query(max_length=MAX_CURSOR, description="a page's `next_cursor`")]
Limit = Annotated[int | None, Query(ge=1, le=MAX_PAGE, description="a page's size (default 50)")]


class ProfilePage(BaseModel):
    """A page of price lists (`GET /api/admin/pricing-profiles` with `cursor` or `limit`)."""

    profiles: list[ProfileRead]
    next_cursor: str | None = Field(description=NEXT_CURSOR)


class GalleryPage(BaseModel):
    """A page of galleries (`GET /api/admin/galleries` with `cursor` or `limit`)."""

    galleries: list[GalleryRead]
    next_cursor: str | None = Field(description=NEXT_CURSOR)


router = APIRouter(
    prefix="/api/admin",
    tags=["admin: price lists, galleries, selections"],
    responses=error_responses(401, 403, 404, 422),
)


def keys_of(ctx: CatalogContext) -> GalleryKeys:
    return GalleryKeys(ctx.settings.secret_key, ctx.settings.catalog_public_url)


def _now() -> datetime:
    return datetime.now(UTC)


# --- pricing profiles --------------------------------------------------------------------


@router.post("/pricing-profiles", status_code=status.HTTP_201_CREATED)
async def create_profile(ctx: Ctx, who: ApiManager, body: ProfileWrite) -> ProfileRead:
    async with ctx.transaction() as repos:
        profile = await profiles.create_profile(repos, body.draft(), who=who)
    return ProfileRead.of(profile)


@router.get("/pricing-profiles")
async def list_profiles(
    ctx: Ctx, who: ApiReader, cursor: Cursor = None, limit: Limit = None
) -> list[ProfileRead] | ProfilePage:
    """The price lists by name; a photographer's own only. Without `cursor` or `limit` all
    of them (a plain list, as before); with either a page, `{"profiles", "next_cursor"}`
    (`limit` 1..200, default 50; issue 14: keyset paging). A bad cursor is 422."""
    async with ctx.transaction() as repos:
        if cursor is None and limit is None:
            return [ProfileRead.of(p) for p in await profiles.list_profiles(repos, who=who)]
        found = await profiles.page_profiles(
            repos, who=who, cursor=cursor, limit=limit or DEFAULT_PAGE
        )
    return ProfilePage(
        profiles=[ProfileRead.of(p) for p in found.items], next_cursor=found.next_cursor
    )


@router.get("/pricing-profiles/{profile_id}")
async def get_profile(ctx: Ctx, who: ApiReader, profile_id: uuid.UUID) -> ProfileRead:
    async with ctx.transaction() as repos:
        return ProfileRead.of(await profiles.get_profile(repos, profile_id, who=who))


@router.put("/pricing-profiles/{profile_id}")
async def replace_profile(
    ctx: Ctx, who: ApiManager, profile_id: uuid.UUID, body: ProfileWrite
) -> ProfileRead:
    """Future orders only: order lines keep their copy; the media it prices are
    republished. Rows naming their `id` keep it (the license id carts hold)."""
    async with ctx.transaction() as repos:
        profile = await profiles.replace_profile(
            repos, profile_id, body.draft(), who=who, now=_now()
        )
    return ProfileRead.of(profile)


@router.delete(
    "/pricing-profiles/{profile_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(409),
)
async def delete_profile(
    ctx: Ctx, who: ApiManager, profile_id: uuid.UUID, detach: bool = False
) -> Response:
    async with ctx.transaction() as repos:
        await profiles.delete_profile(repos, profile_id, who=who, detach=detach, now=_now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/media/{media_id}/pricing-profiles")
async def set_media_profiles(
    ctx: Ctx, who: ApiManager, media_id: uuid.UUID, body: MediaProfilesWrite
) -> dict[str, Any]:
    async with ctx.transaction() as repos:
        ids = await profiles.set_media_profiles(
            repos, media_id, body.profile_ids, who=who, now=_now()
        )
    return {"media_id": str(media_id), "profile_ids": [str(i) for i in ids]}


@router.get("/media/{media_id}/pricing-profiles")
async def get_media_profiles(ctx: Ctx, who: ApiReader, media_id: uuid.UUID) -> dict[str, Any]:
    async with ctx.transaction() as repos:
        ids = await profiles.media_profile_ids(repos, media_id, who=who)
    return {"media_id": str(media_id), "profile_ids": [str(i) for i in ids]}


# --- galleries ---------------------------------------------------------------------------


@router.post("/galleries", status_code=status.HTTP_201_CREATED)
async def create_gallery(ctx: Ctx, who: ApiManager, body: GalleryWrite) -> GalleryRead:
    async with ctx.transaction() as repos:
        gallery = await galleries.create_gallery(
            repos, body.draft(), who=who, keys=keys_of(ctx), now=_now()
        )
    return GalleryRead.of(gallery, ctx.settings.catalog_public_url)


@router.get("/galleries")
async def list_galleries(
    ctx: Ctx, who: ApiReader, cursor: Cursor = None, limit: Limit = None
) -> list[GalleryRead] | GalleryPage:
    """The galleries in their order (position, title); a photographer's own only. Without
    `cursor` or `limit` all of them (a plain list, as before); with either a page,
    `{"galleries", "next_cursor"}` (`limit` 1..200, default 50; issue 14: keyset paging).
    A bad cursor is 422."""
    public = ctx.settings.catalog_public_url
    async with ctx.transaction() as repos:
        if cursor is None and limit is None:
            found = await galleries.list_galleries(repos, who=who)
            return [GalleryRead.of(g, public) for g in found]
        page = await galleries.page_galleries(
            repos, who=who, cursor=cursor, limit=limit or DEFAULT_PAGE
        )
    return GalleryPage(
        galleries=[GalleryRead.of(g, public) for g in page.items], next_cursor=page.next_cursor
    )


@router.get("/galleries/{gallery_id}")
async def get_gallery(ctx: Ctx, who: ApiReader, gallery_id: uuid.UUID) -> GalleryRead:
    async with ctx.transaction() as repos:
        gallery = await galleries.get_gallery(repos, gallery_id, who=who)
    return GalleryRead.of(gallery, ctx.settings.catalog_public_url)


@router.put("/galleries/{gallery_id}")
async def update_gallery(
    ctx: Ctx, who: ApiManager, gallery_id: uuid.UUID, body: GalleryWrite
) -> GalleryRead:
    """Replace the settings; `password` left out keeps the current one."""
    async with ctx.transaction() as repos:
        gallery = await galleries.update_gallery(
            repos, gallery_id, body.draft(), who=who, keys=keys_of(ctx), now=_now()
        )
    return GalleryRead.of(gallery, ctx.settings.catalog_public_url)


@router.delete("/galleries/{gallery_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_gallery(ctx: Ctx, who: ApiManager, gallery_id: uuid.UUID) -> Response:
    async with ctx.transaction() as repos:
        await galleries.delete_gallery(repos, gallery_id, who=who, now=_now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/galleries/{gallery_id}/media")
async def get_gallery_media(ctx: Ctx, who: ApiReader, gallery_id: uuid.UUID) -> dict[str, Any]:
    async with ctx.transaction() as repos:
        ids = await galleries.gallery_media_ids(repos, gallery_id, who=who)
    return {"gallery_id": str(gallery_id), "media_ids": [str(i) for i in ids]}


@router.put("/galleries/{gallery_id}/media")
async def set_gallery_media(
    ctx: Ctx, who: ApiManager, gallery_id: uuid.UUID, body: GalleryMediaWrite
) -> dict[str, Any]:
    async with ctx.transaction() as repos:
        ids = await galleries.set_gallery_media(
            repos, gallery_id, body.media_ids, who=who, now=_now()
        )
    return {"gallery_id": str(gallery_id), "media_ids": [str(i) for i in ids]}


@router.post("/galleries/{gallery_id}/allowed-emails", status_code=status.HTTP_201_CREATED)
async def add_allowed_email(
    ctx: Ctx, who: ApiManager, gallery_id: uuid.UUID, body: AllowedEmailWrite
) -> GalleryRead:
    """The client gets the gallery's access link by email (once per email)."""
    async with ctx.transaction() as repos:
        gallery = await galleries.add_allowed_email(
            repos, gallery_id, str(body.email), who=who, keys=keys_of(ctx), now=_now()
        )
    return GalleryRead.of(gallery, ctx.settings.catalog_public_url)


@router.post("/galleries/{gallery_id}/free-downloads", status_code=status.HTTP_201_CREATED)
async def grant_free_download(
    ctx: Ctx, who: ApiManager, gallery_id: uuid.UUID, body: FreeDownloadWrite
) -> dict[str, Any]:
    async with ctx.transaction() as repos:
        grant_id = await galleries.grant_free_download(
            repos, gallery_id, str(body.client_email), body.delivery, who=who, now=_now()
        )
    return {"id": str(grant_id), "gallery_id": str(gallery_id), "client_email": body.client_email}


# --- selections --------------------------------------------------------------------------


async def record_selection(
    ctx: CatalogContext, body: SelectionWrite, who: Principal
) -> tuple[Selection, str]:
    """Records the selection and emails its link (the API's and the admin page's): it and
    its URL."""
    async with ctx.transaction() as repos:
        return await selections.create_selection(
            repos,
            title=body.title,
            media_ids=body.media_ids,
            client_email=str(body.client_email),
            message=body.message,
            who=who,
            public_url=ctx.settings.catalog_public_url,
            now=_now(),
        )


@router.post("/selections", status_code=status.HTTP_201_CREATED)
async def create_selection(ctx: Ctx, who: ApiManager, body: SelectionWrite) -> dict[str, Any]:
    selection, url = await record_selection(ctx, body, who)
    return {"id": str(selection.id), "url": url}


def _selection(ctx: CatalogContext, s: Selection) -> dict[str, Any]:
    return {
        "id": str(s.id),
        "title": s.title,
        "client_email": s.client_email,
        "url": selections.selection_url(ctx.settings.catalog_public_url, s.token),
        "photographer": contact.model_dump(mode="json") if (contact := s.owner.contact()) else None,
    }


@router.get("/selections")
async def list_selections(
    ctx: Ctx, who: ApiReader, cursor: Cursor = None, limit: Limit = None
) -> list[dict[str, Any]] | dict[str, Any]:
    """The sent selections, newest first; a photographer's own only. Without `cursor` or
    `limit` all of them (a plain list, as before); with either a page,
    `{"selections", "next_cursor"}` (`limit` 1..200, default 50; issue 14: keyset paging).
    A bad cursor is 422."""
    async with ctx.transaction() as repos:
        if cursor is None and limit is None:
            found = await selections.list_selections(repos, who=who)
            return [_selection(ctx, s) for s in found]
        page = await selections.page_selections(
            repos, who=who, cursor=cursor, limit=limit or DEFAULT_PAGE
        )
    return {
        "selections": [_selection(ctx, s) for s in page.items],
        "next_cursor": page.next_cursor,
    }
