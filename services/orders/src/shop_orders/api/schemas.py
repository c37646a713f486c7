"""HTTP request and response bodies (CONTRACT.md shapes), and their mapping from the domain."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from shop_contracts.common import Address, Client
from shop_orders.domain.catalog import Media
from shop_orders.domain.countries import is_country_code
from shop_orders.domain.order import HistoryEntry, Order, OrderStatus
from shop_orders.service.links import Links
from shop_orders.service.messages import client_of
from shop_orders.service.placing import ItemChoice, PlaceOrder
from shop_platform.text import check_multiline, check_single_line

# -- storefront --------------------------------------------------------------------------


class LicenseRead(BaseModel):
    id: uuid.UUID
    name: str
    price: int = Field(description="minor units of the catalog's currency")
    delivery: dict[str, Any]


class MediaRead(BaseModel):
    id: uuid.UUID
    title: str
    kind: Literal["image", "video"]
    width: int
    height: int
    credit: str | None = None
    licenses: list[LicenseRead]


class CatalogRead(BaseModel):
    currency: str
    media: list[MediaRead]

    @classmethod
    def of(cls, media: list[Media], currency: str) -> CatalogRead:
        return cls(
            currency=currency,
            media=[
                MediaRead(
                    id=m.id,
                    title=m.title,
                    kind=m.kind,
                    width=m.width,
                    height=m.height,
                    credit=m.credit,
                    licenses=[
                        LicenseRead(id=o.id, name=o.name, price=o.price, delivery=o.delivery)
                        for o in m.licenses
                    ],
                )
                for m in media
            ],
        )


class AddressIn(BaseModel):
    """The address as the checkout sends it (our own HTTP model; `to_contract` maps it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    postal_code: str = Field(min_length=1, max_length=20)
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code")

    @field_validator("line1", "line2", "city", "postal_code", "country", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return check_single_line(value)

    @field_validator("country")
    @classmethod
    def _iso_country(cls, value: str) -> str:
        if not is_country_code(value):
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
        return value

    def to_contract(self) -> Address:
        return Address(**self.model_dump())


class ClientIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    address: AddressIn

    @field_validator("name", "email", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return check_single_line(value)

    def to_contract(self) -> Client:
        return Client(name=self.name, email=self.email, address=self.address.to_contract())


class ItemIn(BaseModel):
    """A media under one of its licenses (`media_id` + `license_id`), or a whole gallery
    (`gallery_id` alone)."""

    model_config = ConfigDict(extra="forbid")

    media_id: uuid.UUID | None = None
    license_id: uuid.UUID | None = None
    gallery_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> ItemIn:
        if self.gallery_id is not None:
            if self.media_id is not None or self.license_id is not None:
                raise ValueError("name either a gallery_id or a media_id and license_id")
        elif self.media_id is None or self.license_id is None:
            raise ValueError("needs media_id and license_id (or gallery_id)")
        return self

    def choice(self) -> ItemChoice:
        return ItemChoice(self.media_id, self.license_id, self.gallery_id)


class OrderCreate(BaseModel):
    """Prices are not accepted from the client: they always come from the catalog. Either
    `items` or `cart_id` (the cart's lines)."""

    model_config = ConfigDict(extra="forbid")

    client: ClientIn
    items: list[ItemIn] | None = Field(default=None, min_length=1, max_length=100)
    cart_id: str | None = Field(default=None, min_length=1, max_length=64)
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("note", mode="before")
    @classmethod
    def _free_text(cls, value: object) -> object:
        return check_multiline(value)

    def command(self, idempotency_key: str | None) -> PlaceOrder:
        return PlaceOrder(
            client=self.client.to_contract(),
            items=[item.choice() for item in self.items or []],
            note=self.note,
            idempotency_key=idempotency_key or None,
            cart_id=self.cart_id,
        )


class NextStep(BaseModel):
    action: Literal["pay", "wait_for_seller", "wait_for_delivery", "download", "none"]
    url: str | None


def next_step(order: Order, links: Links) -> NextStep:
    if order.status is OrderStatus.AWAITING_PAYMENT:
        return NextStep(action="pay", url=links.payment_url(order.id))
    if order.status is OrderStatus.AWAITING_VALIDATION:
        return NextStep(action="wait_for_seller", url=None)
    if order.downloads_url and order.status is OrderStatus.DELIVERED:
        return NextStep(action="download", url=order.downloads_url)
    if order.status is OrderStatus.PAID:
        return NextStep(action="wait_for_delivery", url=None)
    return NextStep(action="none", url=None)


class OrderPlacedRead(BaseModel):
    """The answer to `POST /api/orders`."""

    id: uuid.UUID
    number: str
    status: OrderStatus
    payment_status: str
    delivery_status: str
    subtotal: int
    discount: int = 0
    tax: int = 0
    total: int
    currency: str
    access_token: str
    next: NextStep

    @classmethod
    def of(cls, order: Order, links: Links) -> OrderPlacedRead:
        return cls(
            subtotal=order.total,
            id=order.id,
            number=order.number,
            status=order.status,
            payment_status=order.payment_status.value,
            delivery_status=order.delivery_status.value,
            total=order.total,
            currency=order.currency,
            access_token=links.access_token(order.id),
            next=next_step(order, links),
        )


class OrderItemRead(BaseModel):
    id: uuid.UUID
    media_id: uuid.UUID
    media_title: str
    media_kind: str
    license_id: uuid.UUID
    license_name: str
    price: int
    media_status: Literal["proof", "final"] = "final"
    gallery_id: uuid.UUID | None = None


class OrderRead(OrderPlacedRead):
    """The client's view of the order (`GET /api/orders/{id}`)."""

    items: list[OrderItemRead]
    downloads_url: str | None
    created_at: datetime

    @classmethod
    def of(cls, order: Order, links: Links) -> OrderRead:
        base = OrderPlacedRead.of(order, links).model_dump()
        return cls(
            **base,
            items=[
                OrderItemRead(
                    id=line.id,
                    media_id=line.media_id,
                    media_title=line.media_title,
                    media_kind=line.media_kind,
                    license_id=line.license_id,
                    license_name=line.license_name,
                    price=line.price,
                    media_status=line.media_status,
                    gallery_id=line.gallery_id,
                )
                for line in order.lines
            ],
            downloads_url=order.downloads_url,
            created_at=order.created_at,
        )


# -- admin ----------------------------------------------------------------------------------


class HistoryRead(BaseModel):
    at: datetime
    kind: str
    detail: str
    actor: str


class AdminOrderRead(OrderRead):
    client: Client
    note: str | None
    manual_validation: bool
    updated_at: datetime
    allowed_actions: list[str]
    history: list[HistoryRead] | None = None

    @classmethod
    def of_admin(
        cls, order: Order, links: Links, history: list[HistoryEntry] | None = None
    ) -> AdminOrderRead:
        return cls(
            **OrderRead.of(order, links).model_dump(),
            client=client_of(order),
            note=order.note,
            manual_validation=order.manual_validation,
            updated_at=order.updated_at,
            allowed_actions=[a.value for a in order.allowed_actions()],
            history=[
                HistoryRead(at=h.at, kind=h.kind, detail=h.detail, actor=h.actor) for h in history
            ]
            if history is not None
            else None,
        )
