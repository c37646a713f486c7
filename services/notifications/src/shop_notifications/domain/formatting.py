"""Human formats for emails that only emails need: addresses, header-safe lines.

Money, sizes and dates come from the shared `shop_contracts.money` and
`shop_contracts.formatting`, so a page and an email show them the same way.
"""

from __future__ import annotations

import functools
import re

from shop_contracts.common import Address
from shop_contracts.money import format_money as _format_money

# `shop_contracts.money.format_money`, remembered: Babel builds its pattern and looks the
# currency up on each call (~60 µs, ~25 calls per order), for amounts that repeat (prices).
format_money = functools.lru_cache(maxsize=4096)(_format_money)


def address_lines(address: Address) -> list[str]:
    lines = [address.line1, address.line2 or "", f"{address.postal_code} {address.city}"]
    return [line for line in (*lines, address.country) if line]


def one_line(text: str) -> str:
    """Header-safe: no line breaks (CR, LF or any Unicode line separator) nor runs of
    whitespace (subjects, display names)."""
    return re.sub(r"\s+", " ", text).strip()
