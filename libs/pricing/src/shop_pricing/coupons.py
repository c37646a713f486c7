"""A coupon's pure rules: whether it may be used, and what it takes off which lines.

Dates, uses and "this client already used it" are inputs (the use case reads the clock and the
database); nothing here reads them. Two steps, both raising CouponRefused with a reason the
API names:

    check_available(coupon, now=now, uses=uses, used_by_client=used)  # unknown, not_started,
                                                                       # expired, used_up,
                                                                       # already_used_by_client
    coupon_discounts(coupon, lines, after_quantity)                    # below_minimum,
                                                                       # not_applicable

`coupon_discounts` gives one part per line, in proportion to what each covered line costs
after its quantity discount (largest remainder: the parts sum exactly to the coupon's
discount). Percent off is rounded once on the covered lines' sum; amount off is capped at
what the covered lines cost, so the total never goes below 0.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from fractions import Fraction

from shop_pricing.lines import Line
from shop_pricing.rounding import MAX_AMOUNT, PriceError, check_amount, round_exact
from shop_pricing.spread import spread

CODE = re.compile(r"[A-Z0-9]{1,64}")


class Refusal(StrEnum):
    """Why a coupon is not applied (the API's 422 names it)."""

    UNKNOWN = "unknown"
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    USED_UP = "used_up"
    BELOW_MINIMUM = "below_minimum"
    NOT_APPLICABLE = "not_applicable"
    ALREADY_USED_BY_CLIENT = "already_used_by_client"


class CouponRefused(ValueError):
    def __init__(self, reason: Refusal, detail: str = "") -> None:
        super().__init__(f"coupon {reason.value}" + (f": {detail}" if detail else ""))
        self.reason = reason


def normalize_code(code: str) -> str:
    """The canonical form of a code (case-insensitive, surrounding blanks ignored): upper
    case letters and digits, 1 to 64 of them; PriceError otherwise."""
    canonical = code.strip().upper() if isinstance(code, str) else ""
    if not CODE.fullmatch(canonical):
        raise PriceError("code", "must be 1 to 64 letters (A-Z) and digits")
    return canonical


@dataclass(frozen=True, slots=True)
class Coupon:
    """Exactly one of `amount_off` (minor units, > 0) and `percent_off` (whole percent,
    1-100). `minimum_order` applies to the order's subtotal after quantity discounts;
    `profile_ids`, when given, restricts the coupon to lines of those profiles. The coupon
    applies from `starts_at` (inclusive) until `ends_at` (exclusive), timezone-aware;
    `max_uses` counts the orders that took it."""

    code: str
    amount_off: int | None = None
    percent_off: int | None = None
    minimum_order: int | None = None
    profile_ids: frozenset[uuid.UUID] | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    max_uses: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", normalize_code(self.code))
        if (self.amount_off is None) == (self.percent_off is None):
            raise PriceError("amount_off", "exactly one of amount_off and percent_off is needed")
        if self.amount_off is not None and check_amount("amount_off", self.amount_off) == 0:
            raise PriceError("amount_off", "must be more than 0")
        if self.percent_off is not None and (
            isinstance(self.percent_off, bool)
            or not isinstance(self.percent_off, int)
            or not 1 <= self.percent_off <= 100
        ):
            raise PriceError("percent_off", "must be a whole percentage from 1 to 100")
        if self.minimum_order is not None:
            check_amount("minimum_order", self.minimum_order)
        if self.profile_ids is not None:
            object.__setattr__(self, "profile_ids", frozenset(self.profile_ids))
            if not self.profile_ids:
                raise PriceError("profile_ids", "must not be empty (None means every profile)")
        for name in ("starts_at", "ends_at"):
            moment = getattr(self, name)
            if moment is not None and moment.utcoffset() is None:
                raise PriceError(name, "must be timezone-aware")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise PriceError("ends_at", "must be after starts_at")
        if self.max_uses is not None and (
            isinstance(self.max_uses, bool)
            or not isinstance(self.max_uses, int)
            or not 1 <= self.max_uses <= MAX_AMOUNT
        ):
            raise PriceError("max_uses", "must be a positive whole number")

    def covers(self, line: Line) -> bool:
        return self.profile_ids is None or line.profile_id in self.profile_ids


def check_available(
    coupon: Coupon | None, *, now: datetime, uses: int = 0, used_by_client: bool = False
) -> Coupon:
    """`coupon` when it may be used at `now`, having been taken by `uses` orders, and
    `used_by_client` telling whether this client's email already took it; CouponRefused
    otherwise (a missing coupon is `unknown`)."""
    if coupon is None:
        raise CouponRefused(Refusal.UNKNOWN)
    if now.utcoffset() is None:
        raise PriceError("now", "must be timezone-aware")
    if coupon.starts_at is not None and now < coupon.starts_at:
        raise CouponRefused(Refusal.NOT_STARTED, f"from {coupon.starts_at.isoformat()}")
    if coupon.ends_at is not None and now >= coupon.ends_at:
        raise CouponRefused(Refusal.EXPIRED, f"since {coupon.ends_at.isoformat()}")
    if coupon.max_uses is not None and uses >= coupon.max_uses:
        raise CouponRefused(Refusal.USED_UP, f"{coupon.max_uses} uses")
    if used_by_client:
        raise CouponRefused(Refusal.ALREADY_USED_BY_CLIENT)
    return coupon


def coupon_discounts(
    coupon: Coupon, lines: Sequence[Line], quantity_discounts: Sequence[int] | None = None
) -> list[int]:
    """The coupon's discount on every line (in the lines' order), on what each line costs
    after its quantity discount (`quantity_discounts`, one per line, default none).
    CouponRefused `below_minimum` when the order's subtotal after quantity discounts is
    under the coupon's minimum, `not_applicable` when it covers no line."""
    before = quantity_discounts if quantity_discounts is not None else [0] * len(lines)
    if len(before) != len(lines):
        raise PriceError("quantity_discounts", "one per line is needed")
    nets = [line.price - discount for line, discount in zip(lines, before, strict=True)]
    if any(net < 0 for net in nets):
        raise PriceError("quantity_discounts", "must not exceed the line's price")
    subtotal = sum(nets)
    if coupon.minimum_order is not None and subtotal < coupon.minimum_order:
        raise CouponRefused(
            Refusal.BELOW_MINIMUM, f"the order must reach {coupon.minimum_order} minor units"
        )
    covered = [index for index, line in enumerate(lines) if coupon.covers(line)]
    if not covered:
        raise CouponRefused(Refusal.NOT_APPLICABLE, "no line of the order is covered")
    weights = [nets[index] for index in covered]
    base = sum(weights)
    if coupon.percent_off is not None:
        discount = round_exact(Fraction(base * coupon.percent_off, 100))
    else:
        assert coupon.amount_off is not None
        discount = min(coupon.amount_off, base)
    parts = [0] * len(lines)
    for index, part in zip(covered, spread(discount, weights), strict=True):
        parts[index] = part
    return parts
