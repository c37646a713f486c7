"""The admin's gallery and selection pages (admin session cookie from the orders login;
every form carries the CSRF token, and a cookie-authenticated POST needs our Origin).
CATALOG_READ to look, CATALOG_MANAGE to change; a photographer sees only their own.

- `/admin/galleries`: the list; `/admin/galleries/new` and `/admin/galleries/{id}`: one form
  for the settings (visibility, password, allowed emails, price lists, whole price) and the
  media picker (checkboxes over the library, with their order); a free-download form.
- `/admin/selections`: the sent selections and the form that sends a new one.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from shop_catalog.api.context import CatalogContext, Ctx, PageManager, PageReader
from shop_catalog.api.sales_admin_api import keys_of, record_selection
from shop_catalog.api.sales_page_helpers import (
    admin_page,
    amount_of,
    checked_form,
    int_of,
    page_currency,
    refusal,
    save_form,
    see_other,
    text_of,
)
from shop_catalog.api.sales_schemas import FreeDownloadWrite, GalleryWrite, SelectionWrite
from shop_catalog.domain.sales import FieldError, Gallery
from shop_catalog.service import galleries, profiles, selections
from shop_contracts.common import DeliverySpec
from shop_platform.accounts import Permission, Principal

router = APIRouter(prefix="/admin", include_in_schema=False)
FLASH = {
    "created": "Gallery created.",
    "saved": "Gallery saved.",
    "deleted": "Gallery deleted.",
    "granted": "Free download authorized: the client will receive the links by email.",
}


def _now() -> datetime:
    return datetime.now(UTC)


def _ids(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


def _typed(form: FormData) -> dict[str, Any]:
    """What was typed, to show the refused form again (never the password)."""
    typed: dict[str, Any] = {
        k: v for k, v in form.items() if isinstance(v, str) and k not in ("csrf", "password")
    }
    typed["media_id"] = set(_ids(form, "media_id"))
    typed["profile_id"] = set(_ids(form, "profile_id"))
    return typed


def _picked_media(form: FormData) -> list[uuid.UUID]:
    """Checked media, in the order typed beside them (then the page's order)."""
    picked = []
    for index, value in enumerate(_ids(form, "media_id")):
        try:
            media_id = uuid.UUID(value)
        except ValueError:
            raise FieldError("media_ids", f"no media {value!r}") from None
        position = int_of(form, f"pos_{media_id}")
        picked.append((position if position is not None else 10**9, index, media_id))
    return [media_id for _, _, media_id in sorted(picked)]


def _gallery_body(form: FormData, currency: str) -> GalleryWrite:
    emails = [e.strip() for e in text_of(form, "allowed_emails").splitlines() if e.strip()]
    return GalleryWrite.model_validate(
        {
            "title": text_of(form, "title"),
            "description": text_of(form, "description") or None,
            "visibility": text_of(form, "visibility") or "public",
            "password": text_of(form, "password") or None,
            "allowed_emails": emails,
            "pricing_profile_ids": _ids(form, "profile_id"),
            "whole_gallery_price": amount_of(form, "whole_gallery_price", currency),
            "position": int_of(form, "position") or 0,
            "cover_media_id": text_of(form, "cover_media_id") or None,
        }
    )


async def _form_page(
    request: Request,
    ctx: CatalogContext,
    gallery: Gallery | None,
    *,
    who: Principal,
    typed: dict[str, Any] | None = None,
    error: str | None = None,
    flash: str | None = None,
    status_code: int = 200,
) -> Response:
    # the media it may hold: a photographer's gallery, only theirs
    photographer = who.photographer_scope or (gallery.owner.photographer_id if gallery else None)
    async with ctx.transaction() as repos:
        library = await repos.sales.library(photographer)
        price_lists = await profiles.list_profiles(repos, who=who)
        members = await repos.sales.gallery_media_ids(gallery.id) if gallery else []
    positions = {m: i + 1 for i, m in enumerate(members)}
    library.sort(key=lambda m: (positions.get(m.id, 10**9), m.title))
    return await admin_page(
        request,
        ctx,
        "admin_gallery",
        nav="galleries",
        status_code=status_code,
        gallery=gallery,
        typed=typed or {},
        library=library,
        positions=positions,
        profiles=price_lists,
        can_manage=who.can(Permission.CATALOG_MANAGE),
        error=error,
        flash=flash,
        storefront=ctx.settings.catalog_public_url.rstrip("/"),
    )


@router.get("/galleries")
async def galleries_page(request: Request, ctx: Ctx, who: PageReader, done: str = "") -> Response:
    async with ctx.transaction() as repos:
        found = await galleries.list_galleries(repos, who=who)
    return await admin_page(
        request,
        ctx,
        "admin_galleries",
        nav="galleries",
        galleries=found,
        flash=FLASH.get(done),
        can_manage=who.can(Permission.CATALOG_MANAGE),
        show_photographer=who.photographer_scope is None,
    )


@router.get("/galleries/new")
async def new_gallery_page(request: Request, ctx: Ctx, who: PageManager) -> Response:
    return await _form_page(request, ctx, None, who=who)


@router.get("/galleries/{gallery_id}")
async def gallery_page(
    request: Request, ctx: Ctx, who: PageReader, gallery_id: uuid.UUID, done: str = ""
) -> Response:
    async with ctx.transaction() as repos:
        gallery = await galleries.get_gallery(repos, gallery_id, who=who)
    return await _form_page(request, ctx, gallery, who=who, flash=FLASH.get(done))


async def _save(
    request: Request, ctx: CatalogContext, gallery_id: uuid.UUID | None, who: Principal
) -> Response:
    async def write(form: FormData) -> uuid.UUID:
        body = _gallery_body(form, await page_currency(ctx))
        picked = _picked_media(form)
        async with ctx.transaction() as repos:
            if gallery_id is None:
                saved = await galleries.create_gallery(
                    repos, body.draft(), who=who, keys=keys_of(ctx), now=_now()
                )
            else:
                saved = await galleries.update_gallery(
                    repos, gallery_id, body.draft(), who=who, keys=keys_of(ctx), now=_now()
                )
            await galleries.set_gallery_media(repos, saved.id, picked, who=who, now=_now())
        return saved.id

    async def refused(form: FormData, error: str) -> Response:
        current = None
        if gallery_id is not None:  # the form goes on editing it
            async with ctx.transaction() as repos:
                current = await galleries.get_gallery(repos, gallery_id, who=who)
        typed = _typed(form)
        return await _form_page(
            request, ctx, current, who=who, typed=typed, error=error, status_code=422
        )

    path = "/admin/galleries"
    return await save_form(request, ctx, path, gallery_id, write=write, refused=refused)


@router.post("/galleries/new")
async def create_gallery(request: Request, ctx: Ctx, who: PageManager) -> Response:
    return await _save(request, ctx, None, who)


@router.post("/galleries/{gallery_id}")
async def save_gallery(
    request: Request, ctx: Ctx, who: PageManager, gallery_id: uuid.UUID
) -> Response:
    return await _save(request, ctx, gallery_id, who)


@router.post("/galleries/{gallery_id}/delete")
async def delete_gallery(
    request: Request, ctx: Ctx, who: PageManager, gallery_id: uuid.UUID
) -> Response:
    await checked_form(request, ctx)
    async with ctx.transaction() as repos:
        await galleries.delete_gallery(repos, gallery_id, who=who, now=_now())
    return see_other("/admin/galleries?done=deleted")


@router.post("/galleries/{gallery_id}/free-downloads")
async def grant_free_download(
    request: Request, ctx: Ctx, who: PageManager, gallery_id: uuid.UUID
) -> Response:
    form = await checked_form(request, ctx)
    try:
        limits = {
            "link_expiry_days": int_of(form, "link_expiry_days"),
            "max_downloads": int_of(form, "max_downloads"),
        }
        body = FreeDownloadWrite.model_validate(
            {
                "client_email": text_of(form, "client_email"),
                "delivery": DeliverySpec.model_validate(
                    {k: v for k, v in limits.items() if v is not None}
                ),
            }
        )
        async with ctx.transaction() as repos:
            await galleries.grant_free_download(
                repos, gallery_id, str(body.client_email), body.delivery, who=who, now=_now()
            )
    except (FieldError, ValidationError) as exc:
        async with ctx.transaction() as repos:
            gallery = await galleries.get_gallery(repos, gallery_id, who=who)
        return await _form_page(request, ctx, gallery, who=who, error=refusal(exc), status_code=422)
    return see_other(f"/admin/galleries/{gallery_id}?done=granted")


# --- selections --------------------------------------------------------------------------


async def _selections_page(
    request: Request,
    ctx: CatalogContext,
    *,
    who: Principal,
    typed: dict[str, Any] | None = None,
    error: str | None = None,
    sent: str | None = None,
    status_code: int = 200,
) -> Response:
    async with ctx.transaction() as repos:
        found = await selections.list_selections(repos, who=who)
        library = await repos.sales.library(who.photographer_scope)
    base = ctx.settings.catalog_public_url
    return await admin_page(
        request,
        ctx,
        "admin_selections",
        nav="selections",
        status_code=status_code,
        selections=[(s, selections.selection_url(base, s.token)) for s in found],
        library=library,
        typed=typed or {},
        error=error,
        sent=sent,
        can_manage=who.can(Permission.CATALOG_MANAGE),
        show_photographer=who.photographer_scope is None,
    )


@router.get("/selections")
async def selections_page(request: Request, ctx: Ctx, who: PageReader, sent: str = "") -> Response:
    return await _selections_page(request, ctx, who=who, sent=sent or None)


@router.post("/selections")
async def send_selection(request: Request, ctx: Ctx, who: PageManager) -> Response:
    form = await checked_form(request, ctx)
    typed = _typed(form)
    try:
        body = SelectionWrite.model_validate(
            {
                "title": text_of(form, "title"),
                "client_email": text_of(form, "client_email"),
                "message": text_of(form, "message") or None,
                "media_ids": _ids(form, "media_id"),
            }
        )
        _, url = await record_selection(ctx, body, who)
    except (FieldError, ValidationError) as exc:
        return await _selections_page(
            request, ctx, who=who, typed=typed, error=refusal(exc), status_code=422
        )
    return see_other(f"/admin/selections?sent={quote(url, safe='')}")
