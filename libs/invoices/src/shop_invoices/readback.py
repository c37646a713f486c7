"""The text of a PDF that `shop_invoices.pdf` wrote, read back (for tests: the orders and
notifications tests check what a served or attached invoice says without a PDF library).

Not a general PDF reader: it knows the shape fpdf2 writes. Streams are inflated; each font's
`/ToUnicode` CMap (`bfchar` and `bfrange`) maps the two-byte glyph codes of an embedded
TrueType font back to text; core fonts' strings are Windows-1252. Each text-showing operator
(`Tj`, `TJ`) gives one line of the result, in drawing order.
"""

from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_FONT_REF = re.compile(rb"/(F\d+) (\d+) 0 R")
_TO_UNICODE = re.compile(rb"/ToUnicode (\d+) 0 R")
_CONTENTS = re.compile(rb"/Contents (\d+) 0 R")
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")
_TOKENS = re.compile(
    rb"/(?P<font>F\d+)\s+[\d.]+\s+Tf"
    rb"|(?P<show>\((?:\\.|[^\\)])*\)\s*Tj)"
    rb"|(?P<array>\[(?:\((?:\\.|[^\\)])*\)|[^\]()])*\]\s*TJ)",
    re.S,
)
_STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

CMap = dict[int, str]


def _body(raw: bytes) -> bytes:
    found = _STREAM.search(raw)
    if found is None:
        return b""
    data = found.group(1)
    if b"/FlateDecode" in raw[: found.start()]:
        try:
            return zlib.decompress(data)
        except zlib.error:
            return data
    return data


def _unhex(text: bytes) -> str:
    data = bytes.fromhex(text.decode())
    return data.decode("utf-16-be", errors="replace")


def _cmap(data: bytes) -> CMap:
    out: CMap = {}
    for block in _BFCHAR.findall(data):
        codes = _HEX.findall(block)
        for src, dst in zip(codes[::2], codes[1::2], strict=False):
            out[int(src, 16)] = _unhex(dst)
    for block in _BFRANGE.findall(data):
        codes = _HEX.findall(block)
        for low, high, dst in zip(codes[::3], codes[1::3], codes[2::3], strict=False):
            start = ord(_unhex(dst)[0])
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                out[code] = chr(start + offset)
    return out


def _unescape(raw: bytes) -> bytes:
    out = bytearray()
    index = 0
    while index < len(raw):
        byte = raw[index : index + 1]
        if byte != b"\\":
            out += byte
            index += 1
            continue
        following = raw[index + 1 : index + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[index + 1 : index + 4])
        if octal:
            out.append(int(octal.group(0), 8) & 0xFF)
            index += 1 + len(octal.group(0))
        elif following == b"\n":
            index += 2
        else:
            out += _ESCAPES.get(following, following)
            index += 2
    return bytes(out)


def _decode(data: bytes, cmap: CMap | None) -> str:
    if cmap is None:
        return data.decode("cp1252", errors="replace")
    return "".join(
        cmap.get(int.from_bytes(data[i : i + 2], "big"), "\ufffd") for i in range(0, len(data), 2)
    )


def pdf_text(pdf: bytes) -> str:
    """The text drawn on the pages of `pdf`, one line per text-showing operator."""
    objects = {int(num): raw for num, raw in _OBJECT.findall(pdf)}
    fonts: dict[bytes, CMap | None] = {}
    for raw in objects.values():
        for name, ref in _FONT_REF.findall(raw):
            font = objects.get(int(ref), b"")
            to_unicode = _TO_UNICODE.search(font)
            fonts[name] = (
                _cmap(_body(objects.get(int(to_unicode.group(1)), b"")))
                if to_unicode is not None
                else None
            )
    lines: list[str] = []
    pages = [int(ref) for raw in objects.values() for ref in _CONTENTS.findall(raw)]
    for ref in pages:
        content = _body(objects.get(ref, b""))
        cmap: CMap | None = None
        for token in _TOKENS.finditer(content):
            if token.group("font"):
                cmap = fonts.get(token.group("font"))
                continue
            shown = token.group("show") or token.group("array") or b""
            lines.append("".join(_decode(_unescape(part), cmap) for part in _STRING.findall(shown)))
    return "\n".join(lines)
