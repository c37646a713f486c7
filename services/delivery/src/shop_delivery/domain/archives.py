"""ZIP archives of a whole order: how files are split under the size cap, and LICENSE.txt.

Pure: the archives are planned over every delivered file of the order, in the order's
order, so `/archive/1`, `/archive/2`... always name the same files; which of them an archive
includes when it is downloaded depends on their links (see `service.archives`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

# Bytes a stored entry costs besides its data: local header, ZIP64 data descriptor,
# central directory record and extras, with the name twice. Generous on purpose.
ENTRY_OVERHEAD = 200
# Room kept in every archive for LICENSE.txt, the terms PDF and the end records.
ARCHIVE_RESERVE = 1_000_000 // 4


@dataclass(frozen=True)
class ArchiveFile:
    item_id: uuid.UUID
    name: str
    size_bytes: int
    license_name: str
    usage_terms: str | None
    credit: str | None
    gallery: str | None = None  # the whole gallery it was licensed with
    usage: str | None = None  # a rights-managed license's usage ("Usage: Web; Size: A3")


def entry_cost(name: str, size_bytes: int) -> int:
    return size_bytes + ENTRY_OVERHEAD + 2 * len(name.encode())


def plan_archives(files: Sequence[ArchiveFile], max_bytes: int) -> list[list[ArchiveFile]]:
    """Split `files`, in order, into archives of at most `max_bytes` each.

    A file bigger than the cap on its own gets an archive of its own (the cap limits how
    files are grouped; it never makes a file undeliverable). No files: no archive.
    """
    budget = max(1, max_bytes - ARCHIVE_RESERVE)
    archives: list[list[ArchiveFile]] = []
    used = 0
    for file in files:
        cost = entry_cost(file.name, file.size_bytes)
        if not archives or used + cost > budget:
            archives.append([])
            used = 0
        archives[-1].append(file)
        used += cost
    return archives


@dataclass(frozen=True)
class LicenseText:
    number: str
    licensee: str
    part: int
    parts: int
    delivered_at: datetime | None
    included: Sequence[ArchiveFile]
    left_out: Sequence[ArchiveFile]  # their links are expired, used up or revoked
    terms_name: str | None  # the terms PDF, when the photographer set terms
    free: bool = False  # a free download granted by the photographer, not an order


def credits_of(credits: Iterable[str | None]) -> list[str]:
    """The photographers' credit lines, each once, in the files' order: an agency's order
    can hold several photographers' files (each file keeps its own line's credit)."""
    return list(dict.fromkeys(credit for credit in credits if credit))


def photographer_credit(files: Sequence[ArchiveFile]) -> str | None:
    """Who to credit for these files: one photographer, or several joined ("A, B")."""
    return ", ".join(credits_of(f.credit for f in files)) or None


def license_text(text: LicenseText) -> str:
    """LICENSE.txt: the order, the licensee, each file's license, usage terms and credit."""
    heading = f"Free download {text.number}" if text.free else f"License for order {text.number}"
    lines = [
        heading,
        "",
        f"Licensee: {text.licensee}",
    ]
    credits = credits_of(f.credit for f in [*text.included, *text.left_out])
    if credits:
        label = "Photographers" if len(credits) > 1 else "Photographer"
        lines.append(f"{label}: {', '.join(credits)}")
    if text.delivered_at is not None:
        lines.append(f"Delivered: {text.delivered_at:%Y-%m-%d}")
    lines.append(f"Archive {text.part} of {text.parts}")
    lines += ["", "Files in this archive:", ""]
    for file in text.included:
        lines.append(file.name)
        if file.gallery:
            lines.append(f"  License: {file.license_name} (gallery: {file.gallery})")
        else:
            lines.append(f"  License: {file.license_name}")
        if file.usage:
            lines.append(f"  Licensed usage (rights-managed): {file.usage}")
        if file.usage_terms:
            lines.append(f"  Usage terms: {file.usage_terms}")
        if file.credit:
            lines.append(f"  Credit: {file.credit}")
        lines.append("")
    if text.left_out:
        lines.append("Not included (the download link has expired or was used up):")
        lines += [f"  {file.name}" for file in text.left_out]
        lines.append("")
    if text.terms_name:
        lines.append(f"The photographer's terms and conditions: {text.terms_name}")
        lines.append("")
    lines.append(
        "Each file also carries its license in its XMP metadata where its format allows it."
    )
    return "\r\n".join(lines) + "\r\n"
