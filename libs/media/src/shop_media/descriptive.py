"""What a photographer wrote into a file: title, caption, keywords, credit, copyright and the
capture date, from EXIF, IPTC and XMP (images) or the container's tags (video).

XMP wins over IPTC, which wins over EXIF (XMP is what current tools write first). The XMP
packet comes from an uploaded file: a packet declaring a DOCTYPE or entities is ignored
(no entity expansion, no external references), and every value is bounded.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyvips

from shop_media import iptc
from shop_media.metadata import blob, exif_tags

MAX_TITLE = 300
MAX_CAPTION = 5000
MAX_KEYWORD = 100
MAX_KEYWORDS = 100
MAX_XMP_BYTES = 1_000_000

_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "exif": "http://ns.adobe.com/exif/1.0/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}


@dataclass(frozen=True, slots=True)
class Descriptive:
    title: str | None = None
    caption: str | None = None
    keywords: list[str] = field(default_factory=list)
    credit: str | None = None
    copyright: str | None = None
    captured_at: datetime | None = None


def clean(value: Any, limit: int) -> str | None:
    """Text without control characters, trimmed and bounded; None when nothing is left."""
    if value is None:
        return None
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", str(value)).strip()
    return text[:limit].strip() or None


def clean_keywords(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        for part in re.split(r"[;,]", value):
            word = clean(part, MAX_KEYWORD)
            if word and word.lower() not in seen:
                seen[word.lower()] = word
    return list(seen.values())[:MAX_KEYWORDS]


def parse_date(value: str | None) -> datetime | None:
    """EXIF `2024:06:02 06:30:00`, XMP/ISO `2024-06-02T06:30:00+02:00`, IPTC `20240602`.
    A time without a zone is taken as UTC."""
    if not value:
        return None
    text = value.strip().split("\x00")[0]
    text = re.sub(r"^(\d{4}):(\d{2}):(\d{2})", r"\1-\2-\3", text)
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    text = text.replace("Z", "+00:00").replace(" ", "T", 1)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.year < 1800:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _xmp_root(packet: bytes) -> ET.Element | None:
    if len(packet) > MAX_XMP_BYTES or b"<!DOCTYPE" in packet or b"<!ENTITY" in packet:
        return None
    text = packet.decode("utf-8", errors="replace")
    start = text.find("<x:xmpmeta")
    if start < 0:
        start = text.find("<rdf:RDF")
    end_tag = "</x:xmpmeta>" if text.startswith("<x:xmpmeta", start) else "</rdf:RDF>"
    end = text.find(end_tag)
    if start < 0 or end < 0:
        return None
    try:
        return ET.fromstring(text[start : end + len(end_tag)])  # noqa: S314 - see above
    except ET.ParseError:
        return None


def _xmp_values(root: ET.Element, prefix: str, name: str) -> list[str]:
    """The values of one XMP property: an attribute of rdf:Description or an element
    holding text or an rdf:Alt / Bag / Seq of rdf:li."""
    tag = f"{{{_NS[prefix]}}}{name}"
    found: list[str] = []
    for description in root.iter(f"{{{_NS['rdf']}}}Description"):
        if tag in description.attrib:
            found.append(description.attrib[tag])
        for element in description.findall(tag):
            items = element.findall(".//rdf:li", _NS)
            if items:
                found.extend(item.text or "" for item in items)
            elif element.text and element.text.strip():
                found.append(element.text)
    return [v for v in found if v.strip()]


def read_xmp(packet: bytes) -> dict[str, list[str]]:
    root = _xmp_root(packet)
    if root is None:
        return {}
    wanted = {
        "title": ("dc", "title"),
        "description": ("dc", "description"),
        "subject": ("dc", "subject"),
        "rights": ("dc", "rights"),
        "creator": ("dc", "creator"),
        "credit": ("photoshop", "Credit"),
        "date_created": ("photoshop", "DateCreated"),
        "date_original": ("exif", "DateTimeOriginal"),
        "create_date": ("xmp", "CreateDate"),
    }
    return {key: _xmp_values(root, *where) for key, where in wanted.items()}


def read_iptc(data: bytes) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    names = {5: "object_name", 25: "keywords", 55: "date", 60: "time", 80: "by_line"}
    names |= {110: "credit", 116: "copyright", 120: "caption", 105: "headline"}
    for record, number, value in iptc.decode_iim(iptc.raw_iim(data) or b""):
        if record == 2 and number in names:
            text = value.decode("utf-8", errors="replace")
            fields.setdefault(names[number], []).append(text)
    return fields


def _first(*candidates: list[str] | str | int | None) -> str | None:
    for candidate in candidates:
        if isinstance(candidate, list):
            candidate = candidate[0] if candidate else None
        if candidate is not None and str(candidate).strip():
            return str(candidate)
    return None


def describe_image(path: Path, image: pyvips.Image) -> Descriptive:
    """The descriptive metadata of an image whose header libvips has read."""
    exif = exif_tags(path, image)
    iptc_blob = blob(image, "iptc-data")
    xmp_blob = blob(image, "xmp-data")
    ip = read_iptc(iptc_blob) if iptc_blob else {}
    xmp = read_xmp(xmp_blob) if xmp_blob else {}
    title = clean(_first(xmp.get("title"), ip.get("object_name"), ip.get("headline")), MAX_TITLE)
    caption = clean(
        _first(xmp.get("description"), ip.get("caption"), exif.get("ImageDescription")),
        MAX_CAPTION,
    )
    if title is None and caption is not None and len(caption) <= MAX_TITLE:
        title = caption  # a file with only an EXIF description: that is its title
    if caption == title:
        caption = None
    iptc_date = _first(ip.get("date"))
    if iptc_date and ip.get("time"):
        iptc_date = f"{iptc_date}T{ip['time'][0][:2]}:{ip['time'][0][2:4]}:{ip['time'][0][4:6]}"
    captured = parse_date(
        _first(
            exif.get("DateTimeOriginal"),
            xmp.get("date_original"),
            xmp.get("date_created"),
            iptc_date,
            xmp.get("create_date"),
        )
    )
    return Descriptive(
        title=title,
        caption=caption,
        keywords=clean_keywords(xmp.get("subject", []) + ip.get("keywords", [])),
        credit=clean(
            _first(
                xmp.get("credit"),
                ip.get("credit"),
                ip.get("by_line"),
                exif.get("Artist"),
                xmp.get("creator"),
            ),
            MAX_TITLE,
        ),
        copyright=clean(
            _first(xmp.get("rights"), ip.get("copyright"), exif.get("Copyright")), MAX_CAPTION
        ),
        captured_at=captured,
    )


def describe_video_tags(tags: dict[str, str]) -> Descriptive:
    """A video container's tags (MP4/MOV: title, comment, artist, copyright, creation_time)."""
    lower = {k.lower(): v for k, v in tags.items()}
    return Descriptive(
        title=clean(_first(lower.get("title")), MAX_TITLE),
        caption=clean(_first(lower.get("description"), lower.get("comment")), MAX_CAPTION),
        keywords=clean_keywords([lower["keywords"]]) if lower.get("keywords") else [],
        credit=clean(_first(lower.get("artist"), lower.get("author")), MAX_TITLE),
        copyright=clean(_first(lower.get("copyright")), MAX_CAPTION),
        captured_at=parse_date(_first(lower.get("creation_time"), lower.get("date"))),
    )
