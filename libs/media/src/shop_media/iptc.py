"""IPTC IIM: a tiny encoder/decoder and the two containers libvips uses for `iptc-data`.

libvips does not parse IPTC; it passes the `iptc-data` blob through verbatim, but the blob's
shape depends on the file format (checked against libvips 8.18):

- JPEG: the whole APP13 payload, i.e. `Photoshop 3.0\\0` followed by 8BIM resource blocks,
  the IIM living in resource 0x0404. A raw IIM blob is written but not read back.
- TIFF: the RichTIFFIPTC tag (33723), which holds raw IIM. libvips writes it as LONGs and
  drops trailing bytes that do not fill a 4-byte word, so raw IIM must be zero-padded.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable

PHOTOSHOP_PREFIX = b"Photoshop 3.0\x00"
_IRB_SIGNATURE = b"8BIM"
IPTC_RESOURCE_ID = 0x0404

# Datasets a photographer cares about, by their IIM record:dataset numbers.
DATASET_NAMES: dict[tuple[int, int], str] = {
    (2, 5): "object_name",
    (2, 80): "by_line",
    (2, 110): "credit",
    (2, 115): "source",
    (2, 116): "copyright",
    (2, 120): "caption",
}
_UTF8_CHARSET = b"\x1b%G"  # ISO 2022 escape for UTF-8, dataset 1:90

IimDataSet = tuple[int, int, bytes]


def encode_iim(datasets: Iterable[tuple[int, int, str | bytes]]) -> bytes:
    """Encode datasets as IIM: 0x1C, record, dataset, 2-byte big-endian length, data.

    Record 1:90 declares UTF-8 and 2:00 the record version, as readers expect them first.
    """
    out = bytearray(_dataset(1, 90, _UTF8_CHARSET) + _dataset(2, 0, struct.pack(">H", 4)))
    for record, number, value in sorted(datasets, key=lambda d: (d[0], d[1])):
        out += _dataset(record, number, value.encode() if isinstance(value, str) else value)
    return bytes(out)


def _dataset(record: int, number: int, data: bytes) -> bytes:
    if len(data) > 0x7FFF:  # longer values need the extended form, which we never need
        raise ValueError(f"IPTC dataset {record}:{number} is too long ({len(data)} bytes)")
    return bytes((0x1C, record, number)) + struct.pack(">H", len(data)) + data


def decode_iim(data: bytes) -> list[IimDataSet]:
    """Decode IIM datasets, stopping at padding or at the first malformed byte."""
    found: list[IimDataSet] = []
    i = 0
    while i + 5 <= len(data) and data[i] == 0x1C:
        record, number = data[i + 1], data[i + 2]
        (length,) = struct.unpack(">H", data[i + 3 : i + 5])
        i += 5
        if length & 0x8000:  # extended dataset: the low bits give the length's own size
            size = length & 0x7FFF
            length = int.from_bytes(data[i : i + size], "big")
            i += size
        found.append((record, number, data[i : i + length]))
        i += length
    return found


def wrap_photoshop(iim: bytes) -> bytes:
    """An APP13 payload holding `iim` as Photoshop resource 0x0404 (what jpegsave wants)."""
    padded = iim + b"\x00" * (len(iim) % 2)  # resource data is padded to an even length
    header = _IRB_SIGNATURE + struct.pack(">H", IPTC_RESOURCE_ID) + b"\x00\x00"
    return PHOTOSHOP_PREFIX + header + struct.pack(">I", len(iim)) + padded


def unwrap_photoshop(blob: bytes) -> bytes | None:
    """The IIM inside a Photoshop resource block list, or None when it holds none."""
    i = len(PHOTOSHOP_PREFIX) if blob.startswith(PHOTOSHOP_PREFIX) else 0
    while i + 12 <= len(blob) and blob[i : i + 4] == _IRB_SIGNATURE:
        (resource_id,) = struct.unpack(">H", blob[i + 4 : i + 6])
        name_len = blob[i + 6]
        i += 6 + name_len + 1 + ((name_len + 1) % 2)  # Pascal name padded to even size
        (size,) = struct.unpack(">I", blob[i : i + 4])
        i += 4
        if resource_id == IPTC_RESOURCE_ID:
            return blob[i : i + size]
        i += size + size % 2
    return None


def raw_iim(blob: bytes) -> bytes | None:
    """The IIM of an `iptc-data` blob in either container, or None when there is none."""
    if blob[:1] == b"\x1c":
        return blob
    return unwrap_photoshop(blob)


def for_jpeg(blob: bytes) -> bytes | None:
    """The `iptc-data` blob jpegsave needs (other Photoshop resources are kept as they are)."""
    if blob.startswith(PHOTOSHOP_PREFIX):
        return blob
    iim = raw_iim(blob)
    return wrap_photoshop(iim) if iim else None


def for_tiff(blob: bytes) -> bytes | None:
    """The `iptc-data` blob tiffsave needs: raw IIM zero-padded to a 4-byte multiple."""
    iim = raw_iim(blob)
    if not iim:
        return None
    return iim + b"\x00" * (-len(iim) % 4)


def named_fields(blob: bytes) -> dict[str, str]:
    """Text of the record-2 datasets, keyed by name (`credit`) or `2:NNN` when unnamed."""
    iim = raw_iim(blob) or b""
    fields: dict[str, str] = {}
    for record, number, value in decode_iim(iim):
        if record != 2 or number == 0:  # 2:00 is the binary record version
            continue
        name = DATASET_NAMES.get((record, number), f"{record}:{number:03d}")
        text = value.decode("utf-8", errors="replace")
        fields[name] = f"{fields[name]}; {text}" if name in fields else text  # repeatables
    return fields
