"""The storefront API: the catalog, placing an order, the client's view of it."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response, status

from shop_orders.api.context import Ctx
from shop_orders.api.schemas import (
    CatalogRead,
    OrderCreate,
    OrderPlacedRead,
    OrderRead,
    QuoteCreate,
    QuoteRead,
)
from shop_orders.api.settings_schemas import ShopRead
from shop_orders.domain.errors import CouponRefusedError
from shop_orders.service import queries
from shop_orders.service.placing import place_order
from shop_orders.service.quotes import quote_order
from shop_platform.errors import error_responses

router = APIRouter(prefix="/api", tags=["storefront"])


@router.get("/shop")
async def get_shop(ctx: Ctx, response: Response) -> ShopRead:
    """The shop's name, contact details, accent colour and logo: what every page of every
    service shows (public; set in the admin's shop settings)."""
    async with ctx.transaction() as repos:
        settings = await queries.get_settings(repos)
    response.headers["Cache-Control"] = "public, max-age=30"
    return ShopRead.of(settings)


@router.get("/catalog")
async def get_catalog(ctx: Ctx) -> CatalogRead:
    """The media for sale with their offers, from orders' read model of the catalog."""
    async with ctx.transaction() as repos:
        media = await queries.list_catalog(repos)
        currency = await repos.settings.currency()
    return CatalogRead.of(media, currency)


@router.post(
    "/orders", status_code=status.HTTP_201_CREATED, responses=error_responses(404, 409, 422, 429)
)
async def create_order(
    request: Request,
    ctx: Ctx,
    body: OrderCreate,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> OrderPlacedRead:
    """Place an order: `items` (a media with one of its licenses, a media with a
    rights-managed `profile_id` and its `options` ({group: option}, one per group), or
    `{"gallery_id"}` for a whole gallery) or `cart_id` (the cart's lines; the cart is then
    ordered: a second checkout answers 409, an unknown or expired cart 404). Prices come
    from the catalog's read model, never from the body; the totals apply the quantity
    discounts, the `coupon` (its use taken now; a coupon that cannot apply answers 422
    naming the reason: unknown, not_started, expired, used_up, below_minimum,
    not_applicable, already_used_by_client) and the tax for the address (an EU business's
    `vat_number`: reverse charge); `fields` answers the shop's order information fields.
    Nothing is recorded on a 422. A free order skips payment. The same `Idempotency-Key`
    from the same client with the same body returns the same order, never a second; with
    another body it answers 409. Orders placed per client address are limited (429 with
    Retry-After)."""
    address = ctx.client_address(request)
    ctx.order_limit.take(address)  # a slot, given back unless an order is placed
    try:
        async with ctx.transaction() as repos:
            placed = await place_order(
                repos,
                body.command(idempotency_key),
                links=ctx.links,
            )
    except CouponRefusedError:
        raise  # a refused coupon keeps its slot: codes cannot be guessed without limit
    except BaseException:
        ctx.order_limit.give_back(address)
        raise
    if not placed.created:
        ctx.order_limit.give_back(address)
        response.headers["Idempotent-Replayed"] = "true"
    return OrderPlacedRead.of(placed.order, ctx.links)


@router.post("/orders/quote", responses=error_responses(404, 422))
async def quote(request: Request, ctx: Ctx, body: QuoteCreate) -> QuoteRead:
    """What this checkout would cost now (the body of `POST /api/orders`; the client may be
    partial: its email and address country/region are what matter), priced as placing
    would price it, with the same 422s; nothing is recorded and no coupon use is taken.
    Without a country no tax is figured; the information fields are checked when given.
    A quote naming a coupon counts against the address's order limit when the coupon is
    refused (429 beyond), so coupon codes cannot be guessed without limit."""
    address = ctx.client_address(request)
    guessing = bool((body.coupon or "").strip())
    if guessing:
        ctx.order_limit.take(address)
    try:
        async with ctx.transaction() as repos:
            quoted = await quote_order(
                repos, body.items_chosen(), body.terms(), cart_id=body.cart_id
            )
    except CouponRefusedError:
        raise
    except BaseException:
        if guessing:
            ctx.order_limit.give_back(address)
        raise
    if guessing:
        ctx.order_limit.give_back(address)
    return QuoteRead.of(quoted)


@router.get("/orders/{order_id}", responses=error_responses(404))
async def get_order(
    ctx: Ctx, order_id: uuid.UUID, x_order_token: Annotated[str | None, Header()] = None
) -> OrderRead:
    """The client's view of the order; a wrong or missing `X-Order-Token` answers 404."""
    async with ctx.transaction() as repos:
        order = await queries.get_client_order(repos, order_id, x_order_token, ctx.links)
    return OrderRead.of(order, ctx.links)
