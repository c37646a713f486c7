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


# What free text the shop accepts: no control characters, no line breaks in one-line fields.
# Names, titles, emails and address lines end up in email headers and pages: a CR/LF there is
# header injection, a NUL breaks PostgreSQL. HTML is accepted as typed and escaped when shown.
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


def check_single_line(value: object) -> object:
    """A pydantic `before` validator: refuse control characters and line breaks; drop
    invisible format characters from what is accepted."""
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
