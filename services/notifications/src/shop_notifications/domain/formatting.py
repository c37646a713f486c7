"""Human formats for emails: money, sizes, dates, addresses."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from shop_contracts.common import Address

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


def format_size(size_bytes: int) -> str:
    size = float(size_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size_bytes} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def format_datetime(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def address_lines(address: Address) -> list[str]:
    lines = [address.line1, address.line2 or "", f"{address.postal_code} {address.city}"]
    return [line for line in (*lines, address.country) if line]


def one_line(text: str) -> str:
    """Header-safe: no line breaks or runs of whitespace (subjects)."""
    return re.sub(r"\s+", " ", text).strip()
