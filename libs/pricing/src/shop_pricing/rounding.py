"""Money is integer minor units; a fraction of a minor unit is rounded once, half up."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias

Exact: TypeAlias = int | Decimal | Fraction | tuple[int, int]
"""What a ratio, a rate or a percentage may be given as: exact values only, never a float."""

MAX_AMOUNT = 10**12  # minor units: past this an amount is refused as absurd


class PriceError(ValueError):
    """An amount or a rule the pricing library refuses; the message names the problem."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (away from zero for halves), exactly:
    integers only, so 0.5 minor units is never lost to binary floating point."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def check_amount(field: str, amount: int) -> int:
    """An amount in minor units between 0 and MAX_AMOUNT, or PriceError naming the field."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise PriceError(field, "must be a whole number of minor units")
    if amount < 0:
        raise PriceError(field, "must not be negative")
    if amount > MAX_AMOUNT:
        raise PriceError(field, f"must not exceed {MAX_AMOUNT} minor units")
    return amount


def exact(field: str, value: Exact) -> Fraction:
    """An exact rational from an int, a finite Decimal, a Fraction or a (numerator,
    denominator) pair; binary floats (and bools, strings, NaN, infinities) are refused with
    PriceError naming the field, so no money figure ever goes through a float."""
    if isinstance(value, bool | float):
        raise PriceError(field, "must be exact (an integer, a Decimal or a fraction), not a float")
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise PriceError(field, "must be a finite number")
        return Fraction(value)
    if (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(part, int) and not isinstance(part, bool) for part in value)
    ):
        numerator, denominator = value
        if denominator == 0:
            raise PriceError(field, "denominator must not be zero")
        return Fraction(numerator, denominator)
    raise PriceError(field, "must be an integer, a Decimal, a Fraction or (numerator, denominator)")


def round_exact(value: Fraction) -> int:
    """An exact rational rounded half up to a whole number of minor units (the one rule)."""
    return round_half_up(value.numerator, value.denominator)
