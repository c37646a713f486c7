"""The admin's catalog pages: the media list, and one media with its license options
(create, edit, delete) and its **Mark as Final** button. Every form carries the CSRF token."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from shop_contracts.money import currency_exponent
from shop_orders.api.admin_web import checked_form, login_redirect, not_found, page, redirect
from shop_orders.api.catalog_schemas import LicenseAdminRead, LicenseWrite, MediaAdminRead
from shop_orders.api.context import Ctx, WebContext
from shop_orders.domain.errors import (
    CatalogItemNotFoundError,
    FieldError,
    IllegalTransitionError,
)
from shop_orders.service import catalog_admin, queries

router = APIRouter(prefix="/admin", include_in_schema=False)

SPEC_FIELDS = (
    "mode",
    "long_edge",
    "width",
    "height",
    "megabytes",
    "format",
    "quality",
    "video_max_height",
    "file_name_template",
    "link_expiry_days",
    "max_downloads",
)
MESSAGES = {
    "created": "License option created.",
    "saved": "License option saved.",
    "deleted": "License option deleted.",
    "finalized": "Marked as Final: paid orders holding this file will receive it.",
}


def price_in_minor_units(value: str, currency: str) -> int | str:
    """`"25.00"` EUR -> 2500; anything else is returned as typed for pydantic to refuse."""
    try:
        minor = Decimal(value.strip()) * 10 ** currency_exponent(currency)
    except (InvalidOperation, ValueError):
        return value
    return int(minor) if minor.is_finite() and minor == minor.to_integral_value() else value


def number_or_text(value: str) -> int | float | str:
    """A form field as the JSON API would get it: `"1024"` -> 1024, `"2.5"` -> 2.5."""
    for parse in (int, float):
        try:
            return parse(value)
        except ValueError:
            continue
    return value


def license_body(form: FormData, currency: str) -> dict[str, Any]:
    """The JSON body the API would receive for this form (blank fields left out)."""

    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    delivery = {name: number_or_text(text(name)) for name in SPEC_FIELDS if text(name)}
    return {
        "name": text("name"),
        "price": price_in_minor_units(text("price"), currency),
        "delivery": delivery,
        "usage_terms": text("usage_terms") or None,
    }


def amount(minor: int, currency: str) -> str:
    """2500 EUR -> "25.00" (what the price field shows)."""
    exponent = currency_exponent(currency)
    return f"{Decimal(minor) / 10**exponent:.{exponent}f}"


def form_values(option: LicenseAdminRead | None, currency: str) -> dict[str, str]:
    """A license form's field values: the option's, or the defaults of a new one."""
    if option is None:
        return {"mode": "original", "format": "same", "quality": "90"}
    values = {name: str(value) for name, value in option.delivery.items() if value is not None}
    values.update(
        name=option.name,
        price=amount(option.price, currency),
        usage_terms=option.usage_terms or "",
    )
    return values


def license_forms(
    media: MediaAdminRead, currency: str, typed: dict[str, str] | None
) -> tuple[list[tuple[LicenseAdminRead, dict[str, str]]], dict[str, str]]:
    """Each option's form values and the new-option form's; a refused form keeps what was typed."""
    edits = []
    for option in media.licenses:
        values = form_values(option, currency)
        if typed and typed.get("license_id") == str(option.id):
            values = typed
        edits.append((option, values))
    new = typed if typed and not typed.get("license_id") else form_values(None, currency)
    return edits, new


async def render_media(
    request: Request, ctx: WebContext, media_id: uuid.UUID, **extra: Any
) -> Response:
    try:
        async with ctx.transaction() as repos:
            media = await catalog_admin.get_media(repos, media_id)
    except CatalogItemNotFoundError:
        return not_found(request, ctx, "No such media.")
    code = int(extra.pop("code", 200))
    read = MediaAdminRead.of(media)
    edits, new = license_forms(read, ctx.settings.currency, extra.pop("typed", None))
    context = {
        "media": read,
        "edits": edits,
        "new": new,
        "currency": ctx.settings.currency,
        "message": MESSAGES.get(str(extra.pop("done", ""))),
        "error": None,
        **extra,
    }
    return page(request, ctx, "admin_media.html", context, code)


@router.get("/media")
async def media_list_page(request: Request, ctx: Ctx) -> Response:
    if (to_login := await login_redirect(request, ctx)) is not None:
        return to_login
    async with ctx.transaction() as repos:
        found = await queries.list_all_media(repos)
    media = [MediaAdminRead.of(m) for m in found]
    return page(request, ctx, "admin_media_list.html", {"media": media})


@router.get("/media/{media_id}")
async def media_page(request: Request, ctx: Ctx, media_id: uuid.UUID, done: str = "") -> Response:
    if (to_login := await login_redirect(request, ctx)) is not None:
        return to_login
    return await render_media(request, ctx, media_id, done=done)


def _problems(exc: ValidationError | FieldError) -> str:
    if isinstance(exc, FieldError):
        return f"{exc.field}: {exc.message}"
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())


async def _save_license(
    request: Request, ctx: WebContext, media_id: uuid.UUID, license_id: uuid.UUID | None
) -> Response:
    """Create (no `license_id`) or update an option from the form; 422 shows the page again."""
    form = await checked_form(request, ctx)
    body = license_body(form, ctx.settings.currency)
    try:
        draft = LicenseWrite.model_validate(body).draft()
        async with ctx.transaction() as repos:
            if license_id is None:
                await catalog_admin.create_license(repos, media_id, draft)
            else:
                await catalog_admin.update_license(repos, license_id, draft)
    except (ValidationError, FieldError) as exc:
        typed = {
            **{k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"},
            "license_id": str(license_id or ""),
        }
        error = f"Not saved. {_problems(exc)}"
        return await render_media(request, ctx, media_id, error=error, typed=typed, code=422)
    except CatalogItemNotFoundError:
        return not_found(request, ctx, "No such media or license option.")
    done = "created" if license_id is None else "saved"
    return redirect(f"/admin/media/{media_id}?done={done}")


@router.post("/media/{media_id}/licenses")
async def create_license(request: Request, ctx: Ctx, media_id: uuid.UUID) -> Response:
    if (to_login := await login_redirect(request, ctx)) is not None:
        return to_login
    return await _save_license(request, ctx, media_id, None)


async def _media_of_license(ctx: WebContext, license_id: uuid.UUID) -> uuid.UUID | None:
    async with ctx.transaction() as repos:
        return await queries.media_of_license(repos, license_id)


@router.post("/licenses/{license_id}")
async def update_license(request: Request, ctx: Ctx, license_id: uuid.UUID) -> Response:
    if (to_login := await login_redirect(request, ctx)) is not None:
        return to_login
    media_id = await _media_of_license(ctx, license_id)
    if media_id is None:
        return not_found(request, ctx, "No such license option.")
    return await _save_license(request, ctx, media_id, license_id)


@router.post("/licenses/{license_id}/delete")
async def delete_license(request: Request, ctx: Ctx, license_id: uuid.UUID) -> Response:
    if (to_login := await login_redirect(request, ctx)) is not None:
        return to_login
    await checked_form(request, ctx)
    try:
        async with ctx.transaction() as repos:
            media_id = await catalog_admin.delete_license(repos, license_id)
    except CatalogItemNotFoundError:
        return not_found(request, ctx, "No such license option.")
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
        return not_found(request, ctx, "No such media.")
    except IllegalTransitionError as exc:
        return await render_media(request, ctx, media_id, error=exc.reason, code=409)
    return redirect(f"/admin/media/{media_id}?done=finalized")
