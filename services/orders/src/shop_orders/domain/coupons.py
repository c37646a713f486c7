"""A coupon as orders stores it, and its rules (which live in `shop_pricing.coupons`).

`CouponRecord.coupon()` is the pure `shop_pricing` Coupon the totals use; `CouponRecord.check`
is `shop_pricing.coupons.check_available` with what the record knows (its uses).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from shop_orders.domain.errors import FieldError, IllegalTransitionError, OrderNotFoundError
from shop_pricing.coupons import Coupon, check_available
from shop_pricing.rounding import PriceError

CouponKind = Literal["amount", "percent"]
YEARS = (1970, 9000)  # a coupon's dates: past these, a date is a typing error (or an attack)


class CouponNotFoundError(OrderNotFoundError):
    """No such coupon (HTTP 404, as an unknown order)."""


class CouponConflictError(IllegalTransitionError):
    """A code another coupon has, a code changed after the first use, a used coupon deleted
    (HTTP 409 with the reason)."""


@dataclass(frozen=True, slots=True)
class CouponRecord:
    """`value` is minor units (kind "amount") or a whole percent 1-100 (kind "percent");
    `code` is normalized (upper case letters and digits). `first_used_at` is set by the first
    use and kept after a give-back: from then on the code is frozen and the coupon can no
    longer be deleted (only disabled)."""

    id: uuid.UUID
    code: str
    kind: CouponKind
    value: int
    minimum_order: int | None = None
    profile_ids: frozenset[uuid.UUID] | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    max_uses: int | None = None
    uses: int = 0
    once_per_client: bool = False
    active: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None
    first_used_at: datetime | None = None

    @property
    def used(self) -> bool:
        return self.first_used_at is not None

    def coupon(self) -> Coupon:
        """The pure coupon (`shop_pricing`); raises PriceError for values it refuses."""
        return Coupon(
            code=self.code,
            amount_off=self.value if self.kind == "amount" else None,
            percent_off=self.value if self.kind == "percent" else None,
            minimum_order=self.minimum_order,
            profile_ids=self.profile_ids or None,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            max_uses=self.max_uses,
        )

    def check(self, now: datetime, *, used_by_client: bool = False) -> Coupon:
        """The coupon when it may be used at `now` (`check_available` with this record's
        uses); CouponRefused naming the reason otherwise."""
        return check_available(
            self.coupon(), now=now, uses=self.uses, used_by_client=used_by_client
        )


@dataclass(frozen=True, slots=True)
class CouponTerms:
    """What the photographer writes: exactly one of `amount_off` (minor units) and
    `percent_off` (1-100); `profile_ids` None or empty: every profile."""

    code: str
    amount_off: int | None = None
    percent_off: int | None = None
    minimum_order: int | None = None
    profile_ids: frozenset[uuid.UUID] | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    max_uses: int | None = None
    once_per_client: bool = False
    active: bool = True

    def record(self, coupon_id: uuid.UUID, *, uses: int = 0) -> CouponRecord:
        """The record these terms make (code normalized), checked by `shop_pricing`'s
        Coupon: FieldError naming the field it refuses."""
        for name in ("starts_at", "ends_at"):
            moment = getattr(self, name)
            if moment is not None and not YEARS[0] <= moment.year <= YEARS[1]:
                raise FieldError(name, f"must be a date from {YEARS[0]} to {YEARS[1]}")
        try:
            coupon = Coupon(
                code=self.code,
                amount_off=self.amount_off,
                percent_off=self.percent_off,
                minimum_order=self.minimum_order,
                profile_ids=self.profile_ids or None,
                starts_at=self.starts_at,
                ends_at=self.ends_at,
                max_uses=self.max_uses,
            )
        except PriceError as exc:
            raise FieldError(exc.field, exc.problem) from exc
        if coupon.max_uses is not None and coupon.max_uses < uses:
            raise FieldError("max_uses", f"{uses} uses are already taken")
        kind: CouponKind = "amount" if coupon.amount_off is not None else "percent"
        value = coupon.amount_off if coupon.amount_off is not None else coupon.percent_off
        assert value is not None  # Coupon checked that exactly one is given
        return CouponRecord(
            id=coupon_id,
            code=coupon.code,
            kind=kind,
            value=value,
            minimum_order=coupon.minimum_order,
            profile_ids=coupon.profile_ids,
            starts_at=coupon.starts_at,
            ends_at=coupon.ends_at,
            max_uses=coupon.max_uses,
            uses=uses,
            once_per_client=self.once_per_client,
            active=self.active,
        )
