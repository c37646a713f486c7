"""An order's totals from its priced lines: the server's figure, never the client's.

Today: subtotal = total = the sum of the lines. The pricing issue adds quantity discounts,
coupons and tax here (discount spread over the lines in proportion, tax on the subtotal
after discounts), rounded once with `rounding.round_half_up`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shop_pricing.rounding import MAX_AMOUNT, PriceError, check_amount


@dataclass(frozen=True, slots=True)
class Totals:
    subtotal: int
    discount: int = 0
    tax: int = 0

    @property
    def total(self) -> int:
        return self.subtotal - self.discount + self.tax


def totals_of(line_prices: Iterable[int]) -> Totals:
    """The totals of lines priced in minor units (each checked; the sum bounded too)."""
    subtotal = 0
    for index, price in enumerate(line_prices):
        subtotal += check_amount(f"lines[{index}].price", price)
    if subtotal > MAX_AMOUNT:
        raise PriceError("total", f"must not exceed {MAX_AMOUNT} minor units")
    return Totals(subtotal=subtotal)
