"""The admin API of the pricing settings (bearer ADMIN_TOKEN), issue 12: coupons, tax,
order information fields. The shop's currency is in `GET/PUT /api/admin/settings`.

The bodies' models are here too (the admin pages validate their forms' bodies with them)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Response, status
from fastapi.security import HTTPBearer
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)

from shop_orders.api.context import Ctx
from shop_orders.domain.coupons import CouponRecord, CouponTerms
from shop_orders.domain.errors import FieldError
from shop_orders.domain.order_fields import FieldKind, OrderField
from shop_orders.service import pricing_settings
from shop_orders.service.pricing_settings import RateInput
from shop_platform.accounts import Permission
from shop_platform.auth import require_api
from shop_platform.errors import error_responses
from shop_pricing.tax import TaxSettings

# -- coupons -----------------------------------------------------------------------------------


class CouponWrite(BaseModel):
    """A coupon as the photographer writes it (POST creates, PUT replaces). The discount is
    `amount_off` (minor units) or `percent_off` (1-100), or the same as `kind` + `value`."""

    model_config = ConfigDict(extra="forbid")

    code: StrictStr = Field(
        min_length=1, max_length=100, description="letters and digits, case-insensitive"
    )
    amount_off: StrictInt | None = Field(default=None, description="minor units")
    percent_off: StrictInt | None = Field(default=None, description="whole percent, 1-100")
    kind: Literal["amount", "percent"] | None = None
    value: StrictInt | None = None
    minimum_order: StrictInt | None = Field(
        default=None, description="minor units, on the subtotal after quantity discounts"
    )
    profile_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=500, description="only lines of these profiles; null: all"
    )
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = Field(default=None, description="exclusive")
    max_uses: StrictInt | None = None
    once_per_client: StrictBool = False
    active: StrictBool = True

    def terms(self) -> CouponTerms:
        amount_off, percent_off = self.amount_off, self.percent_off
        if self.kind is not None or self.value is not None:
            if self.kind is None or self.value is None:
                raise FieldError("value" if self.value is None else "kind", "required")
            same = (self.value, None) if self.kind == "amount" else (None, self.value)
            if (amount_off, percent_off) not in ((None, None), same):
                raise FieldError("kind", "give kind + value or amount_off / percent_off, not both")
            amount_off, percent_off = same
        return CouponTerms(
            code=self.code,
            amount_off=amount_off,
            percent_off=percent_off,
            minimum_order=self.minimum_order,
            profile_ids=frozenset(self.profile_ids) if self.profile_ids else None,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            max_uses=self.max_uses,
            once_per_client=self.once_per_client,
            active=self.active,
        )


class CouponRead(BaseModel):
    id: uuid.UUID
    code: str
    kind: Literal["amount", "percent"]
    value: int
    amount_off: int | None
    percent_off: int | None
    minimum_order: int | None
    profile_ids: list[uuid.UUID] | None
    starts_at: datetime | None
    ends_at: datetime | None
    max_uses: int | None
    uses: int = Field(description="orders holding a use (a cancelled order gives it back)")
    once_per_client: bool
    active: bool
    created_at: datetime | None
    updated_at: datetime | None
    first_used_at: datetime | None
    code_frozen: bool = Field(description="used once: the code can no longer change")

    @classmethod
    def of(cls, record: CouponRecord) -> CouponRead:
        return cls(
            id=record.id,
            code=record.code,
            kind=record.kind,
            value=record.value,
            amount_off=record.value if record.kind == "amount" else None,
            percent_off=record.value if record.kind == "percent" else None,
            minimum_order=record.minimum_order,
            profile_ids=sorted(record.profile_ids) if record.profile_ids else None,
            starts_at=record.starts_at,
            ends_at=record.ends_at,
            max_uses=record.max_uses,
            uses=record.uses,
            once_per_client=record.once_per_client,
            active=record.active,
            created_at=record.created_at,
            updated_at=record.updated_at,
            first_used_at=record.first_used_at,
            code_frozen=record.used,
        )


# -- tax -----------------------------------------------------------------------------------------


class TaxRateIO(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country: StrictStr = Field(max_length=20, description="ISO 3166-1 alpha-2")
    region: StrictStr | None = Field(default=None, max_length=100, description="null: all")
    rate: StrictStr | StrictInt | StrictFloat = Field(
        description='a percentage from 0 to 100, e.g. "20.0" (at most 4 decimals)'
    )


class TaxWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prices_include_tax: StrictBool = False
    rates: list[TaxRateIO] = Field(default_factory=list, max_length=pricing_settings.MAX_RATES)
    seller_country: StrictStr | None = Field(
        default=None, max_length=20, description="the shop's country (reverse charge)"
    )
    configured: StrictBool | None = Field(
        default=None, description="ignored (what GET answers: its body may be put back as is)"
    )

    def settings(self) -> TaxSettings:
        return pricing_settings.tax_settings_of(
            prices_include_tax=self.prices_include_tax,
            rates=[
                RateInput(country=r.country, rate=str(r.rate), region=r.region) for r in self.rates
            ],
            seller_country=self.seller_country,
        )


def rate_text(rate: Fraction) -> str:
    """Fraction(20) -> "20.0", Fraction(11, 2) -> "5.5", Fraction(8875, 1000) -> "8.875"."""
    text = format((Decimal(rate.numerator) / Decimal(rate.denominator)).normalize(), "f")
    return text if "." in text else f"{text}.0"


class TaxRead(BaseModel):
    prices_include_tax: bool
    rates: list[TaxRateIO]
    seller_country: str | None
    configured: bool = Field(description="false until saved once (no tax is charged then)")

    @classmethod
    def of(cls, settings: TaxSettings | None) -> TaxRead:
        if settings is None:
            return cls(prices_include_tax=False, rates=[], seller_country=None, configured=False)
        return cls(
            prices_include_tax=settings.prices_include_tax,
            rates=[
                TaxRateIO(country=r.country, region=r.region, rate=rate_text(r.rate))
                for r in settings.rates
            ],
            seller_country=settings.home_country,
            configured=True,
        )


# -- order information fields ----------------------------------------------------------------------


class OrderFieldIO(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(
        min_length=1, max_length=100, description='the key in the order\'s "fields"'
    )
    label: StrictStr = Field(min_length=1, max_length=200)
    kind: FieldKind
    required: StrictBool = False
    max_length: StrictInt | None = Field(default=None, description="text and long_text")
    choices: list[StrictStr] = Field(default_factory=list, max_length=50)

    def field(self) -> OrderField:
        return OrderField(
            name=self.name.strip(),
            label=self.label.strip(),
            kind=self.kind,
            required=self.required,
            max_length=self.max_length,
            choices=tuple(c.strip() for c in self.choices),
        )

    @classmethod
    def of(cls, f: OrderField) -> OrderFieldIO:
        return cls(
            name=f.name,
            label=f.label,
            kind=f.kind,
            required=f.required,
            max_length=f.max_length,
            choices=list(f.choices),
        )


# -- routes ------------------------------------------------------------------------------------

router = APIRouter(
    prefix="/api/admin",
    tags=["admin: pricing"],
    # HTTPBearer only documents the scheme in OpenAPI; the permission decides (issue 14).
    dependencies=[
        Depends(HTTPBearer(auto_error=False)),
        Depends(require_api(Permission.SETTINGS)),
    ],
    responses=error_responses(401, 403),
)


@router.get("/coupons")
async def list_coupons(ctx: Ctx) -> list[CouponRead]:
    """Every coupon, newest first."""
    async with ctx.transaction() as repos:
        return [CouponRead.of(c) for c in await pricing_settings.list_coupons(repos)]


@router.post("/coupons", status_code=status.HTTP_201_CREATED, responses=error_responses(409, 422))
async def create_coupon(ctx: Ctx, body: CouponWrite) -> CouponRead:
    """A new coupon; 409 when another coupon has the code (case-insensitive)."""
    terms = body.terms()
    async with ctx.transaction() as repos:
        return CouponRead.of(await pricing_settings.create_coupon(repos, terms))


@router.get("/coupons/{coupon_id}", responses=error_responses(404))
async def get_coupon(ctx: Ctx, coupon_id: uuid.UUID) -> CouponRead:
    async with ctx.transaction() as repos:
        return CouponRead.of(await pricing_settings.get_coupon(repos, coupon_id))


@router.put("/coupons/{coupon_id}", responses=error_responses(404, 409, 422))
async def update_coupon(ctx: Ctx, coupon_id: uuid.UUID, body: CouponWrite) -> CouponRead:
    """Replace the coupon's terms; its code is frozen once used (409)."""
    terms = body.terms()
    async with ctx.transaction() as repos:
        return CouponRead.of(await pricing_settings.update_coupon(repos, coupon_id, terms))


@router.delete(
    "/coupons/{coupon_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(404, 409),
)
async def delete_coupon(ctx: Ctx, coupon_id: uuid.UUID) -> Response:
    """Delete a coupon never used; a used one: 409 (disable it: `"active": false`)."""
    async with ctx.transaction() as repos:
        await pricing_settings.delete_coupon(repos, coupon_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/tax")
async def get_tax(ctx: Ctx) -> TaxRead:
    async with ctx.transaction() as repos:
        return TaxRead.of(await pricing_settings.get_tax(repos))


@router.put("/tax", responses=error_responses(422))
async def put_tax(ctx: Ctx, body: TaxWrite) -> TaxRead:
    """Replace the tax settings and every rate; an unknown country or a rate outside 0-100:
    422 naming it."""
    settings = body.settings()
    async with ctx.transaction() as repos:
        return TaxRead.of(await pricing_settings.update_tax(repos, settings))


@router.get("/order-fields")
async def get_order_fields(ctx: Ctx) -> list[OrderFieldIO]:
    """The information fields the checkout asks, in order."""
    async with ctx.transaction() as repos:
        return [OrderFieldIO.of(f) for f in await pricing_settings.get_order_fields(repos)]


@router.put("/order-fields", responses=error_responses(422))
async def put_order_fields(
    ctx: Ctx, body: Annotated[list[OrderFieldIO], Body()]
) -> list[OrderFieldIO]:
    """Replace the fields (orders placed keep their answers and labels)."""
    fields = [f.field() for f in body]
    async with ctx.transaction() as repos:
        saved = await pricing_settings.update_order_fields(repos, fields)
    return [OrderFieldIO.of(f) for f in saved]
