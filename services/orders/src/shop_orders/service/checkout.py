"""Pricing a checkout: its lines from the read model of the catalog (a royalty-free row's
price, or a rights-managed usage priced from its option tree), then `shop_pricing`'s
`order_totals` (quantity tiers per profile, the coupon, tax for the buyer). Placing an order
and quoting one (`POST /api/orders/quote`) price the same way; only placing records it and
takes the coupon's use. Prices never come from the client.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from shop_contracts.common import InfoFieldValue
from shop_orders.domain import order_fields
from shop_orders.domain.coupons import CouponRecord
from shop_orders.domain.errors import CouponRefusedError, InvalidOrderError
from shop_orders.domain.order import Charges, OrderLine
from shop_orders.service import pricing_settings
from shop_orders.service.catalog_lines import ItemChoice, lines_from_catalog
from shop_orders.service.ports import Repositories
from shop_pricing.coupons import Coupon, CouponRefused, Refusal
from shop_pricing.lines import Line
from shop_pricing.rounding import PriceError
from shop_pricing.tax import EU_COUNTRIES, Buyer, vat_number_valid
from shop_pricing.totals import OrderTotals, order_totals


@dataclass(frozen=True, slots=True)
class CheckoutTerms:
    """What a checkout asks for beside its items: who buys (for tax and a coupon used once
    per client), the coupon code, the VAT number and the information fields' answers
    (None: not given, as a quote may leave them; placing checks them always)."""

    country: str | None = None
    region: str | None = None
    email: str | None = None
    coupon: str | None = None
    vat_number: str | None = None
    fields: Mapping[str, object] | None = None


@dataclass(frozen=True, slots=True)
class PricedCheckout:
    lines: list[OrderLine]  # each with its share of the discounts
    charges: Charges
    coupon: CouponRecord | None  # the coupon applied
    coupon_discount: int  # its part of the discount, in the prices' own terms
    fields: list[InfoFieldValue]
    vat_number: str | None


async def price_checkout(
    repos: Repositories,
    items: list[ItemChoice],
    terms: CheckoutTerms,
    *,
    now: datetime,
    field: str = "items",
    check_fields: bool = True,
    check_client_use: bool = True,
) -> PricedCheckout:
    """The checkout priced, or InvalidOrderError naming what is refused (CouponRefusedError
    naming the coupon's refusal reason). Nothing is written."""
    lines, tiers = await lines_from_catalog(repos, items, field=field)
    record, coupon = await _coupon(repos, terms, now, check_client_use=check_client_use)
    vat_number = _vat_number(terms)
    settings = await repos.checkout_settings.get()  # the tax and the fields: one round trip
    tax = pricing_settings.charged(settings.tax)
    buyer = None
    if tax is not None and terms.country is not None:
        try:
            buyer = Buyer(terms.country, terms.region or None, vat_number)
        except PriceError as exc:
            raise InvalidOrderError("client.address.country", exc.problem) from None
    elif tax is not None:
        tax = None  # a quote without a country yet: no tax figure
    try:
        totals = order_totals(
            [Line(line.price, line.profile_id) for line in lines],
            quantity_tiers=tiers,
            coupon=coupon,
            tax=tax,
            buyer=buyer,
        )
    except CouponRefused as exc:
        raise coupon_refused(exc.reason, str(exc)) from None
    except PriceError as exc:
        raise InvalidOrderError(_price_field(exc.field), exc.problem) from None
    answers: list[InfoFieldValue] = []
    if check_fields or terms.fields is not None:
        answers = order_fields.validate(settings.fields, terms.fields)
    return _priced(lines, totals, record, answers, vat_number)


def _priced(
    lines: list[OrderLine],
    totals: OrderTotals,
    record: CouponRecord | None,
    answers: list[InfoFieldValue],
    vat_number: str | None,
) -> PricedCheckout:
    shares = totals.lines
    tax = totals.tax
    charges = Charges(
        subtotal=totals.totals.subtotal,
        discount=totals.totals.discount,
        tax=totals.totals.tax,
        tax_rate=None if tax is None else as_decimal(tax.rate),
        prices_include_tax=tax is not None and tax.included,
        reverse_charge=totals.reverse_charge,
    )
    return PricedCheckout(
        lines=[
            replace(line, discount=share.discount)
            for line, share in zip(lines, shares, strict=True)
        ],
        charges=charges,
        coupon=record,
        coupon_discount=sum(share.coupon_discount for share in shares),
        fields=answers,
        vat_number=vat_number,
    )


def as_decimal(rate: Fraction) -> Decimal:
    """A tax rate (a percentage entered as a decimal, so its fraction is a finite decimal)."""
    exact = (Decimal(rate.numerator) / Decimal(rate.denominator)).normalize()
    return Decimal(format(exact, "f"))  # 20, not 2E+1


async def _coupon(
    repos: Repositories, terms: CheckoutTerms, now: datetime, *, check_client_use: bool
) -> tuple[CouponRecord | None, Coupon | None]:
    code = (terms.coupon or "").strip()
    if not code:
        return None, None
    record = await repos.coupons.get_by_code(code)
    if record is None:
        raise coupon_refused(Refusal.UNKNOWN)
    used = False
    if check_client_use and record.once_per_client and terms.email:
        used = await repos.coupons.used_by(record.id, terms.email)
    try:
        return record, record.check(now, used_by_client=used)
    except CouponRefused as exc:
        raise coupon_refused(exc.reason, str(exc)) from None
    except PriceError:  # a stored coupon the rules refuse: as if there were none
        raise coupon_refused(Refusal.UNKNOWN) from None


REFUSALS: dict[Refusal, str] = {
    Refusal.UNKNOWN: "no such coupon",
    Refusal.NOT_STARTED: "this coupon is not valid yet",
    Refusal.EXPIRED: "this coupon has expired",
    Refusal.USED_UP: "this coupon has no use left",
    Refusal.BELOW_MINIMUM: "the order is below this coupon's minimum",
    Refusal.NOT_APPLICABLE: "this coupon applies to none of these files",
    Refusal.ALREADY_USED_BY_CLIENT: "this coupon was already used with this email",
}


def coupon_refused(reason: Refusal, detail: str = "") -> CouponRefusedError:
    """The 422 of a coupon that cannot apply: the reason's name first (`used_up: ...`)."""
    said = detail.split(": ", 1)[1] if ": " in detail else ""
    message = f"{reason.value}: {REFUSALS[reason]}" + (f" ({said})" if said else "")
    return CouponRefusedError("coupon", message, reason.value)


def _vat_number(terms: CheckoutTerms) -> str | None:
    """The VAT number as given (blank: none); its format is checked for an EU country."""
    number = (terms.vat_number or "").strip()
    if not number:
        return None
    country = (terms.country or "").strip().upper()
    if country in EU_COUNTRIES and not vat_number_valid(country, number):
        raise InvalidOrderError("vat_number", f"not a valid VAT number for {country}")
    return number


def _price_field(problem_field: str) -> str:
    if problem_field in ("country", "buyer.country"):
        return "client.address.country"
    return "items"
