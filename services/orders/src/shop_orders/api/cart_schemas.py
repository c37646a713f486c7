"""The cart's HTTP bodies (CONTRACT: `POST /api/carts`, `PUT /api/carts/{id}/lines`)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from shop_orders.api.schemas import ItemIn
from shop_orders.service.carts import CartView

_OPTION_KEY = re.compile(r"options\[(.+)\]", re.DOTALL)


class FormLike(Protocol):
    """What `CartLineWrite.from_form` reads: a submitted form's (name, value) pairs."""

    def items(self) -> Iterable[tuple[str, Any]]: ...


class CartLineWrite(ItemIn):
    """A media under one of its royalty-free licenses, a media under a rights-managed
    profile with its options, or a whole gallery. Anything else sent (a price, say) is
    ignored: prices come from the catalog on the server."""

    model_config = ConfigDict(extra="ignore")

    @classmethod
    def from_form(cls, form: FormLike | Mapping[str, Any]) -> CartLineWrite:
        """From the storefront's "Add to cart" form: `media_id` with `license_id`, or
        `media_id`, `profile_id` and one `options[<group>]` = option per group; or
        `gallery_id`. Empty fields count as absent; pydantic's ValidationError for
        anything else (as `model_validate`)."""
        body: dict[str, Any] = {}
        options: dict[str, str] = {}
        for key, value in form.items():
            text = str(value)
            if text == "":
                continue
            matched = _OPTION_KEY.fullmatch(key)
            if matched:
                options[matched.group(1)] = text
            else:
                body[key] = text
        if options or "profile_id" in body:
            body["options"] = options
        return cls.model_validate(body)


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
    profile_id: uuid.UUID | None = None
    usage: dict[str, str] | None = Field(
        default=None, description="rights-managed: the option chosen in each group"
    )
    usage_text: str | None = None
    discount: int = Field(default=0, description="the line's quantity discount")


class CartRead(BaseModel):
    """The cart priced now: `total` = `subtotal` - `discount` (quantity discounts; a
    coupon and tax come at checkout)."""

    id: str
    lines: list[CartLineRead]
    subtotal: int
    discount: int
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
                    profile_id=p.profile_id,
                    usage=dict(p.usage) if p.usage is not None else None,
                    usage_text=p.usage_text,
                    discount=p.discount,
                )
                for p in view.lines
            ],
            subtotal=view.subtotal,
            discount=view.discount,
            total=view.total,
            currency=currency,
            url=f"{orders_url.rstrip('/')}/cart/{view.cart.id}",
            checked_out=view.cart.is_checked_out,
            problems=view.problems,
        )
