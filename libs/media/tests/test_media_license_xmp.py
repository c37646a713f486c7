"""The license written into the delivered file's XMP, next to what was already there."""

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from xml.dom import minidom

import pytest
import pyvips

from shop_media import license_xmp
from shop_media.demo import make_demo_jpeg, make_demo_video
from shop_media.license_xmp import (
    MAX_JPEG_PACKET,
    XMP_APP1_SIGNATURE,
    LicenseInfo,
    LicenseStampError,
    merge_license,
    stamp_license,
    write_licensed_copy,
)
from shop_media.metadata import read_metadata
from shop_media.render import render_image
from shop_media.spec import DeliverySpec

NOTICE = "Copyright Ana Berg. All rights reserved."
INFO = LicenseInfo(
    licensee='Zoë <Smith> & "Sons"',
    order_number="A-1042",
    license_name="Web, 1 year",
    usage_terms="Web use on one site for one year.",
    credit="Ana Berg",
    licensed_on=datetime(2025, 5, 6, 7, 8, 9, tzinfo=UTC),
    copyright=NOTICE,
    terms_url="https://shop.example/terms?license=web&v=2",
    file_name="A-1042_1_alpine-lake.jpg",
)


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("license") / "alpine-lake.jpg"
    make_demo_jpeg(path, width=900, height=600, title="Alpine Lake", credit="Ana Berg", seed=1)
    return path


def xmp_of(path: Path) -> minidom.Document:
    xmp = read_metadata(path)["xmp"]
    assert xmp is not None
    return minidom.parseString(xmp.encode())


def texts(doc: minidom.Document, prefix: str, local: str) -> list[str]:
    nodes = doc.getElementsByTagNameNS(license_xmp.NS[prefix], local)
    return ["".join(t.data for t in _text_nodes(n)) for n in nodes]


def _text_nodes(node: minidom.Node) -> list[minidom.Text]:
    found: list[minidom.Text] = []
    for child in node.childNodes:
        if isinstance(child, minidom.Text):
            found.append(child)
        else:
            found.extend(_text_nodes(child))
    return found


def assert_licensed(path: Path) -> None:
    meta = read_metadata(path)
    # EXIF, IPTC and ICC survive
    assert meta["exif"]["Artist"] == "Ana Berg"
    assert meta["exif"]["Copyright"] == NOTICE
    assert meta["iptc"]["credit"] == "Ana Berg"
    assert meta["icc"]
    doc = xmp_of(path)
    # the old fields ...
    assert [t.strip() for t in texts(doc, "dc", "creator")] == ["Ana Berg"]
    assert [t.strip() for t in texts(doc, "dc", "title")] == ["Alpine Lake"]
    # ... and the new ones, each once
    assert texts(doc, "plus", "LicenseeName") == ['Zoë <Smith> & "Sons"']
    assert texts(doc, "plus", "LicenseID") == ["A-1042"]
    assert texts(doc, "plus", "OtherLicenseInfo") == ["Web, 1 year"]
    assert texts(doc, "xmpRights", "UsageTerms") == ["Web use on one site for one year."]
    assert texts(doc, "xmpRights", "WebStatement") == [INFO.terms_url]
    assert texts(doc, "plus", "LicenseTransactionDate") == ["2025-05-06T07:08:09+00:00"]
    assert texts(doc, "dc", "rights") == [NOTICE]
    assert texts(doc, "photoshop", "Credit") == ["Ana Berg"]
    # the demo file had Credit as an attribute: it must not be there twice
    assert "photoshop:Credit=" not in (meta["xmp"] or "")


def test_jpeg_is_spliced_pixels_and_metadata_untouched(original: Path, tmp_path: Path) -> None:
    path = tmp_path / "web.jpg"
    render_image(original, path, DeliverySpec(mode="long_edge", long_edge=400))
    before = path.read_bytes()
    stamp_license(path, INFO)
    after = path.read_bytes()
    assert_licensed(path)
    # Only the XMP segment changed: the compressed image data is byte-identical.
    sos = before.index(b"\xff\xda")
    assert after.endswith(before[sos:])
    assert after.count(XMP_APP1_SIGNATURE) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["web.jpg"]


def test_escaping_is_visible_in_the_raw_packet(original: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    write_licensed_copy(original, path, INFO)
    raw = read_metadata(path)["xmp"] or ""
    assert "Zoë &lt;Smith&gt; &amp; &quot;Sons&quot;" in raw
    assert "license=web&amp;v=2" in raw
    assert original.read_bytes() != path.read_bytes()


def test_stamping_twice_replaces_rather_than_duplicates(original: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    write_licensed_copy(original, path, INFO)
    later = dataclasses.replace(INFO, licensee="Other Client", order_number="B-7")
    stamp_license(path, later)
    doc = xmp_of(path)
    assert texts(doc, "plus", "LicenseeName") == ["Other Client"]
    assert texts(doc, "plus", "LicenseID") == ["B-7"]


def test_tiff_is_patched_in_place(original: Path, tmp_path: Path) -> None:
    path = tmp_path / "print.tif"
    render_image(original, path, DeliverySpec(mode="long_edge", long_edge=300, format="tiff"))
    pixels = pyvips.Image.new_from_file(str(path)).copy_memory()
    stamp_license(path, INFO)
    assert_licensed(path)
    assert pyvips.Image.new_from_file(str(path), revalidate=True).subtract(pixels).abs().max() == 0


def test_png_keeps_exif_icc_and_xmp(original: Path, tmp_path: Path) -> None:
    path = tmp_path / "web.png"
    render_image(original, path, DeliverySpec(mode="long_edge", long_edge=200, format="png"))
    stamp_license(path, INFO)
    meta = read_metadata(path)
    assert meta["exif"]["Artist"] == "Ana Berg"
    assert meta["icc"]
    doc = xmp_of(path)
    assert texts(doc, "plus", "LicenseeName") == [INFO.licensee]
    assert [t.strip() for t in texts(doc, "dc", "creator")] == ["Ana Berg"]


def test_file_without_xmp_gets_a_new_packet(tmp_path: Path) -> None:
    path = tmp_path / "bare.jpg"
    (pyvips.Image.black(32, 16, bands=3) + 40).cast("uchar").jpegsave(str(path), keep="none")
    info = dataclasses.replace(INFO, licensed_on=date(2025, 1, 2), copyright=None)
    stamp_license(path, info)
    doc = xmp_of(path)
    assert texts(doc, "plus", "LicenseTransactionDate") == ["2025-01-02"]
    assert texts(doc, "dc", "rights") == []
    assert pyvips.Image.new_from_file(str(path)).avg() == pytest.approx(40, abs=1)


def test_unreadable_or_hostile_packets_are_replaced() -> None:
    for bad in (b"<not xml", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'):
        packet = merge_license(bad, INFO).decode()
        assert "<!DOCTYPE" not in packet
        assert "plus:LicenseeName" in packet


def test_a_packet_too_big_for_jpeg_is_refused(tmp_path: Path) -> None:
    huge = dataclasses.replace(INFO, usage_terms="x" * MAX_JPEG_PACKET)
    path = tmp_path / "a.jpg"
    (pyvips.Image.black(8, 8, bands=3)).cast("uchar").jpegsave(str(path))
    before = path.read_bytes()
    with pytest.raises(LicenseStampError, match="bytes"):
        stamp_license(path, huge)
    assert path.read_bytes() == before


def test_video_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    make_demo_video(clip, seconds=0.25, width=64, height=48)
    with pytest.raises(LicenseStampError, match="not supported"):
        stamp_license(clip, INFO)
