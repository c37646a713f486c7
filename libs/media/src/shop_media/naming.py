"""File names of delivered files, from a license's naming template.

A template is text with `{{placeholder}}`s, e.g. `{{order}}-{{seq}}-{{basename}}`:

- `{{basename}}`: the original's file name without its extension;
- `{{seq}}`: 1-based position in the order, zero-padded to the order's size (`03` of 12);
- `{{width}}`, `{{height}}`: of the delivered file (empty when unknown);
- `{{created.year}}` ... `{{created.sec}}`: the shooting date (see `shooting_date`);
- `{{updated.year}}` ... `{{updated.sec}}`: the media's last update;
- `{{order}}`: the order number; `{{license}}`: the license's name.

The extension comes from the delivered format and is appended; characters that are unsafe
in a file name become `_`. An unknown placeholder is a `NamingTemplateError` naming it:
call `validate_template` when the admin saves a template. Everything here is pure except
`shooting_date`, which reads the file's EXIF (or a video's container tags).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from shop_media.errors import MediaError
from shop_media.metadata import read_metadata
from shop_media.probe import guess_mime

DATE_PARTS: dict[str, str] = {
    "year": "%Y",
    "month": "%m",
    "day": "%d",
    "hour": "%H",
    "min": "%M",
    "sec": "%S",
}
PLACEHOLDERS: frozenset[str] = frozenset(
    {"basename", "seq", "width", "height", "order", "license"}
    | {f"{prefix}.{part}" for prefix in ("created", "updated") for part in DATE_PARTS}
)
DEFAULT_TEMPLATE = "{{basename}}"
MAX_STEM_BYTES = 200  # file systems allow 255 bytes: leave room for `-NN` and the extension

_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
_EXIF_DATE = "%Y:%m:%d %H:%M:%S"


class NamingTemplateError(MediaError, ValueError):
    """A naming template uses an unknown placeholder or has an unclosed `{{`."""


@dataclass(frozen=True, slots=True)
class NameContext:
    """What one delivered file's name can be built from.

    `created` and `updated` are used for their wall-clock fields as given: pass the
    shooting date from `shooting_date` and the media's update time in the zone the
    photographer wants in file names (UTC if nothing better is known).
    """

    original_name: str  # e.g. "alpine-lake.jpg"; its stem is {{basename}}
    seq: int  # 1-based position of the file in the order
    order_size: int  # number of files in the order: the width of {{seq}}
    created: datetime
    updated: datetime
    order: str
    license: str
    width: int | None = None
    height: int | None = None


def placeholders_in(template: str) -> list[str]:
    """The placeholder names a template uses, in order (whitespace inside braces ignored)."""
    return [match.strip() for match in _PLACEHOLDER.findall(template)]


def validate_template(template: str) -> None:
    """Raise `NamingTemplateError` naming every unknown placeholder, or an unclosed `{{`."""
    unknown = [name for name in placeholders_in(template) if name not in PLACEHOLDERS]
    if unknown:
        names = ", ".join(f"{{{{{name}}}}}" for name in dict.fromkeys(unknown))
        known = ", ".join(f"{{{{{name}}}}}" for name in sorted(PLACEHOLDERS))
        raise NamingTemplateError(f"unknown placeholder {names} in file name template; use {known}")
    if "{{" in _PLACEHOLDER.sub("", template):
        raise NamingTemplateError("file name template has a '{{' without its closing '}}'")


def basename_of(file_name: str) -> str:
    """The file name's last path segment without its extension (`a/b.x.jpg` -> `b.x`)."""
    name = re.split(r"[/\\]", file_name)[-1]
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem else name


def values_for(context: NameContext) -> dict[str, str]:
    """Every placeholder's text for one file."""
    digits = len(str(max(context.order_size, context.seq, 1)))
    values = {
        "basename": basename_of(context.original_name),
        "seq": f"{context.seq:0{digits}d}",
        "width": "" if context.width is None else str(context.width),
        "height": "" if context.height is None else str(context.height),
        "order": context.order,
        "license": context.license,
    }
    for prefix, moment in (("created", context.created), ("updated", context.updated)):
        for part, fmt in DATE_PARTS.items():
            # %Y is not zero-padded for years < 1000 on every platform
            text = f"{moment.year:04d}" if part == "year" else moment.strftime(fmt)
            values[f"{prefix}.{part}"] = text
    return values


def sanitize(stem: str) -> str:
    """A name safe on every common file system and in a Content-Disposition header.

    Path separators, control characters and `<>:"|?*` become `_`, as do leading dots (no
    hidden files, no `..`). The text is NFC-normalised and cut to `MAX_STEM_BYTES` of UTF-8.
    """
    text = _UNSAFE.sub("_", unicodedata.normalize("NFC", stem)).strip(" ")
    leading = len(text) - len(text.lstrip("."))
    text = "_" * leading + text[leading:]
    text = text.encode()[:MAX_STEM_BYTES].decode(errors="ignore")
    if text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text = "_" + text
    return text or "file"


def normalize_extension(extension: str) -> str:
    """`jpg`, `.JPG` -> `.jpg`; empty stays empty."""
    extension = extension.strip().lower().lstrip(".")
    return f".{sanitize(extension)}" if extension else ""


def render_name(template: str, context: NameContext, extension: str) -> str:
    """The file name `template` gives this file, with `extension` (`.jpg` or `jpg`) appended.

    Raises `NamingTemplateError` for an unknown placeholder.
    """
    validate_template(template)
    values = values_for(context)
    stem = _PLACEHOLDER.sub(lambda m: values[m.group(1).strip()], template)
    return sanitize(stem) + normalize_extension(extension)


def unique_names(names: Sequence[str]) -> list[str]:
    """The names, with later duplicates renamed `name-2.jpg`, `name-3.jpg` ...

    Comparison ignores case (a ZIP unpacked on Windows or macOS would merge `A.jpg` and
    `a.jpg`), and a suffixed name never takes a name that appears elsewhere in the list.
    """
    reserved = {name.casefold() for name in names}
    taken: set[str] = set()
    result: list[str] = []
    for name in names:
        candidate = name
        if candidate.casefold() in taken:
            stem, dot, ext = name.rpartition(".")
            if not dot or not stem:
                stem, ext = name, ""
            suffix = f".{ext}" if ext else ""
            number = 2
            while True:
                candidate = f"{stem}-{number}{suffix}"
                if candidate.casefold() not in taken and candidate.casefold() not in reserved:
                    break
                number += 1
        taken.add(candidate.casefold())
        result.append(candidate)
    return result


def parse_exif_date(text: str) -> datetime | None:
    """An EXIF `YYYY:MM:DD HH:MM:SS` date, or None when blank, zero or malformed."""
    try:
        return datetime.strptime(text.strip()[:19], _EXIF_DATE)
    except ValueError:
        return None


def shooting_date(path: Path, fallback: datetime) -> datetime:
    """When the picture or clip was taken, or `fallback` (the upload date) when unknown.

    Images: EXIF DateTimeOriginal, the camera's wall-clock time; EXIF gives no zone, so
    the result is naive. Videos: the container's `creation_time` tag (UTC, aware).
    A file that cannot be read gives the fallback: naming must never fail on metadata.
    """
    if guess_mime(path).startswith("video/"):
        return _video_creation_time(path) or fallback
    try:
        taken = read_metadata(path)["exif"].get("DateTimeOriginal")
    except MediaError:
        return fallback
    return (parse_exif_date(taken) if isinstance(taken, str) else None) or fallback


def _video_creation_time(path: Path) -> datetime | None:
    import av  # here: PyAV costs ~30 MB of memory, and only videos need it

    try:
        with av.open(str(path)) as container:
            text = container.metadata.get("creation_time")
    except av.FFmpegError:
        return None
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return None if moment.year < 1971 else moment  # 1904/1970 epochs mean "not set"
