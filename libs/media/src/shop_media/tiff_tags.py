"""Read and add the few TIFF/EXIF text tags a photographer checks (Artist, Copyright ...).

Both a JPEG's EXIF blob (after `Exif\\0\\0`) and a TIFF file are TIFF structures, so one
small IFD reader serves both. libvips neither reads nor writes EXIF in TIFF files, so
`add_tags` patches them into a TIFF that libvips has just written. It also writes the
IPTC tag (RichTIFFIPTC, 33723): libvips 8.18's tiffsave passes the byte count divided by
four to a libtiff that counts bytes, so it keeps only the first quarter of the IPTC.
"""

from __future__ import annotations

import mmap
import struct
from pathlib import Path
from typing import BinaryIO

IFD0_TAGS: dict[int, str] = {
    0x0100: "ImageWidth",
    0x0101: "ImageLength",
    0x010E: "ImageDescription",
    0x0112: "Orientation",
    0x0132: "DateTime",
    0x013B: "Artist",
    0x8298: "Copyright",
}
EXIF_TAGS: dict[int, str] = {
    0x9003: "DateTimeOriginal",
    0xA002: "PixelXDimension",
    0xA003: "PixelYDimension",
}
TAG_NUMBERS: dict[str, int] = {name: tag for tag, name in (IFD0_TAGS | EXIF_TAGS).items()}
EXIF_IFD_POINTER = 0x8769
RICH_TIFF_IPTC = 33723
_ASCII, _SHORT, _LONG, _UNDEFINED = 2, 3, 4, 7
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8}

Buffer = bytes | mmap.mmap


def read_tags(data: Buffer) -> dict[str, str | int]:
    """The known tags of IFD0 and the EXIF IFD of a TIFF structure (empty if malformed)."""
    if data[:4] not in (b"II*\x00", b"MM\x00*"):
        return {}
    order = "<" if data[:2] == b"II" else ">"
    (ifd0,) = struct.unpack(order + "I", data[4:8])
    try:
        entries = _read_ifd(data, order, ifd0)
        tags = _known(data, order, entries, IFD0_TAGS)
        if EXIF_IFD_POINTER in entries:
            exif_offset = _value(data, order, entries[EXIF_IFD_POINTER])
            if isinstance(exif_offset, int):
                tags |= _known(data, order, _read_ifd(data, order, exif_offset), EXIF_TAGS)
    except (struct.error, IndexError):
        return {}
    return tags


def read_file_tags(path: Path) -> dict[str, str | int]:
    """`read_tags` on a TIFF file, memory-mapped so a large TIFF is not read whole."""
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return read_tags(data)


def read_exif_blob(blob: bytes) -> dict[str, str | int]:
    """`read_tags` on a libvips `exif-data` blob."""
    return read_tags(blob[6:] if blob.startswith(b"Exif\x00\x00") else blob)


_Entry = tuple[int, int, bytes]  # type, count, the 4-byte value-or-offset field


def _read_ifd(data: Buffer, order: str, offset: int) -> dict[int, _Entry]:
    (count,) = struct.unpack(order + "H", data[offset : offset + 2])
    entries: dict[int, _Entry] = {}
    for i in range(count):
        start = offset + 2 + 12 * i
        tag, kind, n = struct.unpack(order + "HHI", data[start : start + 8])
        entries[tag] = (kind, n, bytes(data[start + 8 : start + 12]))
    return entries


def _value(data: Buffer, order: str, entry: _Entry) -> str | int | None:
    kind, count, field = entry
    size = _TYPE_SIZES.get(kind, 1) * count
    if size <= 4:
        raw = field[:size]
    else:
        (offset,) = struct.unpack(order + "I", field)
        raw = bytes(data[offset : offset + size])
    if kind == _ASCII:
        # Copyright holds "photographer\0editor\0": the photographer comes first.
        return raw.split(b"\x00", 1)[0].decode("utf-8", errors="replace").strip()
    if kind == _SHORT:
        return int(struct.unpack(order + "H", raw[:2])[0])
    if kind == _LONG:
        return int(struct.unpack(order + "I", raw[:4])[0])
    return None


def _known(
    data: Buffer, order: str, entries: dict[int, _Entry], names: dict[int, str]
) -> dict[str, str | int]:
    found: dict[str, str | int] = {}
    for tag, name in names.items():
        if tag in entries and (value := _value(data, order, entries[tag])) is not None:
            found[name] = value
    return found


def add_tags(path: Path, ifd0: dict[int, str | bytes], exif: dict[int, str]) -> None:
    """Add tags to IFD0 (text, or bytes as UNDEFINED) and an EXIF IFD of a classic TIFF.

    The new IFDs and their values are appended and the header repointed, so the pixel data
    is never rewritten. Call it on a temp file that is renamed into place afterwards.
    """
    with path.open("r+b") as f:
        header = f.read(8)
        if header[:4] not in (b"II*\x00", b"MM\x00*"):
            raise ValueError(f"{path} is not a classic (non-Big) TIFF file")
        order = "<" if header[:2] == b"II" else ">"
        (ifd0_offset,) = struct.unpack(order + "I", header[4:8])
        f.seek(ifd0_offset)
        (count,) = struct.unpack(order + "H", f.read(2))
        raw = f.read(12 * count + 4)
        entries = {
            struct.unpack(order + "H", raw[12 * i : 12 * i + 2])[0]: raw[12 * i : 12 * i + 12]
            for i in range(count)
        }
        next_ifd = raw[12 * count :]
        f.seek(0, 2)
        writer = _Appender(f, order)
        entries.update({tag: writer.entry(tag, value) for tag, value in ifd0.items()})
        if exif:
            exif_entries = {tag: writer.entry(tag, text) for tag, text in exif.items()}
            exif_offset = writer.ifd(exif_entries, b"\x00\x00\x00\x00")
            entries[EXIF_IFD_POINTER] = struct.pack(
                order + "HHII", EXIF_IFD_POINTER, _LONG, 1, exif_offset
            )
        new_ifd0 = writer.ifd(entries, next_ifd)
        f.seek(4)
        f.write(struct.pack(order + "I", new_ifd0))


class _Appender:
    """Appends word-aligned values and IFDs at the end of an open TIFF file."""

    def __init__(self, f: BinaryIO, order: str) -> None:
        self._f = f
        self._order = order

    def _append(self, data: bytes) -> int:
        offset = self._f.tell()
        if offset % 2:  # TIFF offsets must be word (even) aligned
            self._f.write(b"\x00")
            offset += 1
        if offset + len(data) > 0xFFFFFFFF:
            raise ValueError("TIFF file too large for 32-bit offsets")
        self._f.write(data)
        return offset

    def entry(self, tag: int, data: str | bytes) -> bytes:
        """A 12-byte IFD entry; text becomes NUL-terminated ASCII, bytes UNDEFINED."""
        kind = _ASCII if isinstance(data, str) else _UNDEFINED
        value = data.encode("utf-8") + b"\x00" if isinstance(data, str) else data
        head = struct.pack(self._order + "HHI", tag, kind, len(value))
        if len(value) <= 4:
            return head + value.ljust(4, b"\x00")
        return head + struct.pack(self._order + "I", self._append(value))

    def ifd(self, entries: dict[int, bytes], next_ifd: bytes) -> int:
        body = b"".join(entries[tag] for tag in sorted(entries))  # tags must be ascending
        return self._append(struct.pack(self._order + "H", len(entries)) + body + next_ifd)
