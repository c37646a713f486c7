"""Renditions as a photographer checks them: size, format, and rights metadata kept."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import pyvips

from shop_media import render
from shop_media.demo import make_demo_jpeg, make_demo_video
from shop_media.errors import RenderError
from shop_media.metadata import read_metadata
from shop_media.probe import probe
from shop_media.render import render_image, render_in_pool
from shop_media.spec import DeliverySpec

WEB = DeliverySpec(mode="long_edge", long_edge=1024)
NOTICE = "Copyright Ana Berg. All rights reserved."


@pytest.fixture(scope="module")
def landscape_jpeg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("originals") / "alpine-lake.jpg"
    make_demo_jpeg(path, width=4000, height=2667, title="Alpine Lake", credit="Ana Berg", seed=1)
    return path


@pytest.fixture(scope="module")
def small_jpeg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("originals") / "small.jpg"
    make_demo_jpeg(path, width=800, height=600, title="Small", credit="Ana Berg", seed=5)
    return path


@pytest.fixture(scope="module")
def tiff_original(landscape_jpeg: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("originals") / "alpine-lake.tif"
    render_image(
        landscape_jpeg, path, DeliverySpec(mode="long_edge", long_edge=1500, format="tiff")
    )
    return path


def assert_rights_kept(path: Path) -> None:
    meta = read_metadata(path)
    assert meta["exif"]["Artist"] == "Ana Berg"
    assert meta["exif"]["Copyright"] == NOTICE
    assert meta["exif"]["DateTimeOriginal"].startswith("2024:06:")  # type: ignore[union-attr]
    assert meta["xmp"] is not None
    assert f'<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{NOTICE}' in meta["xmp"]
    assert meta["icc"]
    if meta["format"] in ("jpeg", "tiff"):  # libvips has no IPTC slot in PNG and WebP
        assert meta["iptc"]["credit"] == "Ana Berg"
        assert meta["iptc"]["by_line"] == "Ana Berg"
        assert meta["iptc"]["copyright"] == NOTICE


def test_web_rendition_is_1024_on_the_long_side_and_still_jpeg(
    landscape_jpeg: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "web.jpg"
    info = render_image(landscape_jpeg, dest, WEB)
    assert (info.width, info.height) == (1024, 683)
    assert (info.mime_type, info.extension) == ("image/jpeg", ".jpg")
    assert info.size_bytes == dest.stat().st_size
    meta = read_metadata(dest)
    assert (meta["format"], meta["width"], meta["height"]) == ("jpeg", 1024, 683)
    # libvips rewrites the EXIF dimensions to the rendition's size.
    assert (meta["exif"]["PixelXDimension"], meta["exif"]["PixelYDimension"]) == (1024, 683)
    assert_rights_kept(dest)
    assert [p.name for p in tmp_path.iterdir()] == ["web.jpg"]  # no temp file left


def test_portrait_long_edge(tmp_path: Path) -> None:
    src = tmp_path / "portrait.jpg"
    make_demo_jpeg(src, width=1200, height=1600, title="P", credit="Ana Berg", seed=2)
    info = render_image(src, tmp_path / "out.jpg", DeliverySpec(mode="long_edge", long_edge=400))
    assert (info.width, info.height) == (300, 400)


def test_smaller_original_is_never_upscaled(small_jpeg: Path, tmp_path: Path) -> None:
    dest = tmp_path / "web.jpg"
    info = render_image(small_jpeg, dest, WEB)
    assert (info.width, info.height) == (800, 600)
    assert dest.read_bytes() == small_jpeg.read_bytes()  # delivered untouched


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (DeliverySpec(mode="fit", width=100, height=100), (100, 67)),
        (DeliverySpec(mode="fill", width=100, height=100), (150, 100)),
        (DeliverySpec(mode="fit", width=9000, height=9000), (4000, 2667)),
    ],
)
def test_fit_and_fill(
    landscape_jpeg: Path, tmp_path: Path, spec: DeliverySpec, expected: tuple[int, int]
) -> None:
    info = render_image(landscape_jpeg, tmp_path / "out.jpg", spec)
    assert (info.width, info.height) == expected


def test_megabytes_gives_about_a_megapixel_per_3_mb(landscape_jpeg: Path, tmp_path: Path) -> None:
    info = render_image(
        landscape_jpeg, tmp_path / "out.jpg", DeliverySpec(mode="megabytes", megabytes=3)
    )
    assert info.width is not None
    assert info.height is not None
    assert abs(info.width * info.height - 1_000_000) < 5_000
    assert abs(info.width / info.height - 4000 / 2667) < 0.01


def test_tiff_stays_tiff_with_its_metadata(tiff_original: Path, tmp_path: Path) -> None:
    assert read_metadata(tiff_original)["format"] == "tiff"
    assert_rights_kept(tiff_original)
    dest = tmp_path / "web.tif"
    info = render_image(tiff_original, dest, WEB)
    assert (info.width, info.height, info.mime_type, info.extension) == (
        1024,
        683,
        "image/tiff",
        ".tif",
    )
    assert read_metadata(dest)["format"] == "tiff"
    assert_rights_kept(dest)


def test_tiff_to_jpeg_keeps_rights(tiff_original: Path, tmp_path: Path) -> None:
    dest = tmp_path / "web.jpg"
    render_image(tiff_original, dest, DeliverySpec(mode="long_edge", long_edge=600, format="jpeg"))
    assert read_metadata(dest)["format"] == "jpeg"
    assert_rights_kept(dest)


@pytest.mark.parametrize("fmt", ["png", "webp", "jpeg"])
def test_format_conversion_keeps_exif_xmp_icc(
    landscape_jpeg: Path, tmp_path: Path, fmt: str
) -> None:
    dest = tmp_path / f"out.{fmt}"
    spec = DeliverySpec.model_validate({"mode": "long_edge", "long_edge": 300, "format": fmt})
    info = render_image(landscape_jpeg, dest, spec)
    assert info.mime_type == f"image/{fmt}"
    assert read_metadata(dest)["format"] == fmt
    assert_rights_kept(dest)


def test_other_readers_see_the_metadata(
    landscape_jpeg: Path, tiff_original: Path, tmp_path: Path
) -> None:
    """Pillow, an independent reader, finds the same EXIF, IPTC and ICC."""
    from PIL import Image as pil_image
    from PIL import IptcImagePlugin as iptc_plugin

    web = tmp_path / "web.jpg"
    render_image(landscape_jpeg, web, WEB)
    for path in (web, tiff_original):
        with pil_image.open(path) as im:
            exif = im.getexif()
            assert exif[315] == "Ana Berg"
            assert exif[33432] == NOTICE
            assert im.info.get("icc_profile")
            iptc = iptc_plugin.getiptcinfo(im)
            assert iptc[(2, 110)] == b"Ana Berg"
            assert iptc[(2, 116)] == NOTICE.encode()


def test_exif_orientation_is_applied(small_jpeg: Path, tmp_path: Path) -> None:
    rotated = tmp_path / "rotated.jpg"
    image = pyvips.Image.new_from_file(str(small_jpeg)).copy()
    image.set_type(pyvips.GValue.gint_type, "orientation", 6)  # camera held upright
    image.write_to_file(str(rotated))
    assert (probe(rotated).width, probe(rotated).height) == (600, 800)
    dest = tmp_path / "out.jpg"
    info = render_image(rotated, dest, DeliverySpec(mode="long_edge", long_edge=400))
    assert (info.width, info.height) == (300, 400)
    assert read_metadata(dest)["exif"].get("Orientation", 1) == 1


def test_original_copies_unchanged_and_describes_it(landscape_jpeg: Path, tmp_path: Path) -> None:
    dest = tmp_path / "original.jpg"
    info = render_image(landscape_jpeg, dest, DeliverySpec())
    assert dest.read_bytes() == landscape_jpeg.read_bytes()
    assert (info.width, info.height, info.mime_type) == (4000, 2667, "image/jpeg")


def test_video_original_and_refused_resize(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    make_demo_video(clip, seconds=0.5, width=160, height=96)
    info = render_image(clip, tmp_path / "out.mp4", DeliverySpec())
    assert (info.mime_type, info.extension) == ("video/mp4", ".mp4")
    assert (info.width, info.height) == (160, 96)  # probed with PyAV
    assert info.size_bytes == clip.stat().st_size
    with pytest.raises(RenderError, match="only be delivered as original"):
        render_image(clip, tmp_path / "web.jpg", WEB)


def test_a_crash_while_saving_leaves_nothing_behind(
    landscape_jpeg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(image: pyvips.Image, path: Path, out_format: str, quality: int) -> None:
        path.write_bytes(b"half a jpeg")
        raise OSError("disk full")

    monkeypatch.setattr(render, "save_image", crash)
    with pytest.raises(OSError, match="disk full"):
        render_image(landscape_jpeg, tmp_path / "web.jpg", WEB)
    assert list(tmp_path.iterdir()) == []


async def test_render_in_pool_does_not_block(landscape_jpeg: Path, tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        info = await render_in_pool(pool, landscape_jpeg, tmp_path / "web.jpg", WEB)
    assert (info.width, info.height) == (1024, 683)


def test_probe_kinds(landscape_jpeg: Path, tmp_path: Path) -> None:
    image = probe(landscape_jpeg)
    assert (image.kind, image.mime_type, image.width, image.height) == (
        "image",
        "image/jpeg",
        4000,
        2667,
    )
    pdf = tmp_path / "terms.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    other = probe(pdf)
    assert (other.kind, other.mime_type, other.size_bytes) == ("other", "application/pdf", 15)
