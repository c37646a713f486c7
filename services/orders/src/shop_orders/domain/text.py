"""What free text the shop accepts: no control characters, no line breaks in one-line fields.

Names, emails and address lines end up in email headers and pages: a CR/LF there is header
injection, a NUL breaks PostgreSQL. HTML is accepted as typed and escaped when shown.
Invisible format characters (bidi overrides, zero-width marks) are dropped, not refused
(by the API's validators, `api/text_fields.py`).
"""

from __future__ import annotations

import unicodedata

_MULTILINE_ALLOWED = frozenset("\n\r\t")  # a textarea sends CR LF line breaks


def text_problem(value: str, *, multiline: bool) -> str | None:
    """Why `value` is refused, or None when it is acceptable."""
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs":
            return "contains an invalid (surrogate) character"
        if category != "Cc" or (multiline and char in _MULTILINE_ALLOWED):
            continue
        if char in "\r\n":
            return "must be a single line (no line breaks)"
        return f"contains a control character (U+{ord(char):04X})"
    return None
