"""shop_media's upload checks on real bytes: the type by content, the descriptive metadata."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import pyvips

from shop_media.demo import make_demo_video
from shop_media.descriptive import parse_date, read_xmp
from shop_media.preview import video_clip
from shop_media.sniff import describe_refusal, sniff
from shop_media.watermark import Watermark


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


def _first_frame(path: Path) -> pyvips.Image:
    import av

    with av.open(str(path)) as container:
        frame = next(container.decode(container.streams.video[0])).reformat(format="rgb24")
    plane = frame.planes[0]
    data, width, stride = bytes(plane), frame.width, plane.line_size
    rows = b"".join(data[r * stride : r * stride + width * 3] for r in range(frame.height))
    return pyvips.Image.new_from_memory(rows, width, frame.height, 3, "uchar")


def test_the_video_clip_carries_the_watermark(tmp_path: Path) -> None:
    source = tmp_path / "source.mp4"
    make_demo_video(source, seconds=1.0, width=320, height=180)
    plain, marked = tmp_path / "plain.mp4", tmp_path / "marked.mp4"
    video_clip(source, plain, seconds=0.5)
    mark = Watermark("text", text="PREVIEW", size_pct=60, opacity_pct=80)
    video_clip(source, marked, seconds=0.5, watermark=mark)
    a, b = _first_frame(plain), _first_frame(marked)
    assert (a.width, a.height) == (320, 180)
    w, h = a.width, a.height
    assert (a - b).abs().crop(w // 4, h // 3, w // 2, h // 3).avg() > 8
    assert (a - b).abs().crop(0, 0, w // 10, h // 10).avg() < 3
