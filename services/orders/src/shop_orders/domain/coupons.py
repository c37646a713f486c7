"""A coupon as orders stores it, and its rules (which live in `shop_pricing.coupons`).

`CouponRecord.coupon()` is the pure `shop_pricing` Coupon the totals use; `CouponRecord.check`
is `shop_pricing.coupons.check_available` with what the record knows (its uses).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from shop_pricing.coupons import Coupon, check_available

CouponKind = Literal["amount", "percent"]


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
