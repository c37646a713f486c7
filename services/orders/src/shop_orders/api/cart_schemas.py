"""The cart's HTTP bodies (CONTRACT: `POST /api/carts`, `PUT /api/carts/{id}/lines`)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from shop_orders.api.schemas import ItemIn
from shop_orders.service.carts import CartView


class CartLineWrite(ItemIn):
    """A media under one of its licenses, or a whole gallery. Anything else sent (a price,
    say) is ignored: prices come from the catalog on the server."""

    model_config = ConfigDict(extra="ignore")


class CartLineRead(BaseModel):
    id: uuid.UUID
    media_id: uuid.UUID | None
    license_id: uuid.UUID | None
    gallery_id: uuid.UUID | None
    title: str
    license_name: str
    price: int | None  # None: no longer offered (the line blocks checkout)
    available: bool
    problem: str | None = None


class CartRead(BaseModel):
    id: str
    lines: list[CartLineRead]
    total: int
    currency: str
    url: str
    checked_out: bool
    problems: list[str]

    @classmethod
    def of(cls, view: CartView, currency: str, orders_url: str) -> CartRead:
        return cls(
            id=view.cart.id,
            lines=[
                CartLineRead(
                    id=p.line.id,
                    media_id=p.line.media_id,
                    license_id=p.line.license_id,
                    gallery_id=p.line.gallery_id,
                    title=p.title,
                    license_name=p.license_name,
                    price=p.price,
                    available=p.available,
                    problem=p.problem,
                )
                for p in view.lines
            ],
            total=view.total,
            currency=currency,
            url=f"{orders_url.rstrip('/')}/cart/{view.cart.id}",
            checked_out=view.cart.is_checked_out,
            problems=view.problems,
        )
