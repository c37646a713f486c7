"""The admin's catalog pages: the media list, and one media with its license options
(create, edit, delete) and its **Mark as Final** button. Every form carries the CSRF token.

The license forms post to the media page's own address (`POST /admin/media/{id}`, with the
option's `license_id`, empty for a new one): a refused form is shown again where the page
is, what was typed kept and a sentence next to each wrong field, never at an address the
browser cannot open again.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from shop_orders.api.admin_web import checked_form, login_redirect, not_found, page, redirect
from shop_orders.api.catalog_schemas import LicenseWrite, MediaAdminRead
from shop_orders.api.context import Ctx, WebContext
from shop_orders.api.license_form import license_body, license_errors, license_forms
from shop_orders.domain.errors import (
    CatalogItemNotFoundError,
    FieldError,
    IllegalTransitionError,
)
from shop_orders.service import catalog_admin, queries

router = APIRouter(prefix="/admin", include_in_schema=False)

MESSAGES = {
    "created": "License option created.",
    "saved": "License option saved.",
    "deleted": "License option deleted.",
    "finalized": "Marked as Final: paid orders holding this file will receive it.",
}
NOT_SAVED = "Not saved: please check the fields marked below."


async def render_media(
    request: Request, ctx: WebContext, media_id: uuid.UUID, **extra: Any
) -> Response:
    try:
        async with ctx.transaction() as repos:
            media = await catalog_admin.get_media(repos, media_id)
    except CatalogItemNotFoundError:
        return await not_found(request, ctx, "No such media.")
    code = int(extra.pop("code", 200))
    read = MediaAdminRead.of(media)
    typed: dict[str, str] | None = extra.pop("typed", None)
    edits, new = license_forms(read, ctx.settings.currency, typed)
    context = {
        "media": read,
        "edits": edits,
        "new": new,
        "currency": ctx.settings.currency,
        "message": MESSAGES.get(str(extra.pop("done", ""))),
        "error": None,
        "errors": {},
        "refused_form": typed.get("license_id", "") if typed else None,
        **extra,
    }
    return await page(request, ctx, "admin_media.html", context, code, nav="media")


@router.get("/media")
async def media_list_page(request: Request, ctx: Ctx) -> Response:
    if (to_login := await login_redirect(request, ctx)) is not None:
        return to_login
    async with ctx.transaction() as repos:
        found = await queries.list_all_media(repos)
    media = [MediaAdminRead.of(m) for m in found]
    return await page(request, ctx, "admin_media_list.html", {"media": media}, nav="media")


@router.get("/media/{media_id}")
async def media_page(request: Request, ctx: Ctx, media_id: uuid.UUID, done: str = "") -> Response:
    if (to_login := await login_redirect(request, ctx)) is not None:
        return to_login
    return await render_media(request, ctx, media_id, done=done)


def _license_id(form: FormData) -> uuid.UUID | None:
    """The option the form edits; None for a new one."""
    value = form.get("license_id")
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise CatalogItemNotFoundError(f"no license option {value!r}") from None


async def _save(
    ctx: WebContext, media_id: uuid.UUID, license_id: uuid.UUID | None, body: dict[str, Any]
) -> None:
    draft = LicenseWrite.model_validate(body).draft()
    async with ctx.transaction() as repos:
        if license_id is None:
            await catalog_admin.create_license(repos, media_id, draft)
            return
        if await queries.media_of_license(repos, license_id) != media_id:
            raise CatalogItemNotFoundError(f"no license {license_id} on media {media_id}")
        await catalog_admin.update_license(repos, license_id, draft)


@router.post("/media/{media_id}")
async def save_license(request: Request, ctx: Ctx, media_id: uuid.UUID) -> Response:
    """Create or update a license option of this media from its form."""
    if (to_login := await login_redirect(request, ctx)) is not None:
        return to_login
    form = await checked_form(request, ctx)
    try:
        license_id = _license_id(form)
        await _save(ctx, media_id, license_id, license_body(form, ctx.settings.currency))
    except (ValidationError, FieldError) as exc:
        typed = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        typed["license_id"] = str(form.get("license_id") or "")
        errors = license_errors(exc)
        return await render_media(
            request, ctx, media_id, error=NOT_SAVED, errors=errors, typed=typed, code=422
        )
    except CatalogItemNotFoundError:
        return await not_found(request, ctx, "No such media or license option.")
    done = "created" if license_id is None else "saved"
    return redirect(f"/admin/media/{media_id}?done={done}")


@router.post("/licenses/{license_id}/delete")
async def delete_license(request: Request, ctx: Ctx, license_id: uuid.UUID) -> Response:
    if (to_login := await login_redirect(request, ctx)) is not None:
        return to_login
    await checked_form(request, ctx)
    try:
        async with ctx.transaction() as repos:
            media_id = await catalog_admin.delete_license(repos, license_id)
    except CatalogItemNotFoundError:
        return await not_found(request, ctx, "No such license option.")
    return redirect(f"/admin/media/{media_id}?done=deleted")


@router.post("/media/{media_id}/finalize")
async def finalize(request: Request, ctx: Ctx, media_id: uuid.UUID) -> Response:
    if (to_login := await login_redirect(request, ctx)) is not None:
        return to_login
    await checked_form(request, ctx)
    try:
        async with ctx.transaction() as repos:
            await catalog_admin.finalize_media(repos, media_id)
    except CatalogItemNotFoundError:
        return await not_found(request, ctx, "No such media.")
    except IllegalTransitionError as exc:
        return await render_media(request, ctx, media_id, error=exc.reason, code=409)
    return redirect(f"/admin/media/{media_id}?done=finalized")
