"""What a file is, decided by its first bytes (never by its name).

Only the formats the shop takes are recognised; anything else (SVG, ZIP, PDF, GIF, HTML...)
is `None`, and the caller refuses it before any decoder sees it: libvips would happily load
an SVG (scripts, external references) or guess at a file, so the loader is chosen here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SNIFF_BYTES = 64  # how much of the file's start `sniff` needs


@dataclass(frozen=True, slots=True)
class FileType:
    kind: Literal["image", "video"]
    format: str  # jpeg, tiff, png, webp, heif, mp4, mov
    mime_type: str
    extension: str  # with the dot: the media key's suffix
    loader: str | None = None  # the libvips loader for images


JPEG = FileType("image", "jpeg", "image/jpeg", ".jpg", "jpegload")
TIFF = FileType("image", "tiff", "image/tiff", ".tif", "tiffload")
PNG = FileType("image", "png", "image/png", ".png", "pngload")
WEBP = FileType("image", "webp", "image/webp", ".webp", "webpload")
HEIC = FileType("image", "heif", "image/heic", ".heic", "heifload")
AVIF = FileType("image", "heif", "image/avif", ".avif", "heifload")
MP4 = FileType("video", "mp4", "video/mp4", ".mp4")
MOV = FileType("video", "mov", "video/quicktime", ".mov")

_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}
_MP4_BRANDS = {
    b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash",
    b"M4V ", b"M4VP", b"MSNV", b"f4v ", b"mmp4", b"XAVC",
}  # fmt: skip
_MOV_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def sniff(head: bytes) -> FileType | None:
    """The type of a file starting with `head` (at least `SNIFF_BYTES` when the file has
    them), or None when it is not one the shop takes."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return _by_brand(head)
    if len(head) >= 8 and head[4:8] in _MOV_ATOMS:
        return MOV  # an old QuickTime file without ftyp: PyAV confirms it
    return None


def _by_brand(head: bytes) -> FileType | None:
    size = int.from_bytes(head[:4], "big")
    major = head[8:12]
    # The compatible brands follow the minor version, up to the box's end.
    brands = {major} | {head[i : i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
    if major == b"qt  ":
        return MOV
    if major in _AVIF_BRANDS:
        return AVIF
    if major in _HEIC_BRANDS:
        return HEIC
    if major in _MP4_BRANDS or brands & _MP4_BRANDS:
        return MP4
    if brands & _HEIC_BRANDS:
        return HEIC
    if b"qt  " in brands:
        return MOV
    return None


def describe_refusal(head: bytes) -> str:
    """A sentence naming what an unsupported file looks like, for the 415's detail."""
    stripped = head.lstrip()
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        what = "a ZIP archive"
    elif stripped.startswith((b"<?xml", b"<svg", b"<!DOCTYPE svg")) or b"<svg" in head:
        what = "an SVG (or other XML) file"
    elif head.startswith(b"%PDF"):
        what = "a PDF"
    elif head.startswith((b"GIF87a", b"GIF89a")):
        what = "a GIF"
    elif stripped[:1] == b"<":
        what = "an HTML or XML file"
    else:
        what = "of a type the shop does not take"
    return (
        f"the file is {what}; upload a JPEG, TIFF, PNG, WebP or HEIC image, or an MP4 or MOV video"
    )
