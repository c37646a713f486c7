"""Read a picture's rights metadata, and carry it over to a rendition in another format.

libvips keeps EXIF, XMP, IPTC and the ICC profile from load to save, but not across every
format (verified on libvips 8.18):

- TIFF: libvips reads and writes no EXIF, so the photographer's text tags are read from and
  patched into the TIFF directly (`tiff_tags`);
- IPTC: the blob's container differs between JPEG and TIFF (`iptc`), so it is converted,
  and for TIFF it is written by `tiff_tags` because tiffsave truncates it;
- PNG and WebP have no IPTC slot in libvips: their rights travel in EXIF and XMP.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict

import pyvips

from shop_media import iptc, tiff_tags
from shop_media.errors import MediaError
from shop_media.probe import LOADER_FORMATS, image_header

# The EXIF text tags that carry authorship and rights; copied to every rendition.
TEXT_TAGS = ("ImageDescription", "Artist", "Copyright", "DateTime", "DateTimeOriginal")


class MediaMetadata(TypedDict):
    """What a photographer checks in a delivered file (the keys other tests can assert)."""

    format: str | None  # jpeg, tiff, png, webp, or None for another libvips format
    width: int
    height: int
    exif: dict[str, str | int]  # e.g. Artist, Copyright, DateTimeOriginal, PixelXDimension
    xmp: str | None  # the XMP packet as text
    iptc: dict[str, str]  # e.g. by_line, credit, copyright, object_name
    icc: bool  # an ICC profile is embedded
    icc_bytes: int


def blob(image: pyvips.Image, name: str) -> bytes | None:
    if not image.get_typeof(name):
        return None
    value = image.get(name)
    return bytes(value) if isinstance(value, bytes | bytearray | memoryview) else None


def file_format(image: pyvips.Image) -> str | None:
    """jpeg, tiff, png or webp from the libvips loader that opened the image."""
    return LOADER_FORMATS.get(str(image.get("vips-loader")), (None, "", ""))[0]


def exif_tags(path: Path, image: pyvips.Image) -> dict[str, str | int]:
    """EXIF tags of a file: from its TIFF directory for TIFF, from its EXIF blob otherwise."""
    if file_format(image) == "tiff":
        return tiff_tags.read_file_tags(path)
    exif = blob(image, "exif-data")
    return tiff_tags.read_exif_blob(exif) if exif else {}


def read_metadata(path: Path) -> MediaMetadata:
    """Rights metadata of an image file (headers only, pixels are not decoded)."""
    image = image_header(path)
    if image is None:
        raise MediaError(f"{path.name} is not an image libvips can read")
    xmp = blob(image, "xmp-data")
    iptc_blob = blob(image, "iptc-data")
    icc = blob(image, "icc-profile-data")
    return MediaMetadata(
        format=file_format(image),
        width=image.width,
        height=image.height,
        exif=exif_tags(path, image),
        xmp=xmp.decode("utf-8", errors="replace") if xmp else None,
        iptc=iptc.named_fields(iptc_blob) if iptc_blob else {},
        icc=icc is not None,
        icc_bytes=len(icc) if icc else 0,
    )


def prepare_for_save(
    image: pyvips.Image, text_tags: dict[str, str], out_format: str
) -> pyvips.Image:
    """A copy of `image` whose metadata will survive saving as `out_format`."""
    image = image.copy()  # never mutate an image libvips may share through its cache
    iptc_blob = blob(image, "iptc-data")
    if iptc_blob is not None:
        converted = iptc.for_jpeg(iptc_blob) if out_format != "tiff" else None
        if converted is None:  # TIFF: `add_tiff_tags` writes it after the save
            image.remove("iptc-data")
        else:
            image.set_type(pyvips.GValue.blob_type, "iptc-data", converted)
    if out_format != "tiff" and not image.get_typeof("exif-data"):
        # A TIFF original had its tags outside libvips: hand them to libvips' EXIF writer.
        for name, value in text_tags.items():
            ifd = "ifd2" if name in tiff_tags.EXIF_TAGS.values() else "ifd0"
            image.set_type(pyvips.GValue.gstr_type, f"exif-{ifd}-{name}", value)
    return image


def text_tags_of(path: Path, image: pyvips.Image) -> dict[str, str]:
    """The authorship/rights EXIF text tags of the original, to copy to its renditions."""
    tags = exif_tags(path, image)
    return {name: str(tags[name]) for name in TEXT_TAGS if tags.get(name)}


def add_tiff_tags(path: Path, text_tags: dict[str, str], iptc_blob: bytes | None) -> None:
    """Write rights tags and IPTC into a TIFF libvips has just saved without them."""
    numbers = tiff_tags.TAG_NUMBERS
    ifd0: dict[int, str | bytes] = {
        numbers[n]: v for n, v in text_tags.items() if n in tiff_tags.IFD0_TAGS.values()
    }
    exif = {numbers[n]: v for n, v in text_tags.items() if n in tiff_tags.EXIF_TAGS.values()}
    iim = iptc.for_tiff(iptc_blob) if iptc_blob else None
    if iim:
        ifd0[tiff_tags.RICH_TIFF_IPTC] = iim
    if ifd0 or exif:
        tiff_tags.add_tags(path, ifd0, exif)
