"""An order's totals from its priced lines: the server's figure, never the client's.

`totals_of(prices)`: lines only (subtotal = total = their sum).

`order_totals(lines, quantity_tiers=..., coupon=..., tax=..., buyer=...)`: the whole rule, in
this order: quantity discounts per profile (`discounts`), then the coupon on what the lines
cost after them (`coupons`, already checked with `coupons.check_available`), then tax on the
amount after both discounts (`tax`). Each discount is rounded once and spread over the lines
(largest remainder), so every line knows its share (exports, the processor's amount check).

`Totals.total == subtotal - discount + tax` always. With prices entered without tax, subtotal
is the sum of the lines and discount the sum of the lines' discounts. With prices entered
with tax, the figures of `Totals` are net of tax: the amount after discounts (gross) has its
tax extracted once; subtotal and discount are the net of the lines' sum and the rest, so the
total is exactly what the lines cost after their discounts (`OrderTotals.lines` stay in the
prices' own terms, as entered).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from shop_pricing.coupons import Coupon, coupon_discounts
from shop_pricing.discounts import QuantityTiers, quantity_discounts
from shop_pricing.lines import Line
from shop_pricing.rounding import MAX_AMOUNT, PriceError, check_amount, round_exact
from shop_pricing.tax import Buyer, Tax, TaxSettings, tax_for


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


@dataclass(frozen=True, slots=True)
class LineShare:
    """One line's price and its shares of the discounts, in the prices' own terms."""

    price: int
    quantity_discount: int = 0
    coupon_discount: int = 0

    @property
    def discount(self) -> int:
        return self.quantity_discount + self.coupon_discount

    @property
    def net(self) -> int:
        """What the line costs after its discounts."""
        return self.price - self.discount


@dataclass(frozen=True, slots=True)
class OrderTotals:
    """An order's `totals`, each line's share (same order as the lines), the coupon applied
    (its code) and the tax detail (None when no tax settings were given)."""

    totals: Totals
    lines: tuple[LineShare, ...]
    coupon_code: str | None = None
    tax: Tax | None = None

    @property
    def reverse_charge(self) -> bool:
        return self.tax is not None and self.tax.reverse_charge


def order_totals(
    lines: Sequence[Line],
    *,
    quantity_tiers: Mapping[uuid.UUID, QuantityTiers] | None = None,
    coupon: Coupon | None = None,
    tax: TaxSettings | None = None,
    buyer: Buyer | None = None,
) -> OrderTotals:
    """The totals of `lines` with the profiles' quantity tiers, a coupon (checked available
    by the caller; CouponRefused `below_minimum` or `not_applicable` from here) and the tax
    settings with the buyer (both or neither). PriceError past MAX_AMOUNT."""
    lines = tuple(lines)
    subtotal = sum(line.price for line in lines)
    if subtotal > MAX_AMOUNT:
        raise PriceError("subtotal", f"must not exceed {MAX_AMOUNT} minor units")
    quantity = quantity_discounts(lines, quantity_tiers or {})
    coupon_parts = (
        coupon_discounts(coupon, lines, quantity) if coupon is not None else [0] * len(lines)
    )
    shares = tuple(
        LineShare(line.price, q, c)
        for line, q, c in zip(lines, quantity, coupon_parts, strict=True)
    )
    discount = sum(share.discount for share in shares)
    after = subtotal - discount
    if tax is None:
        if buyer is not None:
            raise PriceError("tax", "tax settings are needed with a buyer")
        return OrderTotals(Totals(subtotal, discount), shares, _code(coupon))
    if buyer is None:
        raise PriceError("buyer", "the buyer's country is needed to charge tax")
    charged = tax_for(after, tax, buyer)
    if charged.gross > MAX_AMOUNT:
        raise PriceError("total", f"must not exceed {MAX_AMOUNT} minor units")
    if tax.prices_include_tax:
        # Net figures: the subtotal's net (one rounding of the lines' sum), and the discount
        # what is left between it and the net after discounts (so the total is exact; the
        # rounding is monotonic, so that discount is never negative).
        net_subtotal = round_exact(Fraction(subtotal) * 100 / (100 + charged.rate))
        totals = Totals(net_subtotal, net_subtotal - charged.net, charged.tax)
    else:
        totals = Totals(subtotal, discount, charged.tax)
    return OrderTotals(totals, shares, _code(coupon), charged)


def _code(coupon: Coupon | None) -> str | None:
    return coupon.code if coupon is not None else None
