"""HTTP request and response bodies (CONTRACT.md shapes), and their mapping from the domain."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from shop_contracts.common import Address, Client
from shop_orders.domain.catalog import Media
from shop_orders.domain.countries import is_country_code
from shop_orders.domain.order import HistoryEntry, Order, OrderLine, OrderStatus
from shop_orders.service.checkout import CheckoutTerms
from shop_orders.service.links import Links
from shop_orders.service.messages import client_of
from shop_orders.service.placing import ItemChoice, PlaceOrder
from shop_orders.service.quotes import Quote
from shop_platform.text import check_multiline, check_single_line

# -- storefront --------------------------------------------------------------------------


class LicenseRead(BaseModel):
    """A royalty-free row (`id` its license id), or a rights-managed profile (`id` = its
    `profile_id`, `price` its base price, `rights_managed` its option tree: an item names it
    with `profile_id` and `options`)."""

    id: uuid.UUID
    name: str
    price: int = Field(description="minor units of the catalog's currency")
    delivery: dict[str, Any]
    kind: Literal["royalty_free", "rights_managed"] = "royalty_free"
    profile_id: uuid.UUID | None = None
    rights_managed: dict[str, Any] | None = None
    quantity_tiers: list[dict[str, Any]] = Field(default_factory=list)


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
                        LicenseRead(
                            id=o.id,
                            name=o.name,
                            price=o.price,
                            delivery=o.delivery,
                            kind=o.kind,
                            profile_id=o.profile_id,
                            rights_managed=o.rights_managed,
                            quantity_tiers=list(o.quantity_tiers),
                        )
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
    region: str | None = Field(
        default=None, max_length=100, description="state or province (tax rates by region)"
    )

    @field_validator("line1", "line2", "city", "postal_code", "country", "region", mode="before")
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


Name = Annotated[str, Field(min_length=1, max_length=200)]


class ItemIn(BaseModel):
    """A media under one of its royalty-free licenses (`media_id` + `license_id`), a media
    under a rights-managed profile (`media_id` + `profile_id` + `options`: the option chosen
    in every group, `{"<group>": "<option>"}`), or a whole gallery (`gallery_id` alone)."""

    model_config = ConfigDict(extra="forbid")

    media_id: uuid.UUID | None = None
    license_id: uuid.UUID | None = None
    gallery_id: uuid.UUID | None = None
    profile_id: uuid.UUID | None = None
    options: dict[Name, Name] | None = Field(default=None, max_length=50)

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        if self.gallery_id is not None:
            if any(v is not None for v in (self.media_id, self.license_id, self.profile_id)):
                raise ValueError("name either a gallery_id or a media_id and license_id")
            if self.options is not None:
                raise ValueError("options are for a rights-managed license (profile_id)")
        elif self.profile_id is not None:
            if self.media_id is None or self.license_id is not None:
                raise ValueError(
                    "a rights-managed item needs media_id and profile_id (no license_id)"
                )
            if self.options is None:
                raise ValueError("a rights-managed item needs options: {group: option}")
        elif self.media_id is None or self.license_id is None:
            raise ValueError("needs media_id and license_id (or profile_id, or gallery_id)")
        elif self.options is not None:
            raise ValueError("options are for a rights-managed license (profile_id)")
        return self

    def choice(self) -> ItemChoice:
        return ItemChoice(
            self.media_id,
            self.license_id,
            self.gallery_id,
            profile_id=self.profile_id,
            options=tuple(self.options.items()) if self.options is not None else None,
        )


class OrderCreate(BaseModel):
    """Prices are not accepted from the client: they always come from the catalog. Either
    `items` or `cart_id` (the cart's lines)."""

    model_config = ConfigDict(extra="forbid")

    client: ClientIn
    items: list[ItemIn] | None = Field(default=None, min_length=1, max_length=100)
    cart_id: str | None = Field(default=None, min_length=1, max_length=64)
    note: str | None = Field(default=None, max_length=2000)
    coupon: str | None = Field(default=None, max_length=64, description="a coupon code")
    vat_number: str | None = Field(
        default=None, max_length=40, description="an EU business buyer's: reverse charge"
    )
    fields: dict[FieldName, FieldValue] | None = Field(
        default=None, max_length=30, description="the order information fields' answers"
    )

    @field_validator("note", mode="before")
    @classmethod
    def _free_text(cls, value: object) -> object:
        return check_multiline(value)

    @field_validator("coupon", "vat_number", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return check_single_line(value)

    def command(self, idempotency_key: str | None) -> PlaceOrder:
        return PlaceOrder(
            client=self.client.to_contract(),
            items=[item.choice() for item in self.items or []],
            note=self.note,
            idempotency_key=idempotency_key or None,
            cart_id=self.cart_id,
            coupon=(self.coupon or "").strip() or None,
            vat_number=(self.vat_number or "").strip() or None,
            fields=dict(self.fields or {}),
        )


FieldName = Annotated[str, Field(min_length=1, max_length=100)]
FieldValue = Annotated[str | bool, Field(union_mode="left_to_right")]


class NextStep(BaseModel):
    action: Literal["pay", "wait_for_seller", "wait_for_delivery", "download", "none"]
    url: str | None


def next_step(order: Order, links: Links) -> NextStep:
    if order.status is OrderStatus.AWAITING_PAYMENT and order.is_free:
        return NextStep(action="wait_for_delivery", url=None)  # nothing to pay
    if order.status is OrderStatus.AWAITING_PAYMENT:
        return NextStep(action="pay", url=links.payment_url(order.id))
    if order.status is OrderStatus.AWAITING_VALIDATION:
        return NextStep(action="wait_for_seller", url=None)
    if order.downloads_url and order.status is OrderStatus.DELIVERED:
        return NextStep(action="download", url=order.downloads_url)
    if order.status is OrderStatus.PAID:
        return NextStep(action="wait_for_delivery", url=None)
    return NextStep(action="none", url=None)


class OrderItemRead(BaseModel):
    id: uuid.UUID
    media_id: uuid.UUID
    media_title: str
    media_kind: str
    license_id: uuid.UUID
    license_name: str
    price: int = Field(description="minor units, as the price was entered (with or without tax)")
    discount: int = Field(default=0, description="the line's share of the order's discounts")
    usage: dict[str, str] | None = Field(
        default=None, description="rights-managed: the option chosen in each group"
    )
    usage_text: str | None = None
    profile_id: uuid.UUID | None = None
    media_status: Literal["proof", "final"] = "final"
    gallery_id: uuid.UUID | None = None
    photographer_id: uuid.UUID | None = Field(
        default=None, description="the agency: the photographer's account (null: the shop's own)"
    )
    photographer_name: str | None = None

    @classmethod
    def of(cls, line: OrderLine) -> OrderItemRead:
        return cls(
            id=line.id,
            media_id=line.media_id,
            media_title=line.media_title,
            media_kind=line.media_kind,
            license_id=line.license_id,
            license_name=line.license_name,
            price=line.price,
            discount=line.discount,
            usage=dict(line.usage) if line.usage is not None else None,
            usage_text=line.usage_text,
            profile_id=line.profile_id,
            media_status=line.media_status,
            gallery_id=line.gallery_id,
            photographer_id=line.photographer_id,
            photographer_name=line.photographer.name if line.photographer else None,
        )


class OrderPlacedRead(BaseModel):
    """The answer to `POST /api/orders`: total = subtotal - discount + tax (minor units;
    with prices entered with tax, subtotal and discount are net of tax)."""

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
    tax_rate: Decimal | None = Field(default=None, description="percent; None: no tax set")
    prices_include_tax: bool = False
    reverse_charge: bool = False
    vat_number: str | None = None
    coupon: str | None = Field(default=None, description="the coupon code applied")
    fields: dict[str, str] = Field(default_factory=dict, description="information fields")
    invoice_number: str | None = None
    items: list[OrderItemRead] = Field(default_factory=list)
    access_token: str
    next: NextStep

    @classmethod
    def of(cls, order: Order, links: Links) -> OrderPlacedRead:
        return cls(
            id=order.id,
            number=order.number,
            status=order.status,
            payment_status=order.payment_status.value,
            delivery_status=order.delivery_status.value,
            subtotal=order.subtotal,
            discount=order.discount,
            tax=order.tax,
            total=order.total,
            currency=order.currency,
            tax_rate=order.tax_rate,
            prices_include_tax=order.prices_include_tax,
            reverse_charge=order.reverse_charge,
            vat_number=order.vat_number,
            coupon=order.coupon_code,
            fields={value.name: value.value for value in order.fields},
            invoice_number=order.invoice_number,
            items=[OrderItemRead.of(line) for line in order.lines],
            access_token=links.access_token(order.id),
            next=next_step(order, links),
        )


class OrderRead(OrderPlacedRead):
    """The client's view of the order (`GET /api/orders/{id}`)."""

    downloads_url: str | None
    created_at: datetime
    refunded: int = Field(default=0, description="given back so far (minor units)")

    @classmethod
    def of(cls, order: Order, links: Links) -> OrderRead:
        base = OrderPlacedRead.of(order, links)
        return cls(
            **{name: getattr(base, name) for name in OrderPlacedRead.model_fields},
            downloads_url=order.downloads_url,
            created_at=order.created_at,
            refunded=order.refunded,
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
    refundable: int = Field(
        default=0, description="what a refund may still give back: paid - refunded - on its way"
    )
    refund_due: bool = Field(
        default=False, description="money received for the cancelled order, owed back"
    )

    @classmethod
    def of_admin(
        cls, order: Order, links: Links, history: list[HistoryEntry] | None = None
    ) -> AdminOrderRead:
        base = OrderRead.of(order, links)
        return cls(
            **{name: getattr(base, name) for name in OrderRead.model_fields},
            client=client_of(order),
            note=order.note,
            manual_validation=order.manual_validation,
            updated_at=order.updated_at,
            allowed_actions=[a.value for a in order.allowed_actions()],
            refundable=order.refundable,
            refund_due=order.refund_due,
            history=[
                HistoryRead(at=h.at, kind=h.kind, detail=h.detail, actor=h.actor) for h in history
            ]
            if history is not None
            else None,
        )


# -- the quote (POST /api/orders/quote) ---------------------------------------------------


class QuoteAddressIn(BaseModel):
    """What a quote needs of the address: where the buyer is (tax); the rest may be sent
    (the checkout's whole form) and is not used."""

    model_config = ConfigDict(extra="ignore")

    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    region: str | None = Field(default=None, max_length=100)

    @field_validator("country", "region", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return check_single_line(value)

    @field_validator("country")
    @classmethod
    def _iso_country(cls, value: str | None) -> str | None:
        if value is not None and not is_country_code(value):
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
        return value


class QuoteClientIn(BaseModel):
    """A checkout form as it stands: the email only tells whether this client already used
    a coupon meant once per client (not checked as an address here: placing checks it)."""

    model_config = ConfigDict(extra="ignore")

    email: str | None = Field(default=None, max_length=320)
    address: QuoteAddressIn | None = None


class QuoteCreate(BaseModel):
    """The body of `POST /api/orders` (the client may be partial: only its email and its
    address's country and region matter)."""

    model_config = ConfigDict(extra="forbid")

    client: QuoteClientIn | None = None
    items: list[ItemIn] | None = Field(default=None, min_length=1, max_length=100)
    cart_id: str | None = Field(default=None, min_length=1, max_length=64)
    note: str | None = Field(default=None, max_length=2000)  # not used
    coupon: str | None = Field(default=None, max_length=64)
    vat_number: str | None = Field(default=None, max_length=40)
    fields: dict[FieldName, FieldValue] | None = Field(default=None, max_length=30)

    @field_validator("coupon", "vat_number", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return check_single_line(value)

    def items_chosen(self) -> list[ItemChoice]:
        return [item.choice() for item in self.items or []]

    def terms(self) -> CheckoutTerms:
        address = self.client.address if self.client else None
        return CheckoutTerms(
            country=address.country if address else None,
            region=address.region if address else None,
            email=str(self.client.email) if self.client and self.client.email else None,
            coupon=self.coupon,
            vat_number=self.vat_number,
            fields=self.fields,
        )


class QuoteLineRead(BaseModel):
    title: str
    license_name: str
    usage: dict[str, str] | None = None
    price: int
    discount: int = 0


class QuoteCouponRead(BaseModel):
    code: str
    discount: int = Field(description="what the coupon takes off, as the prices are entered")


class QuoteRead(BaseModel):
    """What the checkout would cost now: total = subtotal - discount + tax."""

    subtotal: int
    discount: int
    tax: int
    total: int
    currency: str
    tax_rate: Decimal | None = None
    prices_include_tax: bool = False
    reverse_charge: bool = False
    coupon: QuoteCouponRead | None = None
    lines: list[QuoteLineRead]

    @classmethod
    def of(cls, quote: Quote) -> QuoteRead:
        priced, charges = quote.priced, quote.priced.charges
        coupon = priced.coupon
        return cls(
            subtotal=charges.subtotal,
            discount=charges.discount,
            tax=charges.tax,
            total=charges.total,
            currency=quote.currency,
            tax_rate=charges.tax_rate,
            prices_include_tax=charges.prices_include_tax,
            reverse_charge=charges.reverse_charge,
            coupon=QuoteCouponRead(code=coupon.code, discount=priced.coupon_discount)
            if coupon
            else None,
            lines=[
                QuoteLineRead(
                    title=line.media_title,
                    license_name=line.license_name,
                    usage=dict(line.usage) if line.usage is not None else None,
                    price=line.price,
                    discount=line.discount,
                )
                for line in priced.lines
            ],
        )
