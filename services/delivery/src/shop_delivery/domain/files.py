"""Delivered files' names in HTTP headers, and the readable license part of default names.

The names themselves come from each license's naming template (`service.naming`, built on
`shop_media.naming`); `{{license}}` is the license's name made readable here:
`Full resolution` -> `full-resolution`, so the default template gives `alpine-lake_web.jpg`.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_UNSAFE = re.compile(r"[^\w.-]", flags=re.UNICODE)
_RUNS = re.compile(r"([_-])[_-]+")


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
    """`attachment; filename="..."; filename*=UTF-8''...` (RFC 6266 / RFC 5987)."""
    return (
        f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
