"""The agency (issue 14): whose each line is, and a photographer's share of an order.

A line belongs to the photographer of the media (or gallery) it was made from; a line
without one is the shop owner's. A photographer sees an order only when a line of it is
theirs, and then only those lines, with the order's figures replaced by **their share**:
each order-level amount (subtotal, discount, tax) is spread over the lines by
`shop_pricing.spread` (the one spread rule, largest remainders), so the shares of all the
photographers (and the owner) add up exactly to the order's figures.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from shop_orders.domain.order import Charges, Order, OrderLine
from shop_orders.domain.photographer import Photographer
from shop_pricing.spread import spread

__all__ = [
    "Photographer",
    "Share",
    "all_theirs",
    "line_shares",
    "photographers_of",
    "scoped_order",
    "share_among",
]


@dataclass(frozen=True, slots=True)
class Share:
    """One photographer's part of an order's figures: total = subtotal - discount + tax."""

    subtotal: int = 0
    discount: int = 0
    tax: int = 0

    @property
    def total(self) -> int:
        return self.subtotal - self.discount + self.tax

    def __add__(self, other: Share) -> Share:
        return Share(
            self.subtotal + other.subtotal,
            self.discount + other.discount,
            self.tax + other.tax,
        )


def _spread(amount: int, *weights: Sequence[int]) -> list[int]:
    """`amount` over the first of `weights` that is not all zero (else evenly)."""
    for candidate in weights:
        if sum(candidate) > 0:
            return spread(amount, candidate)
    count = len(weights[0]) if weights else 0
    return spread(amount, [1] * count) if count else []


def spread_shares(whole: Share, prices: Sequence[int], discounts: Sequence[int]) -> list[Share]:
    """Each line's share of an order's subtotal, discount and tax (they add up exactly to
    `whole`): the subtotal spread by price, the discount by the lines' own discounts, the
    tax by what each line costs after its discount."""
    if not prices:
        return []
    nets = [price - discount for price, discount in zip(prices, discounts, strict=True)]
    subtotals = _spread(whole.subtotal, prices)
    discount_parts = _spread(whole.discount, discounts, prices)
    taxes = _spread(whole.tax, nets, prices)
    return [Share(s, d, t) for s, d, t in zip(subtotals, discount_parts, taxes, strict=True)]


def share_among(
    whole: Share,
    lines: Sequence[tuple[int, int, uuid.UUID | None]],
    photographer_id: uuid.UUID,
) -> Share:
    """This photographer's share of an order's figures, from its lines' (price, discount,
    photographer id) in the order's line order (what the exports read)."""
    shares = spread_shares(whole, [p for p, _, _ in lines], [d for _, d, _ in lines])
    total = Share()
    for (_, _, owner), share in zip(lines, shares, strict=True):
        if owner == photographer_id:
            total = total + share
    return total


def line_shares(order: Order) -> list[Share]:
    """Each line's share of the order's figures (`spread_shares`)."""
    whole = Share(order.subtotal, order.discount, order.tax)
    return spread_shares(
        whole, [line.price for line in order.lines], [line.discount for line in order.lines]
    )


def is_theirs(line: OrderLine, photographer_id: uuid.UUID) -> bool:
    return line.photographer_id == photographer_id


def share_of(order: Order, photographer_id: uuid.UUID) -> Share:
    """The sum of this photographer's lines' shares (zero when none is theirs)."""
    total = Share()
    for line, share in zip(order.lines, line_shares(order), strict=True):
        if is_theirs(line, photographer_id):
            total = total + share
    return total


def scoped_order(order: Order, photographer_id: uuid.UUID | None) -> Order | None:
    """The order as `photographer_id` may see it: None (the whole shop) sees it as it is; a
    photographer sees only their lines and their share of the figures (what was refunded
    too, spread by the lines' totals), and nothing (None) of an order without a line of
    theirs."""
    if photographer_id is None:
        return order
    theirs = [line for line in order.lines if is_theirs(line, photographer_id)]
    if not theirs:
        return None
    if len(theirs) == len(order.lines):
        return order
    shares = line_shares(order)
    mine = [is_theirs(line, photographer_id) for line in order.lines]
    share = sum((s for s, m in zip(shares, mine, strict=True) if m), Share())
    totals = [s.total for s in shares]

    def their_part(amount: int) -> int:
        """Their part of an order-level amount given back (spread by the lines' totals)."""
        parts = _spread(amount, totals)
        return sum(p for p, m in zip(parts, mine, strict=True) if m)

    charges = order.charges or Charges(subtotal=order.subtotal)
    return dataclasses.replace(
        order,
        lines=theirs,
        charges=dataclasses.replace(
            charges, subtotal=share.subtotal, discount=share.discount, tax=share.tax
        ),
        refunded=their_part(order.refunded),
        refund_pending=their_part(order.refund_pending),
        new_history=[],
    )


def all_theirs(order: Order, photographer_id: uuid.UUID | None) -> bool:
    """Every line is this photographer's (None: the whole shop, always)."""
    return photographer_id is None or all(is_theirs(line, photographer_id) for line in order.lines)


def photographers_of(lines: Sequence[OrderLine]) -> list[Photographer]:
    """The distinct photographers of these lines, in the lines' order (the owner's lines,
    without one, are left out)."""
    seen: dict[uuid.UUID, Photographer] = {}
    for line in lines:
        if line.photographer is not None and line.photographer.id not in seen:
            seen[line.photographer.id] = line.photographer
    return list(seen.values())
