"""One entry point for image and video renditions, their cache keys, and the terms PDF."""

from __future__ import annotations

import re
import zlib
from datetime import date
from pathlib import Path

import pytest

from shop_media.demo import make_demo_jpeg, make_demo_video
from shop_media.metadata import read_metadata
from shop_media.rendition import needs_render, render_rendition, rendition_key
from shop_media.spec import DeliverySpec
from shop_media.terms_pdf import TermsDocument, build_terms_pdf, write_terms_pdf

BOTH = DeliverySpec(mode="long_edge", long_edge=800, video_max_height=480)


def test_rendition_keys_of_images_ignore_video_fields_and_vice_versa() -> None:
    other_size = BOTH.model_copy(update={"long_edge": 400})
    assert rendition_key(BOTH, video=False) == "long_edge-800-same-q90"
    assert rendition_key(other_size, video=False) == "long_edge-400-same-q90"
    assert rendition_key(BOTH, video=True) == rendition_key(other_size, video=True)
    assert rendition_key(BOTH, video=True) == "video-480p-crf23"
    assert rendition_key(DeliverySpec(mode="long_edge", long_edge=9), video=True) == "original"
    assert not needs_render(DeliverySpec(), video=False)
    assert needs_render(BOTH, video=True)


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("originals")
    make_demo_jpeg(root / "a.jpg", width=1200, height=800, title="A", credit="Ana Berg", seed=3)
    make_demo_video(root / "clip.mp4", seconds=0.5)
    return root


def test_one_spec_renders_images_and_videos_each_their_way(originals: Path, tmp_path) -> None:
    image = render_rendition(originals / "a.jpg", tmp_path / "a.jpg", BOTH)
    assert (image.width, image.height, image.mime_type) == (800, 533, "image/jpeg")
    assert read_metadata(tmp_path / "a.jpg")["exif"]["Artist"] == "Ana Berg"
    video = render_rendition(originals / "clip.mp4", tmp_path / "clip.mp4", BOTH)
    assert (video.height, video.mime_type) == (360, "video/mp4")  # 480 asked: never upscaled
    copy = render_rendition(originals / "clip.mp4", tmp_path / "c2.mp4", DeliverySpec())
    assert (tmp_path / "c2.mp4").read_bytes() == (originals / "clip.mp4").read_bytes()
    assert copy.extension == ".mp4"


def page_text(pdf: bytes) -> str:
    """The text drawn on the pages (core fonts write it as literal strings)."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S)
    text = b""
    for raw in streams:
        try:
            text += zlib.decompress(raw)
        except zlib.error:
            text += raw
    return text.decode("latin-1")


TERMS = (
    "1. Use\n\nThe client may use the images online.\nNo resale.\n\n"
    "2. Café \u2013 \u201ccredit\u201d required"
)


def test_terms_pdf_has_a_title_block_and_the_text() -> None:
    doc = TermsDocument(TERMS, "2026-0042", "Ana Berg", date(2026, 3, 4))
    pdf = build_terms_pdf(doc, system_font=False)
    assert pdf.startswith(b"%PDF-")
    text = page_text(pdf)
    for expected in (
        "Terms and conditions",
        "Photographer: Ana Berg",
        "Order 2026-0042",
        "Issued 2026-03-04",
        "The client may use the images online.",
        "No resale.",
        "Order 2026-0042 - page 1/",
    ):
        assert expected in text
    assert "Caf\xe9 \x96 \x93credit\x94 required" in text  # Windows-1252 in the core font


def test_long_terms_run_over_pages_and_any_text_is_accepted(tmp_path: Path) -> None:
    long = "\n\n".join(f"Clause {n}. " + "word " * 120 for n in range(40))
    doc = TermsDocument(long + "\n\n" + "x" * 500 + " 東京 Ω", "N-1")
    assert "page 3/" in page_text(build_terms_pdf(doc, system_font=False))
    size = write_terms_pdf(tmp_path / "terms.pdf", doc)  # the system font if there is one
    assert size == (tmp_path / "terms.pdf").stat().st_size
    assert (tmp_path / "terms.pdf").read_bytes().startswith(b"%PDF-")
