"""The storefront's pages: home (public galleries), a gallery (paged grid of lazy
thumbnails, the whole-gallery offer), a media (large watermarked preview, its offers with
Add to cart), search, a private gallery's unlock form and access links, a selection.

"Add to cart" forms post to orders (`{ORDERS_PUBLIC_URL}/cart/lines`), which owns the cart
and prices it from its own read model: the page never sends a price. A rights-managed offer
posts `media_id`, `profile_id` and one `options[<group>]` per group; its price is computed
here for the options chosen (GET `?profile_id=&options[...]=` re-renders the page; the
script `/static/catalog/media-price.js` asks `/api/media/{id}/price` instead, when it runs).
Amounts are shown in the shop's currency (`service.currency`), in the client's locale.
"""

from __future__ import annotations

import uuid
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shop_catalog.api.context import CatalogContext, Ctx
from shop_catalog.api.offer_views import Chosen, from_price, offer_views
from shop_catalog.api.sales_admin_api import keys_of
from shop_catalog.api.sales_schemas import media_json
from shop_catalog.api.storefront_api import chosen_options, visible_media
from shop_catalog.domain.sales import FieldError, Gallery
from shop_catalog.service import storefront
from shop_catalog.service.currency import shop_currency
from shop_catalog.service.gallery_access import cookie_name, password_matches_async
from shop_catalog.service.media_urls import preview_urls
from shop_platform.ratelimit import RateLimitedError

router = APIRouter(include_in_schema=False)


def _base(ctx: CatalogContext) -> str:
    return ctx.settings.catalog_public_url.rstrip("/")


async def _currency(ctx: CatalogContext) -> str:
    async with ctx.transaction() as repos:
        return await shop_currency(repos, ctx.settings.currency)


async def _page(
    request: Request,
    ctx: CatalogContext,
    name: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    currency: str | None = None,
    **values: Any,
) -> HTMLResponse:
    context = {
        "currency": currency or await _currency(ctx),
        "cart_url": f"{ctx.settings.orders_public_url.rstrip('/')}/cart",
        "cart_lines_url": f"{ctx.settings.orders_public_url.rstrip('/')}/cart/lines",
        "urls": lambda m: preview_urls(_base(ctx), m),
        "from_price": from_price,
        **values,
    }
    return await ctx.web.page(
        request, f"pages/{name}.html", context, status_code=status_code, headers=headers
    )


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _unlocked_response(request: Request, ctx: CatalogContext, gallery: Gallery) -> Response:
    """Back to the gallery, with the cookie that opens it (this gallery only)."""
    response = _see_other(f"/g/{gallery.slug}")
    response.set_cookie(
        cookie_name(gallery.id),
        keys_of(ctx).unlock_cookie(gallery),
        max_age=30 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=_base(ctx).startswith("https://") or request.url.scheme == "https",
        path="/",
    )
    return response


SILENT_CAPTIONS = "WEBVTT\n\nNOTE The preview clips are silent: there is nothing to caption.\n"


@router.get("/static/catalog/silent.vtt")
async def silent_captions() -> Response:
    """The captions track of the (silent) video previews."""
    return Response(
        SILENT_CAPTIONS,
        media_type="text/vtt; charset=utf-8",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/")
async def home(request: Request, ctx: Ctx) -> Response:
    async with ctx.transaction() as repos:
        cards = await storefront.home_galleries(repos)
    return await _page(request, ctx, "home", galleries=cards)


@router.get("/g/{slug}")
async def gallery_page(
    request: Request,
    ctx: Ctx,
    slug: str,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    access: str | None = None,
) -> Response:
    async with ctx.transaction() as repos:
        gallery = await storefront.find_gallery(repos, slug)
        if gallery.is_private and not keys_of(ctx).unlocked(gallery, request.cookies):
            if access and await storefront.access_link_valid(repos, gallery, access):
                return _unlocked_response(request, ctx, gallery)
            return _see_other(f"/g/{gallery.slug}/unlock")
        view = await storefront.gallery_page(repos, gallery, page)
    return await _page(request, ctx, "gallery", view=view, gallery=gallery)


@router.get("/g/{slug}/unlock")
async def unlock_form(request: Request, ctx: Ctx, slug: str) -> Response:
    async with ctx.transaction() as repos:
        gallery = await storefront.find_gallery(repos, slug)
    if not gallery.is_private or keys_of(ctx).unlocked(gallery, request.cookies):
        return _see_other(f"/g/{gallery.slug}")
    return await _page(request, ctx, "gallery_unlock", gallery=gallery, error=None)


@router.post("/g/{slug}/unlock")
async def unlock(
    request: Request, ctx: Ctx, slug: str, password: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    """The right password sets the unlock cookie; a wrong one answers 403 with the form
    again; too many wrong ones from one address answer 429 for a while."""
    async with ctx.transaction() as repos:
        gallery = await storefront.find_gallery(repos, slug)
    if not gallery.is_private:
        return _see_other(f"/g/{gallery.slug}")
    address = ctx.client_address(request)
    try:
        ctx.unlock_limit.check(address)
    except RateLimitedError as exc:
        return await _page(
            request,
            ctx,
            "gallery_unlock",
            status_code=429,
            headers=exc.headers,
            gallery=gallery,
            error=exc.detail,
        )
    if password and await password_matches_async(password, gallery.password_hash):
        return _unlocked_response(request, ctx, gallery)
    ctx.unlock_limit.hit(address)
    return await _page(
        request,
        ctx,
        "gallery_unlock",
        status_code=403,
        gallery=gallery,
        error="That password is not right. Please try again.",
    )


@router.get("/static/catalog/media-price.js")
async def price_script() -> Response:
    """The media page's script: a rights-managed price follows the options chosen."""
    script = resources.files("shop_catalog").joinpath("static/media-price.js").read_bytes()
    return Response(
        script,
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


def _chosen(request: Request, profile_id: str | None) -> Chosen:
    try:
        return Chosen(profile_id, chosen_options(request.query_params))
    except FieldError as exc:
        return Chosen(profile_id, {}, f"{exc.field}: {exc.message}")


@router.get("/media/{media_id}")
async def media_page(
    request: Request,
    ctx: Ctx,
    media_id: uuid.UUID,
    selection: str | None = None,
    profile_id: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """The media with its offers; `?profile_id=&options[<group>]=` picks a rights-managed
    usage (422 with the page naming the group when the choice is refused)."""
    found, currency = await visible_media(request, ctx, media_id, selection)
    item = media_json(found, _base(ctx))
    offers, refused = offer_views(found, item["offers"], _chosen(request, profile_id))
    return await _page(
        request,
        ctx,
        "media_page",
        status_code=422 if refused else 200,
        currency=currency,
        media=found,
        item=item,
        offers=offers,
        selection=selection,
    )


@router.get("/search")
async def search_page(
    request: Request, ctx: Ctx, q: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    async with ctx.transaction() as repos:
        found = await storefront.search(repos, q)
    return await _page(request, ctx, "search", q=q, results=found)


@router.get("/s/{token}")
async def selection_page(request: Request, ctx: Ctx, token: str) -> Response:
    async with ctx.transaction() as repos:
        selection, found = await storefront.selection_view(repos, token)
    return await _page(request, ctx, "selection", selection=selection, results=found)
