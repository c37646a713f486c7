"""The admin's price list pages: the list, and one price list's form: a royalty-free one's
rows (name, description, usage terms, price, delivery format, link expiry, download limit;
a row left without a name is dropped; rows keep their ids, the license ids carts hold) or a
rights-managed one's option tree (`profile_admin_forms`); either with quantity discounts.
CATALOG_READ to look, CATALOG_MANAGE to change; a photographer sees only their own."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from shop_catalog.api.context import CatalogContext, Ctx, PageManager, PageReader
from shop_catalog.api.profile_admin_forms import (
    rights_managed_fields,
    rights_managed_of_form,
    tier_rows,
    tiers_of_form,
    typed_rights_managed_fields,
    typed_tier_rows,
)
from shop_catalog.api.profile_schemas import ProfileWrite
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
from shop_catalog.domain.profiles import PricingProfile
from shop_catalog.domain.sales import FieldError, ProfileInUseError, SalesNotFoundError
from shop_catalog.service import profiles
from shop_platform.accounts import Permission, Principal

router = APIRouter(prefix="/admin", include_in_schema=False)
BLANK_ROWS = 2  # empty rows offered under the existing ones
MAX_ROWS = 50
FLASH = {"created": "Price list created.", "saved": "Price list saved: future orders only."}


def _row_count(form: FormData) -> int:
    return min(MAX_ROWS, int_of(form, "rows") or 0)


def _delivery(form: FormData, i: int) -> dict[str, Any]:
    mode = text_of(form, f"mode_{i}") or "original"
    delivery: dict[str, Any] = {"mode": mode}
    if mode == "long_edge":
        delivery["long_edge"] = int_of(form, f"long_edge_{i}")
        delivery["format"] = "jpeg"
    for name in ("link_expiry_days", "max_downloads"):
        value = int_of(form, f"{name}_{i}")
        if value is not None:
            delivery[name] = value
    return delivery


def _profile_body(form: FormData, currency: str) -> ProfileWrite:
    head = {"name": text_of(form, "name"), "quantity_discounts": tiers_of_form(form)}
    if text_of(form, "kind") == "rights_managed":
        fields = rights_managed_of_form(form, currency)
        return ProfileWrite.model_validate(head | {"kind": "rights_managed"} | fields)
    rows = []
    for i in range(_row_count(form)):
        name = text_of(form, f"name_{i}")
        if not name:
            continue
        price = amount_of(form, f"price_{i}", currency)
        if price is None:
            raise FieldError(f"price_{i}", f"row {name!r} needs a price")
        rows.append(
            {
                "id": text_of(form, f"id_{i}") or None,
                "name": name,
                "description": text_of(form, f"description_{i}") or None,
                "usage_terms": text_of(form, f"usage_terms_{i}") or None,
                "price": price,
                "delivery": _delivery(form, i),
            }
        )
    return ProfileWrite.model_validate(head | {"rows": rows})


def _rows_of(profile: PricingProfile | None, ctx: CatalogContext) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for row in profile.rows if profile else []:
        d = row.delivery
        rows.append(
            {
                "id": str(row.id),
                "name": row.name,
                "description": row.description or "",
                "usage_terms": row.usage_terms or "",
                "price": row.price,
                "mode": "long_edge" if d.mode == "long_edge" else "original",
                "long_edge": d.long_edge or "",
                "link_expiry_days": d.link_expiry_days or "",
                "max_downloads": d.max_downloads or "",
            }
        )
    return rows + [{"price": None, "mode": "original"} for _ in range(BLANK_ROWS)]


async def _form_page(
    request: Request,
    ctx: CatalogContext,
    profile: PricingProfile | None,
    *,
    who: Principal,
    kind: str = "royalty_free",
    typed: FormData | None = None,
    error: str | None = None,
    flash: str | None = None,
    status_code: int = 200,
) -> Response:
    """The form of `profile` (or a new one of `kind`), or what was `typed` with a refusal."""
    kind = profile.kind if profile else kind
    values: dict[str, Any] = {}
    if kind == "rights_managed":
        currency = await page_currency(ctx)
        values["rm"] = (
            typed_rights_managed_fields(typed)
            if typed is not None
            else rights_managed_fields(profile, currency)
        )
    else:
        values["rows"] = _typed_rows(typed) if typed is not None else _rows_of(profile, ctx)
    return await admin_page(
        request,
        ctx,
        "admin_profile_rm" if kind == "rights_managed" else "admin_profile",
        nav="pricing",
        status_code=status_code,
        profile=profile,
        profile_name=text_of(typed, "name")
        if typed is not None
        else (profile.name if profile else ""),
        tiers=typed_tier_rows(typed) if typed is not None else tier_rows(profile),
        error=error,
        flash=flash,
        can_manage=who.can(Permission.CATALOG_MANAGE),
        **values,
    )


def _typed_rows(form: FormData) -> list[dict[str, Any]]:
    fields = ("id", "name", "description", "usage_terms", "price", "mode", "long_edge")
    more = ("link_expiry_days", "max_downloads")
    return [
        {f: text_of(form, f"{f}_{i}") for f in (*fields, *more)} | {"typed": True}
        for i in range(_row_count(form))
    ]


@router.get("/pricing-profiles")
async def profiles_page(request: Request, ctx: Ctx, who: PageReader, done: str = "") -> Response:
    async with ctx.transaction() as repos:
        found = await profiles.list_profiles(repos, who=who)
    flash = {"deleted": "Price list deleted."}.get(done)
    return await admin_page(
        request,
        ctx,
        "admin_profiles",
        nav="pricing",
        profiles=found,
        flash=flash,
        can_manage=who.can(Permission.CATALOG_MANAGE),
        show_photographer=who.photographer_scope is None,
    )


@router.get("/pricing-profiles/new")
async def new_profile_page(
    request: Request, ctx: Ctx, who: PageManager, kind: str = "royalty_free"
) -> Response:
    """`?kind=rights_managed`: a rights-managed profile's form."""
    return await _form_page(request, ctx, None, who=who, kind=kind)


@router.get("/pricing-profiles/{profile_id}")
async def profile_page(
    request: Request, ctx: Ctx, who: PageReader, profile_id: uuid.UUID, done: str = ""
) -> Response:
    async with ctx.transaction() as repos:
        profile = await profiles.get_profile(repos, profile_id, who=who)
    return await _form_page(request, ctx, profile, who=who, flash=FLASH.get(done))


async def _save(
    request: Request, ctx: CatalogContext, profile_id: uuid.UUID | None, who: Principal
) -> Response:
    async def write(form: FormData) -> uuid.UUID:
        body = _profile_body(form, await page_currency(ctx))
        async with ctx.transaction() as repos:
            if profile_id is None:
                created = await profiles.create_profile(repos, body.draft(), who=who)
                return created.id
            await profiles.replace_profile(
                repos, profile_id, body.draft(), who=who, now=datetime.now(UTC)
            )
        return profile_id

    async def refused(form: FormData, error: str) -> Response:
        current = None
        if profile_id is not None:  # the form goes on editing it
            async with ctx.transaction() as repos:
                current = await profiles.get_profile(repos, profile_id, who=who)
        return await _form_page(
            request,
            ctx,
            current,
            who=who,
            kind=text_of(form, "kind") or "royalty_free",
            typed=form,
            error=error,
            status_code=422,
        )

    path = "/admin/pricing-profiles"
    return await save_form(request, ctx, path, profile_id, write=write, refused=refused)


@router.post("/pricing-profiles/new")
async def create_profile(request: Request, ctx: Ctx, who: PageManager) -> Response:
    return await _save(request, ctx, None, who)


@router.post("/pricing-profiles/{profile_id}")
async def save_profile(
    request: Request, ctx: Ctx, who: PageManager, profile_id: uuid.UUID
) -> Response:
    return await _save(request, ctx, profile_id, who)


@router.post("/pricing-profiles/{profile_id}/delete")
async def delete_profile(
    request: Request, ctx: Ctx, who: PageManager, profile_id: uuid.UUID
) -> Response:
    """Detaches it from its media and galleries (the page asks first)."""
    await checked_form(request, ctx)
    try:
        async with ctx.transaction() as repos:
            await profiles.delete_profile(
                repos, profile_id, who=who, detach=True, now=datetime.now(UTC)
            )
    except ProfileInUseError as exc:  # pragma: no cover - detach=True never refuses
        return await ctx.web.error_page(request, 409, exc.reason)
    return see_other("/admin/pricing-profiles?done=deleted")


# --- the price lists of one media ---------------------------------------------------------


async def _media_page(
    request: Request,
    ctx: CatalogContext,
    media_id: uuid.UUID,
    *,
    who: Principal,
    flash: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    async with ctx.transaction() as repos:
        try:
            attached = await profiles.media_profile_ids(repos, media_id, who=who)
        except SalesNotFoundError:
            return await ctx.web.error_page(request, 404, "No such media.")
        found = await repos.sales.store_media([media_id])
        all_profiles = await profiles.list_profiles(repos, who=who)
    return await admin_page(
        request,
        ctx,
        "admin_media_profiles",
        nav="media",
        status_code=status_code,
        media=found[0],
        attached=attached,
        profiles=all_profiles,
        flash=flash,
        error=error,
        can_manage=who.can(Permission.CATALOG_MANAGE),
    )


@router.get("/media/{media_id}/price-lists")
async def media_profiles_page(
    request: Request, ctx: Ctx, who: PageReader, media_id: uuid.UUID, saved: bool = False
) -> Response:
    flash = "Saved: the media is offered with these price lists." if saved else None
    return await _media_page(request, ctx, media_id, who=who, flash=flash)


@router.post("/media/{media_id}/price-lists")
async def save_media_profiles(
    request: Request, ctx: Ctx, who: PageManager, media_id: uuid.UUID
) -> Response:
    form = await checked_form(request, ctx)
    try:
        ids = [uuid.UUID(v) for v in form.getlist("profile_id") if isinstance(v, str)]
        async with ctx.transaction() as repos:
            await profiles.set_media_profiles(repos, media_id, ids, who=who, now=datetime.now(UTC))
    except ValueError:
        return await _media_page(
            request, ctx, media_id, who=who, error="Not saved: unknown price list.", status_code=422
        )
    except FieldError as exc:
        return await _media_page(
            request, ctx, media_id, who=who, error=refusal(exc), status_code=422
        )
    return see_other(f"/admin/media/{media_id}/price-lists?saved=true")
