"""The cart API: `POST /api/carts`, `GET /api/carts/{id}`, `PUT /api/carts/{id}/lines`,
`DELETE /api/carts/{id}/lines/{line_id}`. Prices come from the read model every time."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status

from shop_orders.api.cart_schemas import CartLineWrite, CartRead
from shop_orders.api.context import Ctx, WebContext
from shop_orders.service import carts
from shop_orders.service.carts import CartView
from shop_platform.errors import error_responses


async def _private(response: Response) -> None:
    """A cart is one client's: no cache keeps it."""
    response.headers["Cache-Control"] = "no-store"


router = APIRouter(
    prefix="/api/carts",
    tags=["cart"],
    dependencies=[Depends(_private)],
)
CartId = Annotated[str, Path(min_length=1, max_length=64)]


def _read(ctx: WebContext, view: CartView) -> CartRead:
    return CartRead.of(view, view.currency, ctx.settings.orders_public_url)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_cart(ctx: Ctx) -> CartRead:
    """A new, empty cart; its id is unguessable and is its shareable link."""
    async with ctx.transaction() as repos:
        view = await carts.create_cart(repos)
    return _read(ctx, view)


@router.get("/{cart_id}", responses=error_responses(404))
async def get_cart(ctx: Ctx, cart_id: CartId) -> CartRead:
    """The cart priced now; an unknown or expired cart answers 404."""
    async with ctx.transaction() as repos:
        view = await carts.get_cart(repos, cart_id)
    return _read(ctx, view)


@router.put("/{cart_id}/lines", responses=error_responses(404, 409, 422))
async def put_line(ctx: Ctx, cart_id: CartId, body: CartLineWrite) -> CartRead:
    """Add a media under a license (replacing the license the cart had for that media) or
    a whole gallery; an unknown media, license or gallery answers 422 naming it."""
    async with ctx.transaction() as repos:
        view = await carts.add_line(repos, cart_id, body.choice())
    return _read(ctx, view)


@router.delete("/{cart_id}/lines/{line_id}", responses=error_responses(404, 409))
async def delete_line(ctx: Ctx, cart_id: CartId, line_id: uuid.UUID) -> CartRead:
    async with ctx.transaction() as repos:
        view = await carts.remove_line(repos, cart_id, line_id)
    return _read(ctx, view)
