"""Quantity discounts per pricing profile, applied before coupons.

A profile may have tiers such as "3+ files -10 %", "10+ files -20 %". The lines of an order
priced with that profile are counted; the best tier reached (the largest percentage among the
tiers whose quantity is reached) applies to those lines: the discount is that percentage of
their summed prices, rounded once (half up), then spread over them in proportion
(`spread.spread`), so the parts sum exactly to it.

    tiers = QuantityTiers((Tier(3, 10), Tier(10, 20)))
    quantity_discounts(lines, {profile_id: tiers})   # one discount per line, same order
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from shop_pricing.lines import Line
from shop_pricing.rounding import Exact, PriceError, exact, round_exact
from shop_pricing.spread import spread

MAX_QUANTITY = 10**6


@dataclass(frozen=True, slots=True)
class Tier:
    """From `min_quantity` lines of the profile on, `percent` off (0 < percent <= 100)."""

    min_quantity: int
    percent: Fraction

    def __init__(self, min_quantity: int, percent: Exact) -> None:
        if (
            isinstance(min_quantity, bool)
            or not isinstance(min_quantity, int)
            or not 1 <= min_quantity <= MAX_QUANTITY
        ):
            raise PriceError(
                "tier.min_quantity", f"must be a whole number from 1 to {MAX_QUANTITY}"
            )
        value = exact("tier.percent", percent)
        if not 0 < value <= 100:
            raise PriceError("tier.percent", "must be more than 0 and at most 100")
        object.__setattr__(self, "min_quantity", min_quantity)
        object.__setattr__(self, "percent", value)


@dataclass(frozen=True, slots=True)
class QuantityTiers:
    """A profile's tiers, at most one per quantity."""

    tiers: tuple[Tier, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "tiers", tuple(self.tiers))
        quantities = [tier.min_quantity for tier in self.tiers]
        if len(set(quantities)) != len(quantities):
            raise PriceError("tiers", "two tiers for the same quantity")

    def percent_for(self, quantity: int) -> Fraction:
        """The best percentage reached with `quantity` lines (0 when no tier is reached)."""
        reached = [tier.percent for tier in self.tiers if tier.min_quantity <= quantity]
        return max(reached, default=Fraction(0))


def quantity_discounts(
    lines: Sequence[Line], tiers_by_profile: Mapping[uuid.UUID, QuantityTiers]
) -> list[int]:
    """The quantity discount of every line (in the lines' order, minor units): for each
    profile with tiers, the best tier its lines reach, on their summed prices, rounded once
    and spread over them. Lines of profiles without tiers get 0."""
    discounts = [0] * len(lines)
    for profile_id, tiers in tiers_by_profile.items():
        indexes = [index for index, line in enumerate(lines) if line.profile_id == profile_id]
        percent = tiers.percent_for(len(indexes))
        if not indexes or not percent:
            continue
        prices = [lines[index].price for index in indexes]
        discount = round_exact(sum(prices) * percent / 100)
        for index, part in zip(indexes, spread(discount, prices), strict=True):
            discounts[index] = part
    return discounts
