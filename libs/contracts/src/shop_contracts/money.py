"""Money is integer minor units plus an ISO 4217 code: how many decimals, and how to show it."""

from __future__ import annotations

_ZERO_DECIMAL = frozenset(
    {
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "ISK",
        "JPY",
        "KMF",
        "KRW",
        "PYG",
        "RWF",
        "UGX",
        "UYI",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    }
)
_THREE_DECIMAL = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})


def currency_exponent(currency: str) -> int:
    """Decimals of the currency's minor unit (EUR 2, JPY 0, KWD 3)."""
    if currency in _ZERO_DECIMAL:
        return 0
    return 3 if currency in _THREE_DECIMAL else 2


def format_money(minor: int, currency: str) -> str:
    """`4500, "EUR"` -> `"45.00 EUR"`; `1234567, "EUR"` -> `"12,345.67 EUR"`."""
    exponent = currency_exponent(currency)
    sign = "-" if minor < 0 else ""
    units, cents = divmod(abs(minor), 10**exponent)
    amount = f"{units:,}" + (f".{cents:0{exponent}d}" if exponent else "")
    return f"{sign}{amount} {currency}"
