"""Pydantic validators for free text: refuse what `domain.text` refuses, drop invisible
format characters (bidi overrides, zero-width marks) from what it accepts."""

from __future__ import annotations

from shop_orders.domain.text import text_problem
from shop_platform.text import strip_format_chars


def check_single_line(value: object) -> object:
    """A pydantic `before` validator: refuse control characters and line breaks."""
    if not isinstance(value, str):
        return value
    if problem := text_problem(value, multiline=False):
        raise ValueError(problem)
    return strip_format_chars(value)


def check_multiline(value: object) -> object:
    """A pydantic `before` validator: refuse control characters other than line breaks/tabs."""
    if not isinstance(value, str):
        return value
    if problem := text_problem(value, multiline=True):
        raise ValueError(problem)
    return strip_format_chars(value)
