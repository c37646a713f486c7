"""File names of delivered files: readable, safe, unique within an order.

`alpine-lake_web.jpg`: the media key's base name, the license name, the rendition's
extension. Unsafe characters become `_`; a clash gets `-2`, `-3`... (compared without case,
as on the clients' file systems).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

MAX_STEM = 120
_UNSAFE = re.compile(r"[^\w.-]", flags=re.UNICODE)
_RUNS = re.compile(r"([_-])[_-]+")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip()
    text = re.sub(r"\s+", "-", text)
    text = _UNSAFE.sub("_", text)
    text = _RUNS.sub(r"\1", text)
    return text.strip("._-")


def _extension(extension: str) -> str:
    cleaned = _clean(extension.lower().lstrip("."))
    return f".{cleaned}" if cleaned else ""


def base_file_name(media_key: str, license_name: str, extension: str) -> str:
    """`demo/alpine-lake.jpg`, `Web`, `.jpg` -> `alpine-lake_web.jpg`."""
    basename = media_key.rsplit("/", 1)[-1]
    media = _clean(basename.rsplit(".", 1)[0] if "." in basename[1:] else basename)
    license_part = _clean(license_name.lower())
    stem = "_".join(part for part in (media, license_part) if part) or "file"
    return f"{stem[:MAX_STEM]}{_extension(extension)}"


def unique_file_names(names: Iterable[str]) -> list[str]:
    """The same names, in order, with `-2`, `-3`... added to the stem of later duplicates."""
    taken: set[str] = set()
    result: list[str] = []
    for name in names:
        stem, dot, ext = name.rpartition(".") if "." in name[1:] else (name, "", "")
        candidate, n = name, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{stem}-{n}{dot}{ext}"
        taken.add(candidate.casefold())
        result.append(candidate)
    return result


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
