"""Spreading an amount over lines in proportion, to the minor unit, exactly.

The largest-remainder method: each line gets the floor of its exact share, and the units
still missing go one each to the lines with the largest remainders (the earlier line first
on a tie). The parts always sum to the amount, none is negative, and none exceeds its
line's weight when the amount does not exceed the sum of the weights.
"""

from __future__ import annotations

from collections.abc import Sequence

from shop_pricing.rounding import PriceError


def spread(amount: int, weights: Sequence[int]) -> list[int]:
    """`amount` split over `weights` (non-negative integers) in proportion."""
    if amount < 0:
        raise PriceError("amount", "must not be negative")
    if any(weight < 0 for weight in weights):
        raise PriceError("weights", "must not be negative")
    total = sum(weights)
    if total == 0:
        if amount:
            raise PriceError("amount", "cannot be spread over lines that cost nothing")
        return [0] * len(weights)
    parts: list[int] = []
    remainders: list[int] = []
    for weight in weights:
        part, remainder = divmod(amount * weight, total)
        parts.append(part)
        remainders.append(remainder)
    missing = amount - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda index: (-remainders[index], index))
    for index in by_remainder[:missing]:
        parts[index] += 1
    return parts
