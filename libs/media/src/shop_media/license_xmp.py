"""Write the license into a delivered file's XMP, so the file carries its own proof of license.

The fields are merged into the file's existing XMP packet (dc:creator, dc:title ... stay):

| what | XMP property |
|---|---|
| licensee's name | `plus:Licensee[1]/plus:LicenseeName` |
| order number | `plus:LicenseID` and `plus:LicensorTransactionID` |
| license name | `plus:OtherLicenseInfo` (x-default) |
| usage terms | `xmpRights:UsageTerms` and `plus:TermsAndConditionsText` |
| terms URL (optional) | `xmpRights:WebStatement` and `plus:TermsAndConditionsURL` |
| photographer | `photoshop:Credit`, `plus:Licensor[1]/plus:LicensorName`, `dc:rights` |
| date | `plus:LicenseTransactionDate` |
| delivered name (optional) | `plus:FileNameAsDelivered` |

How the packet gets into the file, without touching pixels:

- JPEG: the XMP APP1 segment is replaced (or inserted after JFIF/EXIF); every other
  byte, the compressed image data included, is copied as is. No re-encoding.
- TIFF: the new packet is appended and IFD0's XMP tag (700) repointed (`tiff_tags`).
- PNG: re-saved by libvips with the new packet (lossless, EXIF and ICC kept).
- Anything else (WebP, video): `LicenseStampError`; deliver it without the stamp.

A stamped file is per order: stamp a copy of the cached rendition (`write_licensed_copy`),
never the cache entry itself. Licenses that promise the byte-identical original (e.g. the
`original` delivery mode) should not be stamped at all: the caller skips the call.
"""

from __future__ import annotations

import logging
import re
import shutil
import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, TypeAlias
from xml.dom import minidom
from xml.parsers.expat import ExpatError

import pyvips

from shop_media import tiff_tags
from shop_media.errors import MediaError
from shop_media.metadata import blob, file_format
from shop_media.probe import image_header
from shop_media.store import write_atomically

log = logging.getLogger(__name__)

NS: dict[str, str] = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "plus": "http://ns.useplus.org/ldf/xmp/1.0/",
    "xml": "http://www.w3.org/XML/1998/namespace",
}
XMP_APP1_SIGNATURE = b"http://ns.adobe.com/xap/1.0/\x00"
MAX_JPEG_PACKET = 0xFFFF - 2 - len(XMP_APP1_SIGNATURE)  # one APP1 segment
TIFF_XMP_TAG = 700
# Bulky editing history that agencies strip too; dropped only if the packet would not fit.
_DROPPABLE = (("xmpMM", "History"), ("photoshop", "DocumentAncestors"))
_DROPPABLE_NS = {
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "photoshop": NS["photoshop"],
}
_PACKET_HEADER = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
_PACKET_TRAILER = '<?xpacket end="w"?>'


class LicenseStampError(MediaError):
    """The license could not be written into this file (format or size)."""


@dataclass(frozen=True, slots=True)
class LicenseInfo:
    licensee: str  # the client's name
    order_number: str
    license_name: str
    usage_terms: str
    credit: str  # the photographer's credit line, e.g. "Ana Berg"
    licensed_on: date | datetime  # the order's payment (or forced delivery) date
    copyright: str | None = None  # e.g. "Copyright Ana Berg. All rights reserved."
    terms_url: str | None = None
    file_name: str | None = None  # the delivered file name, when known


def stamp_license(path: Path, info: LicenseInfo) -> None:
    """Rewrite `path`'s XMP with the license merged in, atomically (see the module doc)."""
    write_licensed_copy(path, path, info)


def write_licensed_copy(src: Path, dest: Path, info: LicenseInfo) -> None:
    """Write `src` to `dest` (atomically; may be the same path) with the license in its XMP."""
    header = image_header(src)
    fmt = file_format(header) if header is not None else None
    if header is None or fmt not in ("jpeg", "tiff", "png"):
        kind = fmt or "this kind of file"
        raise LicenseStampError(f"cannot write a license into {src.name}: {kind} not supported")
    if fmt == "jpeg":
        _write_jpeg(src, dest, info)
        return
    packet = merge_license(blob(header, "xmp-data"), info)
    if fmt == "tiff":

        def patch(tmp: Path) -> None:
            shutil.copyfile(src, tmp)
            try:
                tiff_tags.add_tags(tmp, {TIFF_XMP_TAG: packet}, {})
            except ValueError as exc:  # BigTIFF
                raise LicenseStampError(f"cannot write a license into {src.name}: {exc}") from exc

        write_atomically(dest, patch)
    else:
        image = pyvips.Image.new_from_file(str(src), access="sequential").copy()
        image.set_type(pyvips.GValue.blob_type, "xmp-data", packet)
        # Load the pixels fully first: `src` may be `dest`, replaced under a lazy loader.
        image = image.copy_memory()
        write_atomically(dest, lambda tmp: image.pngsave(str(tmp)))


# --- the XMP packet ---------------------------------------------------------------------


def merge_license(existing: bytes | None, info: LicenseInfo) -> bytes:
    """The existing XMP packet (or a new one) with the license's properties set.

    Properties it sets replace earlier values (in element or attribute form); all other
    properties are kept. An unreadable packet is replaced, with a warning logged.
    """
    doc = _parse(existing)
    description = _main_description(doc)
    for prefix, local, build in _properties(info):
        _remove_property(doc, NS[prefix], local)
        _declare(description, prefix)
        node = doc.createElementNS(NS[prefix], f"{prefix}:{local}")
        build(doc, node)
        description.appendChild(doc.createTextNode("\n   "))
        description.appendChild(node)
    description.appendChild(doc.createTextNode("\n  "))
    _remove_property(doc, NS["xmpRights"], "Marked")
    description.setAttributeNS(NS["xmpRights"], "xmpRights:Marked", "True")
    return _serialize(doc)


def _parse(existing: bytes | None) -> minidom.Document:
    if existing:
        try:
            doc = _parse_untrusted(existing.rstrip(b"\x00 \t\r\n"))
            if _rdf_root(doc) is not None:
                return doc
            log.warning("replacing an XMP packet without rdf:RDF")
        except (ExpatError, LicenseStampError) as exc:
            log.warning("replacing an unreadable XMP packet: %s", exc)
    return _parse_untrusted(
        f'{_PACKET_HEADER}<x:xmpmeta xmlns:x="{NS["x"]}"><rdf:RDF xmlns:rdf="{NS["rdf"]}">'
        f"</rdf:RDF></x:xmpmeta>{_PACKET_TRAILER}".encode()
    )


def _parse_untrusted(text: bytes) -> minidom.Document:
    """Parse XMP from an uploaded file. XMP never has a DTD, and refusing one rules out
    the entity attacks (billion laughs, external entities) defusedxml guards against."""
    if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
        raise LicenseStampError("the XMP packet declares a DTD")
    return minidom.parseString(text)  # noqa: S318 - no DTD, hence no entities


def _rdf_root(doc: minidom.Document) -> minidom.Element | None:
    found = doc.getElementsByTagNameNS(NS["rdf"], "RDF")
    return found[0] if found else None


def _descriptions(doc: minidom.Document) -> list[minidom.Element]:
    rdf = _rdf_root(doc)
    if rdf is None:
        return []
    return [
        node
        for node in rdf.childNodes
        if node.nodeType == node.ELEMENT_NODE
        and (node.namespaceURI, node.localName) == (NS["rdf"], "Description")
    ]


def _main_description(doc: minidom.Document) -> minidom.Element:
    existing = _descriptions(doc)
    if existing:
        return existing[0]
    rdf = _rdf_root(doc)
    assert rdf is not None  # _parse guarantees one
    description = doc.createElementNS(NS["rdf"], "rdf:Description")
    description.setAttributeNS(NS["rdf"], "rdf:about", "")
    rdf.appendChild(description)
    return description


def _remove_property(doc: minidom.Document, uri: str, local: str) -> None:
    """Remove a top-level property from every rdf:Description, in either form."""
    for description in _descriptions(doc):
        if description.hasAttributeNS(uri, local):
            description.removeAttributeNS(uri, local)
        for child in list(description.childNodes):
            if child.nodeType == child.ELEMENT_NODE and (child.namespaceURI, child.localName) == (
                uri,
                local,
            ):
                before = child.previousSibling
                if isinstance(before, minidom.Text) and not before.data.strip():
                    description.removeChild(before)  # its indentation
                description.removeChild(child).unlink()


def _declare(element: minidom.Element, prefix: str) -> None:
    """Declare `prefix` on `element`, unless it is already bound to the same URI in scope."""
    node: minidom.Node | None = element
    while isinstance(node, minidom.Element):
        bound = node.getAttribute(f"xmlns:{prefix}")
        if bound == NS[prefix]:
            return
        if bound:  # re-binding it would change the meaning of the existing properties
            raise LicenseStampError(f"the XMP packet binds {prefix}: to {bound}")
        node = node.parentNode
    element.setAttribute(f"xmlns:{prefix}", NS[prefix])


_Builder: TypeAlias = Callable[[minidom.Document, minidom.Element], None]


def _text(value: str) -> _Builder:
    def build(doc: minidom.Document, node: minidom.Element) -> None:
        node.appendChild(doc.createTextNode(value))

    return build


def _lang_alt(value: str) -> _Builder:
    def build(doc: minidom.Document, node: minidom.Element) -> None:
        alt = doc.createElementNS(NS["rdf"], "rdf:Alt")
        item = doc.createElementNS(NS["rdf"], "rdf:li")
        item.setAttributeNS(NS["xml"], "xml:lang", "x-default")
        item.appendChild(doc.createTextNode(value))
        alt.appendChild(item)
        node.appendChild(alt)

    return build


def _array(kind: str, value: str) -> _Builder:
    def build(doc: minidom.Document, node: minidom.Element) -> None:
        array = doc.createElementNS(NS["rdf"], f"rdf:{kind}")
        item = doc.createElementNS(NS["rdf"], "rdf:li")
        item.appendChild(doc.createTextNode(value))
        array.appendChild(item)
        node.appendChild(array)

    return build


def _struct_seq(fields: dict[str, str]) -> _Builder:
    """A one-item rdf:Seq of a PLUS struct (`plus:Licensee`, `plus:Licensor`)."""

    def build(doc: minidom.Document, node: minidom.Element) -> None:
        seq = doc.createElementNS(NS["rdf"], "rdf:Seq")
        item = doc.createElementNS(NS["rdf"], "rdf:li")
        item.setAttributeNS(NS["rdf"], "rdf:parseType", "Resource")
        for local, value in fields.items():
            field = doc.createElementNS(NS["plus"], f"plus:{local}")
            field.appendChild(doc.createTextNode(value))
            item.appendChild(field)
        seq.appendChild(item)
        node.appendChild(seq)

    return build


def _properties(info: LicenseInfo) -> list[tuple[str, str, _Builder]]:
    when = info.licensed_on
    stamp = when.isoformat(timespec="seconds") if isinstance(when, datetime) else when.isoformat()
    props: list[tuple[str, str, _Builder]] = [
        ("plus", "Licensee", _struct_seq({"LicenseeName": info.licensee})),
        ("plus", "Licensor", _struct_seq({"LicensorName": info.credit})),
        ("plus", "LicenseID", _text(info.order_number)),
        ("plus", "LicensorTransactionID", _array("Bag", info.order_number)),
        ("plus", "LicenseTransactionDate", _text(stamp)),
        ("plus", "OtherLicenseInfo", _lang_alt(info.license_name)),
        ("plus", "TermsAndConditionsText", _lang_alt(info.usage_terms)),
        ("xmpRights", "UsageTerms", _lang_alt(info.usage_terms)),
        ("photoshop", "Credit", _text(info.credit)),
    ]
    if info.copyright:
        props.append(("dc", "rights", _lang_alt(info.copyright)))
    if info.terms_url:
        props.append(("xmpRights", "WebStatement", _text(info.terms_url)))
        props.append(("plus", "TermsAndConditionsURL", _text(info.terms_url)))
    if info.file_name:
        props.append(("plus", "FileNameAsDelivered", _text(info.file_name)))
    return props


def _serialize(doc: minidom.Document) -> bytes:
    """The packet as UTF-8: minidom escapes `<&>` in text and `"` in attributes."""
    parts = [node.toxml() for node in doc.childNodes]
    if not parts[0].startswith("<?xpacket"):
        parts.insert(0, _PACKET_HEADER)
    if not parts[-1].startswith("<?xpacket"):
        parts.append(_PACKET_TRAILER)
    return "\n".join(parts).encode("utf-8")


def _shrink(packet: bytes, limit: int) -> bytes:
    """Drop bulky editing history so the packet fits in `limit` bytes, or raise."""
    if len(packet) <= limit:
        return packet
    doc = _parse_untrusted(packet)
    for prefix, local in _DROPPABLE:
        _remove_property(doc, _DROPPABLE_NS[prefix], local)
    packet = _serialize(doc)
    packet = re.sub(rb">\s+<", b"><", packet)  # pretty-printing whitespace only
    if len(packet) > limit:
        raise LicenseStampError(
            f"the XMP packet with the license is {len(packet)} bytes; a JPEG holds {limit}"
        )
    return packet


# --- JPEG: splice the XMP APP1 segment ---------------------------------------------------

_SOI, _SOS, _APP0, _APP1 = 0xD8, 0xDA, 0xE0, 0xE1
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM, RST0-7: markers without a length


@dataclass(frozen=True, slots=True)
class _Segment:
    marker: int
    data: bytes  # the whole segment, marker and length included


def _read_segments(f: BinaryIO, name: str) -> list[_Segment]:
    """The segments before the image data (SOS); `f` is left at the SOS marker."""
    if f.read(2) != b"\xff\xd8":
        raise LicenseStampError(f"{name} is not a JPEG file")
    segments: list[_Segment] = []
    while True:
        start = f.tell()
        byte = f.read(1)
        if byte != b"\xff":
            raise LicenseStampError(f"{name}: malformed JPEG segment at byte {start}")
        marker_byte = f.read(1)
        while marker_byte == b"\xff":  # fill bytes
            marker_byte = f.read(1)
        if not marker_byte:
            raise LicenseStampError(f"{name}: JPEG ends before its image data")
        marker = marker_byte[0]
        if marker == _SOS:
            f.seek(start)
            return segments
        if marker in _STANDALONE:
            segments.append(_Segment(marker, b"\xff" + marker_byte))
            continue
        raw_length = f.read(2)
        if len(raw_length) != 2:
            raise LicenseStampError(f"{name}: JPEG ends before its image data")
        (length,) = struct.unpack(">H", raw_length)
        body = f.read(length - 2)
        if len(body) != length - 2:
            raise LicenseStampError(f"{name}: truncated JPEG segment at byte {start}")
        segments.append(_Segment(marker, b"\xff" + marker_byte + raw_length + body))


def _is_xmp(segment: _Segment) -> bool:
    return segment.marker == _APP1 and segment.data[4:].startswith(XMP_APP1_SIGNATURE)


def _write_jpeg(src: Path, dest: Path, info: LicenseInfo) -> None:
    with src.open("rb") as f:
        segments = _read_segments(f, src.name)
        old = next((s for s in segments if _is_xmp(s)), None)
        existing = old.data[4 + len(XMP_APP1_SIGNATURE) :] if old else None
        packet = _shrink(merge_license(existing, info), MAX_JPEG_PACKET)
        payload = XMP_APP1_SIGNATURE + packet
        new = _Segment(_APP1, b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload)
        if old is not None:
            segments[segments.index(old)] = new
        else:  # after the leading JFIF / EXIF segments, which must come first
            at = 0
            while at < len(segments) and segments[at].marker in (_APP0, _APP1):
                at += 1
            segments.insert(at, new)
        image_data_at = f.tell()

    def write(tmp: Path) -> None:
        with src.open("rb") as source, tmp.open("wb") as out:
            out.write(b"\xff\xd8")
            for segment in segments:
                out.write(segment.data)
            source.seek(image_data_at)
            shutil.copyfileobj(source, out, 1 << 20)

    write_atomically(dest, write)
