"""Money is integer minor units plus an ISO 4217 code; this only formats it for people."""

from __future__ import annotations

# ISO 4217 currencies whose minor unit is not 1/100.
_EXPONENTS: dict[str, int] = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "BHD": 3, "KWD": 3}


def format_price(minor_units: int, currency: str) -> str:
    """`2500, "EUR"` -> `"25.00 EUR"`."""
    exponent = _EXPONENTS.get(currency, 2)
    if exponent == 0:
        return f"{minor_units} {currency}"
    sign = "-" if minor_units < 0 else ""
    whole, fraction = divmod(abs(minor_units), 10**exponent)
    return f"{sign}{whole}.{fraction:0{exponent}d} {currency}"
