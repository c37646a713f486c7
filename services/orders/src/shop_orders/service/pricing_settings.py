"""The photographer's pricing settings (issue 12): coupons, tax, order information fields and
the shop's currency. The rules are `shop_pricing`'s (Coupon, TaxRate, TaxSettings); these use
cases load, check, save, and say what is refused (FieldError 422, conflicts 409)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

import structlog

from shop_contracts.events import CurrencyChanged
from shop_contracts.money import is_currency
from shop_orders.domain.countries import is_country_code
from shop_orders.domain.coupons import (
    CouponConflictError,
    CouponNotFoundError,
    CouponRecord,
    CouponTerms,
)
from shop_orders.domain.errors import FieldError, IllegalTransitionError
from shop_orders.domain.order_fields import OrderField, check_definitions
from shop_orders.service.ports import Repositories
from shop_pricing.rounding import PriceError
from shop_pricing.tax import TaxRate, TaxSettings

log = structlog.get_logger()

MAX_RATES = 500
RATE_DECIMALS = 4  # what the rates table stores
MAX_REGION = 100


# -- coupons ---------------------------------------------------------------------------------


async def list_coupons(repos: Repositories) -> list[CouponRecord]:
    return await repos.coupons.list()


async def get_coupon(repos: Repositories, coupon_id: uuid.UUID) -> CouponRecord:
    record = await repos.coupons.get(coupon_id)
    if record is None:
        raise CouponNotFoundError("no such coupon")
    return record


async def create_coupon(
    repos: Repositories, terms: CouponTerms, now: datetime | None = None
) -> CouponRecord:
    """A new coupon; 409 when another coupon has its code (case-insensitive)."""
    record = terms.record(uuid.uuid4())
    if not await repos.coupons.add(record, now or datetime.now(UTC)):
        raise CouponConflictError(f"another coupon has the code {record.code}")
    log.info("coupon.created", coupon_id=str(record.id), code=record.code)
    return await get_coupon(repos, record.id)


async def update_coupon(
    repos: Repositories, coupon_id: uuid.UUID, terms: CouponTerms, now: datetime | None = None
) -> CouponRecord:
    """The coupon with its new terms; its code is frozen after its first use (409), and
    `max_uses` cannot go below the uses taken (422)."""
    current = await repos.coupons.get(coupon_id, for_update=True)
    if current is None:
        raise CouponNotFoundError("no such coupon")
    record = terms.record(coupon_id, uses=current.uses)
    if record.code != current.code:
        if current.used:
            raise CouponConflictError(
                f"the code {current.code} is frozen: the coupon was used (make a new coupon)"
            )
        if await repos.coupons.code_taken(record.code, other_than=coupon_id):
            raise CouponConflictError(f"another coupon has the code {record.code}")
    if not await repos.coupons.save(record, now or datetime.now(UTC)):
        raise CouponConflictError(f"another coupon has the code {record.code}")
    log.info("coupon.updated", coupon_id=str(coupon_id), code=record.code)
    return await get_coupon(repos, coupon_id)


async def delete_coupon(repos: Repositories, coupon_id: uuid.UUID) -> None:
    """Delete a coupon never used; a used one is kept for the orders that name it (409:
    disable it instead)."""
    current = await repos.coupons.get(coupon_id, for_update=True)
    if current is None:
        raise CouponNotFoundError("no such coupon")
    if current.used or not await repos.coupons.delete(coupon_id):
        raise CouponConflictError(
            f'the coupon {current.code} was used: disable it instead ("active": false)'
        )
    log.info("coupon.deleted", coupon_id=str(coupon_id), code=current.code)


# -- tax ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RateInput:
    """One rate as the photographer writes it (checked by `tax_settings_of`)."""

    country: str
    rate: Decimal | str
    region: str | None = None


def _country(field: str, value: str) -> str:
    code = value.strip().upper() if isinstance(value, str) else ""
    if not is_country_code(code):
        raise FieldError(field, f"unknown country {value.strip()[:20]!r} (ISO 3166-1 alpha-2)")
    return code


def _rate(field: str, value: Decimal | str) -> Decimal:
    try:
        rate = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise FieldError(field, 'must be a number (a percentage, e.g. "20.0")') from None
    if not rate.is_finite() or not 0 <= rate <= 100:
        raise FieldError(field, f"{value} is not a percentage from 0 to 100")
    exponent = rate.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -RATE_DECIMALS:
        raise FieldError(field, f"at most {RATE_DECIMALS} decimals")
    return rate


def tax_settings_of(
    *,
    prices_include_tax: bool,
    rates: Sequence[RateInput],
    seller_country: str | None,
) -> TaxSettings:
    """The shop_pricing TaxSettings the photographer describes; FieldError naming the
    country, the rate or the region it refuses (`rates[<i>].country`...)."""
    if len(rates) > MAX_RATES:
        raise FieldError("rates", f"at most {MAX_RATES} rates")
    built: list[TaxRate] = []
    seen: dict[tuple[str, str | None], int] = {}
    for index, given in enumerate(rates):
        at = f"rates[{index}]"
        country = _country(f"{at}.country", given.country)
        rate = _rate(f"{at}.rate", given.rate)
        region = (given.region or "").strip() or None
        if region is not None and (len(region) > MAX_REGION or not region.isprintable()):
            raise FieldError(f"{at}.region", f"1 to {MAX_REGION} printable characters")
        try:
            tax_rate = TaxRate(country, rate, region)
        except PriceError as exc:
            raise FieldError(f"{at}.{exc.field.rsplit('.', 1)[-1]}", exc.problem) from exc
        if tax_rate.region is not None and len(tax_rate.region) > MAX_REGION:
            raise FieldError(f"{at}.region", f"1 to {MAX_REGION} printable characters")
        key = (tax_rate.country, tax_rate.region)
        if key in seen:
            where = f"{country} {tax_rate.region}" if tax_rate.region else country
            raise FieldError(f"{at}.country", f"{where} already has a rate (rates[{seen[key]}])")
        seen[key] = index
        built.append(tax_rate)
    home = _country("seller_country", seller_country) if seller_country else None
    return TaxSettings(rates=tuple(built), prices_include_tax=prices_include_tax, home_country=home)


async def get_tax(repos: Repositories) -> TaxSettings | None:
    return await repos.tax.get()


async def tax_to_charge(repos: Repositories) -> TaxSettings | None:
    """The settings checkouts charge tax with; None when none are saved or they hold no
    rate (a Tax page saved with an empty table charges nothing, it refuses no country)."""
    return charged(await repos.tax.get())


def charged(settings: TaxSettings | None) -> TaxSettings | None:
    """`settings` when they charge tax, else None (see `tax_to_charge`)."""
    return settings if settings is not None and settings.charges_tax else None


async def update_tax(
    repos: Repositories, settings: TaxSettings, now: datetime | None = None
) -> TaxSettings:
    await repos.tax.save(settings, now or datetime.now(UTC))
    log.info("tax.updated", rates=len(settings.rates), included=settings.prices_include_tax)
    saved = await repos.tax.get()
    assert saved is not None
    return saved


# -- order information fields -----------------------------------------------------------------


async def get_order_fields(repos: Repositories) -> list[OrderField]:
    return await repos.order_fields.list()


async def update_order_fields(
    repos: Repositories, fields: Sequence[OrderField]
) -> list[OrderField]:
    """Replace the fields (orders placed keep their answers and labels as they were)."""
    check_definitions(fields)
    await repos.order_fields.replace(fields)
    log.info("order_fields.updated", fields=len(fields))
    return await repos.order_fields.list()


# -- the shop's currency ------------------------------------------------------------------------


class CurrencyChangeRefusedError(IllegalTransitionError):
    """Unpaid orders exist (HTTP 409 naming how many): they were placed in the current
    currency, and prices are not converted."""


def currency_code(value: str) -> str:
    """An ISO 4217 code Babel knows (case-insensitive input); FieldError otherwise."""
    code = value.strip().upper() if isinstance(value, str) else ""
    if not is_currency(code):
        raise FieldError("currency", f"unknown currency {value.strip()[:10]!r} (ISO 4217)")
    return code


async def shop_currency(repos: Repositories) -> str:
    return await repos.settings.currency()


async def change_currency(repos: Repositories, currency: str, now: datetime | None = None) -> bool:
    """Set the shop's currency; True when it changed (CurrencyChanged goes to the outbox).
    Refused (409) while an order is neither paid nor cancelled. The settings row is locked
    first: an order being placed (which reads the currency FOR SHARE) is either counted here
    or placed in the new currency after this commits."""
    code = currency_code(currency)
    current = await repos.settings.currency(for_update=True)
    if code == current:
        return False
    unpaid = await repos.settings.unpaid_orders()
    if unpaid:
        orders = "1 order is" if unpaid == 1 else f"{unpaid} orders are"
        raise CurrencyChangeRefusedError(
            f"{orders} unpaid and not cancelled (placed in {current}): the currency can change"
            " once they are paid or cancelled"
        )
    moment = now or datetime.now(UTC)
    await repos.settings.set_currency(code, moment)
    await repos.outbox.add(
        CurrencyChanged(currency=code, changed_at=moment).envelope(
            correlation_id=uuid.uuid4(), occurred_at=moment
        )
    )
    log.info("currency.changed", previous=current, currency=code)
    return True
