"""Money is integer minor units; a fraction of a minor unit is rounded once, half up."""

from __future__ import annotations

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
