"""Storefront API (no token): public galleries, one gallery by its address (a private one
with `X-Gallery-Password` or its unlock cookie), one media, search over public galleries.

Wrong or missing passwords are counted per client address (`ctx.unlock_limit`): past the
limit, `429` with `Retry-After`, before the password is even checked.
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import FormData, QueryParams

from shop_catalog.api.context import CatalogContext, Ctx
from shop_catalog.api.sales_admin_api import keys_of
from shop_catalog.api.sales_schemas import card_json, media_json
from shop_catalog.domain.profiles import StoreMedia
from shop_catalog.domain.sales import FieldError, Gallery
from shop_catalog.service import rights_managed, storefront
from shop_catalog.service.currency import shop_currency
from shop_catalog.service.gallery_access import password_matches_async
from shop_catalog.service.ports import Repositories
from shop_contracts.money import format_money
from shop_platform.errors import error_responses
from shop_web import request_locale

router = APIRouter(prefix="/api", tags=["storefront"])


def page_cache(request: Request) -> storefront.PageCache[tuple[bytes, bool]]:
    """This app's cache of gallery pages (media as served, by gallery revision)."""
    state = request.app.state
    cache = getattr(state, "gallery_pages", None)
    if cache is None:
        cache = state.gallery_pages = storefront.PageCache()
    return cache  # type: ignore[no-any-return]


def base_url(ctx: CatalogContext) -> str:
    return ctx.settings.catalog_public_url.rstrip("/")


async def open_private(
    request: Request, ctx: CatalogContext, gallery: Gallery, password: str | None
) -> None:
    """Let the visitor in (unlock cookie, or the right password) or raise 403 / 429."""
    if keys_of(ctx).unlocked(gallery, request.cookies):
        return
    address = ctx.client_address(request)
    ctx.unlock_limit.check(address)  # 429 past the limit, before any check
    if password and await password_matches_async(password, gallery.password_hash):
        return
    ctx.unlock_limit.hit(address)
    raise storefront.locked(gallery)


async def opened_gallery(
    request: Request, ctx: CatalogContext, repos: Repositories, slug: str, password: str | None
) -> Gallery:
    gallery = await storefront.find_gallery(repos, slug)
    if gallery.is_private:
        await open_private(request, ctx, gallery, password)
    return gallery


async def visible_media(
    request: Request, ctx: CatalogContext, media_id: uuid.UUID, selection: str | None
) -> tuple[StoreMedia, str]:
    """The media as this visitor may see it (its galleries, unlock cookies, or the selection's
    token), else 404 (the JSON's and the page's); and the shop's currency."""
    async with ctx.transaction() as repos:
        found = await storefront.visible_media(
            repos,
            media_id,
            keys=keys_of(ctx),
            cookies=request.cookies,
            selection_token=selection,
        )
        return found, await shop_currency(repos, ctx.settings.currency)


MAX_OPTIONS = 50


def chosen_options(params: QueryParams | FormData) -> dict[str, str]:
    """`options[<group>]=<option>` pairs (query string or form) as {group: option};
    FieldError when a group is given twice or too many are given."""
    chosen: dict[str, str] = {}
    for key, value in params.multi_items():
        if not (key.startswith("options[") and key.endswith("]")):
            continue
        group = key[len("options[") : -1]
        if group in chosen:
            raise FieldError(key, "chosen twice")
        if len(chosen) >= MAX_OPTIONS:
            raise FieldError("options", f"at most {MAX_OPTIONS} groups")
        chosen[group] = value if isinstance(value, str) else ""
    return chosen


@router.get("/galleries")
async def public_galleries(ctx: Ctx) -> list[dict[str, Any]]:
    async with ctx.transaction() as repos:
        cards = await repos.sales.public_galleries()
    return [card_json(c, base_url(ctx)) for c in cards]


@router.get(
    "/galleries/{slug}", response_class=JSONResponse, responses=error_responses(403, 404, 429)
)
async def gallery(
    request: Request,
    ctx: Ctx,
    slug: str,
    x_gallery_password: Annotated[str | None, Header()] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """One page (60 media) of a gallery; `next_page` is null on the last one. The media
    part is kept as served per gallery revision (`storefront.PageCache`): a page asked
    again costs one small query."""
    cache = page_cache(request)
    async with ctx.transaction() as repos:
        found = await opened_gallery(request, ctx, repos, slug, x_gallery_password)
        currency = await shop_currency(repos, ctx.settings.currency)
        cached = cache.get(found, page)
        if cached is None:
            view = await storefront.gallery_page(repos, found, page)
            media = json.dumps([media_json(m, base_url(ctx)) for m in view.media])
            cached = (media.encode(), view.has_next)
            cache.put(found, page, cached)
            children = view.children
        else:
            children = await storefront.children_of(repos, found, page)
    media_bytes, has_next = cached
    head = {
        "id": str(found.id),
        "slug": found.slug,
        "title": found.title,
        "description": found.description,
        "visibility": found.visibility,
        "whole_gallery_price": found.whole_gallery_price,
        "currency": currency,
        "page": page,
        "next_page": page + 1 if has_next else None,
        "galleries": [card_json(c, base_url(ctx)) for c in children],
    }
    body = json.dumps(head).encode()[:-1] + b', "media": ' + media_bytes + b"}"
    return Response(body, media_type="application/json")


@router.get("/media/{media_id}", responses=error_responses(404))
async def media(
    request: Request, ctx: Ctx, media_id: uuid.UUID, selection: str | None = None
) -> dict[str, Any]:
    """One media with its offers: royalty-free rows and rights-managed option trees (each
    with its profile's quantity tiers)."""
    found, currency = await visible_media(request, ctx, media_id, selection)
    return {**media_json(found, base_url(ctx)), "currency": currency}


OPTIONS_PARAMETER = {
    "name": "options",
    "in": "query",
    "style": "deepObject",
    "explode": True,
    "description": "the option chosen in each group: options[<group>]=<option>",
    "schema": {"type": "object", "additionalProperties": {"type": "string"}},
}


@router.get(
    "/media/{media_id}/price",
    responses=error_responses(404, 422),
    openapi_extra={"parameters": [OPTIONS_PARAMETER]},
)
async def media_price(
    request: Request,
    ctx: Ctx,
    media_id: uuid.UUID,
    profile_id: uuid.UUID,
    selection: str | None = None,
) -> dict[str, Any]:
    """The price of a rights-managed usage: `?profile_id=<id>&options[<group>]=<option>`,
    one option in every group of the profile. `{"price", "usage"}` (plus the currency, the
    price in the client's locale and the usage as text); a group without a choice or an
    option outside the tree: 422 naming `options[<group>]`."""
    found, currency = await visible_media(request, ctx, media_id, selection)
    offer = rights_managed.offered(found.offers, profile_id)
    usage, price = rights_managed.quote(offer, chosen_options(request.query_params))
    return {
        "price": price,
        "usage": usage.as_dict(),
        "currency": currency,
        "price_text": format_money(price, currency, request_locale(request)),
        "usage_text": str(usage),
    }


@router.get("/search")
async def search(ctx: Ctx, q: Annotated[str, Query(max_length=200)] = "") -> dict[str, Any]:
    async with ctx.transaction() as repos:
        found = await storefront.search(repos, q)
    base = base_url(ctx)
    return {"q": q, "media": [media_json(m, base) for m in found]}
