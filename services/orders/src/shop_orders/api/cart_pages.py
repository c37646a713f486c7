"""The cart's pages: `POST /cart/lines` (the catalog's "Add to cart" forms), `GET /cart`,
`GET /cart/{id}` (a shared cart, adopted into the cookie), `POST /cart/lines/{id}/remove`.

The cart's id is kept in the `shop_cart` cookie (HttpOnly, SameSite=Lax, Secure over
https). Forms are accepted from the shop's own origins only (403 otherwise).
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from shop_orders.api.cart_schemas import CartLineWrite
from shop_orders.api.context import Ctx, WebContext
from shop_orders.api.offer_text import delivery_text
from shop_orders.domain.cart import CART_LIFETIME, PricedLine
from shop_orders.domain.errors import CartCheckedOutError, CartNotFoundError, InvalidOrderError
from shop_orders.service import carts
from shop_orders.service.carts import CartView
from shop_orders.service.ports import Repositories
from shop_orders.service.pricing_settings import shop_currency, tax_to_charge
from shop_platform.auth import check_own_origin as shared_check_own_origin
from shop_web.web import percent

router = APIRouter(include_in_schema=False)
CART_COOKIE = "shop_cart"
PRIVATE = "no-store"  # a cart is one client's: no cache keeps it
NO_SUCH_CART = "No such cart: it was never made, or it expired (carts are kept 30 days)."
MINUS = "\u2212"
CANNOT_ADD = "This file or license is not offered (any more). Please choose again."


def check_own_origin(request: Request, ctx: WebContext, *, same_site: bool = False) -> None:
    """403 unless the form comes from one of the shop's own pages: another site cannot fill
    a client's cart or place an order in their name. `same_site`: the catalog's "Add to
    cart" (another port or subdomain of the shop's site; the cart cookie is SameSite=Lax
    and would not come from another site anyway)."""
    shared_check_own_origin(request, ctx.settings.public_origins(), same_site=same_site)


def set_cart_cookie(response: Response, ctx: WebContext, cart_id: str) -> None:
    response.set_cookie(
        CART_COOKIE,
        cart_id,
        max_age=int(CART_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=ctx.settings.orders_public_url.startswith("https://"),
        path="/",
    )


async def cookie_cart(request: Request, repos: Repositories) -> CartView | None:
    """The cart the cookie names, while it can still be ordered."""
    cart_id = request.cookies.get(CART_COOKIE)
    if not cart_id or len(cart_id) > 64:
        return None
    try:
        view = await carts.get_cart(repos, cart_id)
    except CartNotFoundError:
        return None
    return None if view.cart.is_checked_out else view


def tier_note(line: PricedLine) -> str | None:
    """The quantity discounts of the line's profile, in words: "3+ files: -10 %; 10+ files:
    -20 %" with a true minus sign (None: none)."""
    if line.media is None or line.line.license_id is None:
        return None
    option = line.media.offer(line.line.license_id)
    if option is None or not option.quantity_tiers:
        return None
    tiers = sorted(option.quantity_tiers, key=lambda tier: int(tier["min_quantity"]))
    return "; ".join(
        f"{tier['min_quantity']}+ files: {MINUS}{percent(tier['percent'])}" for tier in tiers
    )


def cart_context(
    ctx: WebContext, view: CartView | None, currency: str, *, taxed: bool = False
) -> dict[str, Any]:
    """What the cart's and the checkout's pages show of the cart; `taxed`: the shop charges
    tax (from the client's address, at checkout)."""
    lines = view.lines if view else []
    return {
        "taxed": taxed,
        "lines": lines,
        # what each license delivers, in words ("JPEG, 1024 px on the long side")
        "abouts": {
            p.line.id: delivery_text(p.delivery, p.media)
            for p in lines
            if p.media is not None and p.delivery is not None
        },
        "tiers": {p.line.id: note for p in lines if (note := tier_note(p))},
        "subtotal": view.subtotal if view else 0,
        "discount": view.discount if view else 0,
        "total": view.total if view else 0,
        "problems": view.problems if view and view.lines else [],
        "currency": currency,
        "share_url": (
            f"{ctx.settings.orders_public_url.rstrip('/')}/cart/{view.cart.id}" if view else ""
        ),
    }


def cannot_add(exc: InvalidOrderError) -> str:
    """Why a file was not added: a rights-managed usage names the group to choose in."""
    if exc.field.startswith("options."):
        group = exc.field.removeprefix("options.")
        return (
            f"Please choose an option for “{group}” from the list (this usage is not "
            "offered), then add the file to your cart again."
        )
    return CANNOT_ADD


@router.post("/cart/lines")
async def add_to_cart(request: Request, ctx: Ctx) -> Response:
    """Add a media under a license (replacing the cart's license for that media), under a
    rights-managed profile with the usage chosen (`options[<group>]`), or a whole gallery,
    then show the cart."""
    check_own_origin(request, ctx, same_site=True)
    form = await request.form()
    try:
        line = CartLineWrite.from_form(form)
    except ValidationError:
        return await ctx.web.error_page(request, 422, CANNOT_ADD, title="Cannot add this")
    try:
        async with ctx.transaction() as repos:
            view = await cookie_cart(request, repos)
            if view is None:
                view = await carts.create_cart(repos)
            await carts.add_line(repos, view.cart.id, line.choice())
    except InvalidOrderError as exc:
        return await ctx.web.error_page(request, 422, cannot_add(exc), title="Cannot add this")
    except CartCheckedOutError:
        return await ctx.web.error_page(request, 422, CANNOT_ADD, title="Cannot add this")
    response = RedirectResponse("/cart", status_code=status.HTTP_303_SEE_OTHER)
    set_cart_cookie(response, ctx, view.cart.id)
    return response


@router.post("/cart/lines/{line_id}/remove")
async def remove_from_cart(request: Request, ctx: Ctx, line_id: uuid.UUID) -> Response:
    check_own_origin(request, ctx, same_site=True)
    async with ctx.transaction() as repos:
        view = await cookie_cart(request, repos)
        if view is not None:
            # already removed (a second click): the cart shows what is left
            with contextlib.suppress(CartNotFoundError):
                await carts.remove_line(repos, view.cart.id, line_id)
    return RedirectResponse("/cart", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/cart", response_class=HTMLResponse)
async def cart_page(request: Request, ctx: Ctx) -> HTMLResponse:
    async with ctx.transaction() as repos:
        view = await cookie_cart(request, repos)
        currency = await shop_currency(repos)
        taxed = await tax_to_charge(repos) is not None
    context = cart_context(ctx, view, currency, taxed=taxed)
    page = await ctx.web.page(request, "cart.html", context)
    page.headers["Cache-Control"] = PRIVATE
    return page


@router.get("/cart/{cart_id}", response_class=HTMLResponse)
async def shared_cart_page(request: Request, ctx: Ctx, cart_id: str) -> HTMLResponse:
    """A shared cart's link: the cart becomes this browser's cart."""
    try:
        async with ctx.transaction() as repos:
            view = await carts.get_cart(repos, cart_id[:64])
            currency = await shop_currency(repos)
            taxed = await tax_to_charge(repos) is not None
    except CartNotFoundError:
        return await ctx.web.error_page(request, 404, NO_SUCH_CART, title="Cart not found")
    if view.cart.is_checked_out:
        notice = "This cart was already ordered: add files to start a new one."
        response = await ctx.web.page(
            request, "cart.html", {**cart_context(ctx, None, currency), "notice": notice}
        )
    else:
        context = cart_context(ctx, view, currency, taxed=taxed)
        response = await ctx.web.page(request, "cart.html", context)
        set_cart_cookie(response, ctx, view.cart.id)
    response.headers["Cache-Control"] = PRIVATE
    return response
