"""Human order numbers such as `PL-2026-000042`: prefix, year, a database sequence value."""

from __future__ import annotations

import re

ORDER_NUMBER_PREFIX = "PL"
_PATTERN = re.compile(r"^[A-Z]{2}-\d{4}-\d{6,}$")


def format_order_number(year: int, sequence: int, prefix: str = ORDER_NUMBER_PREFIX) -> str:
    if sequence < 1:
        raise ValueError("order number sequence values start at 1")
    return f"{prefix}-{year:04d}-{sequence:06d}"


def is_order_number(value: str) -> bool:
    return bool(_PATTERN.match(value))
