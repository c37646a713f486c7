"""Delivered files' names in HTTP headers, and the readable license part of default names.

The names themselves come from each license's naming template (`service.naming`, built on
`shop_media.naming`); `{{license}}` is the license's name made readable here:
`Full resolution` -> `full-resolution`, so the default template gives `alpine-lake_web.jpg`.

Unicode format characters (category Cf: U+202E RIGHT-TO-LEFT OVERRIDE, U+200B, U+FEFF ...)
are invisible and can make a name read as something else (issue #17 saw
`alpine-lake\u202egpj.exe.jpg`): templates and the names they give drop them.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_UNSAFE = re.compile(r"[^\w.-]", flags=re.UNICODE)
_RUNS = re.compile(r"([_-])[_-]+")


def _strip_format_chars(text: str) -> str:
    """`text` without Unicode format characters (category Cf).

    Private until `shop_platform.text.strip_format_chars` lands; then use that.
    """
    if text.isascii():  # the common case: nothing to look at
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def clean_template(template: str) -> str:
    """A naming template as it is used: without format characters."""
    return _strip_format_chars(template)


def clean_file_name(name: str) -> str:
    """A rendered file name without format characters, never empty nor hidden (`.jpg`)."""
    cleaned = _strip_format_chars(name)
    return cleaned if cleaned and not cleaned.startswith(".") else f"file{cleaned}"


def slug(text: str) -> str:
    """Lower case, spaces as `-`, other unsafe characters as `_`, runs collapsed."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    text = re.sub(r"\s+", "-", text)
    text = _UNSAFE.sub("_", text)
    text = _RUNS.sub(r"\1", text)
    return text.strip("._-")


def ascii_fallback(name: str) -> str:
    """For `filename="..."`: the name without accents, other non-ASCII as `_`."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(
        c if c.isascii() and c not in '"\\' and c.isprintable() else "_" for c in stripped
    )


def content_disposition(name: str) -> str:
    """`attachment; filename="..."; filename*=UTF-8''...` (RFC 6266 / RFC 5987).

    Format characters are dropped here too: a name stored before they were is sent clean.
    """
    name = _strip_format_chars(name)
    return (
        f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
