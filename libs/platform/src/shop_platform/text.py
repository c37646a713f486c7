"""Unicode format characters (category Cf) are invisible and can reorder what is shown:
U+202E RIGHT-TO-LEFT OVERRIDE turns `alpine-lake\u202egpj.exe` into a name that reads
`alpine-lakeexe.jpg`. Text a person typed (client fields, titles, file-name templates) is
kept without them, so what a page, an email or a file name shows is what is stored."""

from __future__ import annotations

import unicodedata


def strip_format_chars(value: str) -> str:
    """`value` without its Unicode format characters (bidi overrides, zero-width marks...)."""
    if value.isascii():  # the common case: nothing to look at
        return value
    return "".join(c for c in value if unicodedata.category(c) != "Cf")
