"""The demo catalog's files: big, pretty enough, fully tagged, deterministic, fast."""

import time
from pathlib import Path

import av
import pytest

from shop_media import iptc, tiff_tags
from shop_media.demo import DEMO_MEDIA, ensure_demo_media, make_demo_jpeg, make_demo_video
from shop_media.metadata import read_metadata
from shop_media.probe import probe
from shop_media.store import LocalMediaStore


def test_demo_jpeg_carries_exif_xmp_iptc_and_icc(tmp_path: Path) -> None:
    dest = tmp_path / "a.jpg"
    make_demo_jpeg(dest, width=4000, height=2667, title="Alpine Lake", credit="Ana Berg", seed=1)
    meta = read_metadata(dest)
    assert (meta["format"], meta["width"], meta["height"]) == ("jpeg", 4000, 2667)
    notice = "Copyright Ana Berg. All rights reserved."
    assert meta["exif"]["Artist"] == "Ana Berg"
    assert meta["exif"]["Copyright"] == notice
    assert meta["exif"]["ImageDescription"] == "Alpine Lake"
    assert meta["exif"]["DateTimeOriginal"] == "2024:06:02 06:30:00"
    xmp = meta["xmp"] or ""
    assert xmp.startswith("<?xpacket begin=")
    assert "<x:xmpmeta" in xmp
    for needle in (
        "dc:creator",
        "dc:rights",
        "dc:title",
        'photoshop:Credit="Ana Berg"',
        "xmpRights:UsageTerms",
    ):
        assert needle in xmp
    assert meta["iptc"] == {
        "object_name": "Alpine Lake",
        "by_line": "Ana Berg",
        "credit": "Ana Berg",
        "copyright": notice,
    }
    assert meta["icc"]
    assert meta["icc_bytes"] > 0


def test_demo_jpeg_is_a_picture_not_a_flat_colour(tmp_path: Path) -> None:
    import pyvips

    dest = tmp_path / "a.jpg"
    make_demo_jpeg(dest, width=600, height=400, title="T", credit="C", seed=3)
    image = pyvips.Image.new_from_file(str(dest))
    assert image.deviate() > 20  # gradients, sun and ridges, not one colour


def test_demo_jpeg_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jpg", tmp_path / "b.jpg"
    for path in (a, b):
        make_demo_jpeg(path, width=900, height=600, title="T", credit="C", seed=7)
    assert a.read_bytes() == b.read_bytes()


def test_demo_video_is_a_readable_mp4_of_the_requested_size(tmp_path: Path) -> None:
    dest = tmp_path / "clip.mp4"
    make_demo_video(dest, seconds=2.0, width=640, height=360, fps=24)
    assert dest.stat().st_size < 1_000_000
    info = probe(dest)
    assert (info.kind, info.mime_type, info.width, info.height) == ("video", "video/mp4", 640, 360)
    assert info.codec in ("h264", "mpeg4")
    assert info.duration_s == pytest.approx(2.0, abs=0.1)
    with av.open(str(dest)) as container:
        frames = list(container.decode(video=0))
    assert len(frames) == 48
    assert frames[0].width == 640


def test_ensure_demo_media_is_fast_and_idempotent(tmp_path: Path) -> None:
    store = LocalMediaStore(tmp_path / "media")
    started = time.process_time()  # CPU seconds (all threads): steady on a loaded machine
    entries = ensure_demo_media(store)
    elapsed = time.process_time() - started
    assert entries == DEMO_MEDIA
    assert elapsed < 10  # ~4 CPU-seconds; wall time on a busy shared machine says little
    kinds = {e.kind for e in entries}
    assert kinds == {"image", "video"}
    for entry in entries:
        info = probe(store.path_for(entry.key))
        assert (info.kind, info.width, info.height) == (entry.kind, entry.width, entry.height)
        if entry.kind == "image":
            assert max(entry.width, entry.height) >= 3000
    landscapes = [e for e in entries if e.kind == "image" and e.width > e.height]
    portraits = [e for e in entries if e.kind == "image" and e.width < e.height]
    assert landscapes
    assert portraits
    mtimes = {e.key: store.path_for(e.key).stat().st_mtime_ns for e in entries}
    ensure_demo_media(store)
    assert mtimes == {e.key: store.path_for(e.key).stat().st_mtime_ns for e in entries}


def test_iptc_round_trip_in_both_containers() -> None:
    iim = iptc.encode_iim([(2, 80, "Zoë"), (2, 110, "Crédit"), (2, 5, "x" * 300)])
    assert iim.startswith(b"\x1c\x01\x5a\x00\x03\x1b%G")  # 1:90 says UTF-8
    for blob in (iim, iptc.wrap_photoshop(iim), iptc.for_tiff(iim) or b""):
        assert iptc.named_fields(blob) == {
            "by_line": "Zoë",
            "credit": "Crédit",
            "object_name": "x" * 300,
        }
    assert len(iptc.for_tiff(iim) or b"") % 4 == 0
    assert iptc.raw_iim(iptc.wrap_photoshop(iim)) == iim


def test_tiff_tag_patch_is_read_back(tmp_path: Path) -> None:
    import pyvips

    path = tmp_path / "a.tif"
    (pyvips.Image.black(16, 8, bands=3)).cast("uchar").tiffsave(str(path))
    tiff_tags.add_tags(
        path,
        {0x013B: "Ana Berg", 33723: b"\x1c\x02\x50\x00\x01A\x00\x00"},
        {0x9003: "2024:01:01 00:00:00"},
    )
    tags = tiff_tags.read_file_tags(path)
    assert (tags["Artist"], tags["DateTimeOriginal"], tags["ImageWidth"]) == (
        "Ana Berg",
        "2024:01:01 00:00:00",
        16,
    )
    assert pyvips.Image.new_from_file(str(path)).avg() == 0  # pixels untouched, still a valid TIFF
