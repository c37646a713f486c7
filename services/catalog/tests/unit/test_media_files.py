"""shop_media's upload checks on real bytes: the type by content, the descriptive metadata."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shop_media.descriptive import parse_date, read_xmp
from shop_media.sniff import describe_refusal, sniff


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"II*\x00\x08\x00\x00\x00", "image/tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "image/tiff"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "image/heic"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1", "image/avif"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", "video/quicktime"),
    ],
)
def test_types_the_shop_takes(head: bytes, mime: str) -> None:
    found = sniff(head)
    assert found is not None
    assert found.mime_type == mime


@pytest.mark.parametrize(
    ("head", "words"),
    [
        (b"PK\x03\x04\x14\x00", "ZIP"),
        (b'<?xml version="1.0"?><svg xmlns=', "SVG"),
        (b"<svg width='1'>", "SVG"),
        (b"%PDF-1.7", "PDF"),
        (b"GIF89a\x01\x00", "GIF"),
        (b"<html><body>", "HTML"),
        (b"\x00\x00\x00\x18ftyp3gp4\x00\x00\x00\x00", "not take"),
        (b"hello world", "not take"),
    ],
)
def test_types_refused_with_a_reason(head: bytes, words: str) -> None:
    assert sniff(head) is None
    assert words in describe_refusal(head)


def test_dates() -> None:
    assert parse_date("2024:06:02 06:30:00") == datetime(2024, 6, 2, 6, 30, tzinfo=UTC)
    assert parse_date("2024-06-02T08:30:00+02:00") == datetime(2024, 6, 2, 6, 30, tzinfo=UTC)
    assert parse_date("20240602") == datetime(2024, 6, 2, tzinfo=UTC)
    assert parse_date("0000:00:00 00:00:00") is None
    assert parse_date("yesterday") is None


def test_xmp_with_entities_is_ignored() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;">]><x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>'
    )
    assert read_xmp(bomb) == {}
    plain = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b"<dc:subject><rdf:Bag><rdf:li>a</rdf:li><rdf:li>b</rdf:li></rdf:Bag></dc:subject>"
        b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    assert read_xmp(plain)["subject"] == ["a", "b"]
