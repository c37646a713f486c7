"""The cart's HTTP bodies (CONTRACT: `POST /api/carts`, `PUT /api/carts/{id}/lines`)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, model_validator

from shop_orders.service.carts import CartView
from shop_orders.service.placing import ItemChoice


class CartLineWrite(BaseModel):
    """A media under one of its licenses, or a whole gallery. Anything else sent (a price,
    say) is ignored: prices come from the catalog on the server."""

    model_config = ConfigDict(extra="ignore")

    media_id: uuid.UUID | None = None
    license_id: uuid.UUID | None = None
    gallery_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> CartLineWrite:
        if self.gallery_id is not None:
            if self.media_id is not None or self.license_id is not None:
                raise ValueError("name either a gallery_id or a media_id and license_id")
        elif self.media_id is None or self.license_id is None:
            raise ValueError("needs media_id and license_id (or gallery_id)")
        return self

    def choice(self) -> ItemChoice:
        return ItemChoice(self.media_id, self.license_id, self.gallery_id)


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
