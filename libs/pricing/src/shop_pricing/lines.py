"""A priced line as the pricing rules see it: its price and the profile it was priced with."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shop_pricing.rounding import check_amount


@dataclass(frozen=True, slots=True)
class Line:
    """One order line: `price` in minor units (a royalty-free row's price or a rights-managed
    usage's price), `profile_id` the pricing profile it comes from (what quantity discounts
    count and coupons may be restricted to)."""

    price: int
    profile_id: uuid.UUID | None = None

    def __post_init__(self) -> None:
        check_amount("line.price", self.price)
