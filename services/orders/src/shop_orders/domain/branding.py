"""The shop's branding, set by the photographer in the shop settings and shown by every page of
every service: its name, contact details, accent colour and logo.

What is refused, and why: the accent colour colours links and buttons with white text, so a
colour too light to read on white is refused (WCAG AA, 4.5:1 against the pages' background);
the logo is an image address (http, https or a path on the shop's own site).
"""

from __future__ import annotations

import re

DEFAULT_SHOP_NAME = "Photo license shop"
MAX_SHOP_NAME = 100
MAX_PHONE = 40
MAX_LOGO_URL = 500
MIN_CONTRAST = 4.5
PAGE_BACKGROUND = "#f8f9fb"  # shop.css --bg, the lightest thing the accent is read against

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_PHONE = re.compile(r"^\+?[0-9 ().\-/]+$")
_URL = re.compile(r"^(https?://[^\s\"'<>]+|/[^/\s\"'<>][^\s\"'<>]*)$")


def _channel(hex_pair: str) -> float:
    value = int(hex_pair, 16) / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of `#rrggbb`."""
    r, g, b = (_channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two `#rrggbb` colours (1 to 21)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def colour_problem(value: str) -> str | None:
    """Why `value` cannot be the accent colour, or None."""
    if not _COLOUR.match(value):
        return "must be a colour written #rrggbb, like #2451b7"
    ratio = min(contrast(value, PAGE_BACKGROUND), contrast(value, "#ffffff"))
    if ratio < MIN_CONTRAST:
        return (
            f"is too light: text in it (or white text on it) would be hard to read "
            f"(contrast {ratio:.1f}:1, at least {MIN_CONTRAST}:1 is needed); choose a darker one"
        )
    return None


def phone_problem(value: str) -> str | None:
    if len(value) > MAX_PHONE:
        return f"must be at most {MAX_PHONE} characters"
    if not _PHONE.match(value) or sum(c.isdigit() for c in value) < 3:
        return "must be a phone number: digits, spaces and a leading +, like +33 1 23 45 67 89"
    return None


def logo_problem(value: str) -> str | None:
    if len(value) > MAX_LOGO_URL:
        return f"must be at most {MAX_LOGO_URL} characters"
    if not _URL.match(value):
        return "must be an image address starting with https:// (or a path starting with /)"
    return None
