"""Issue 4, formats and metadata: each license's format, on real files, as the client gets it."""

from __future__ import annotations

import uuid
from pathlib import Path

import av

from shop_contracts.common import DeliverySpec
from shop_media.metadata import read_metadata

NOTICE = "Copyright Ana Berg. All rights reserved."


async def fetch(client, shop, order_id: uuid.UUID, tmp_path: Path) -> dict[str, Path]:
    """Every file of the order, downloaded through its link: name -> local copy."""
    files = {}
    for name, url in (await shop.links(client, order_id)).items():
        response = await client.get(url)
        assert response.status_code == 200, (name, response.text)
        files[name] = tmp_path / name
        files[name].write_bytes(response.content)
    return files


def assert_rights_kept(path: Path, fmt: str) -> None:
    meta = read_metadata(path)
    assert meta["format"] == fmt
    assert meta["exif"]["Artist"] == "Ana Berg"
    assert meta["exif"]["Copyright"] == NOTICE
    assert meta["iptc"]["credit"] == "Ana Berg"
    assert meta["iptc"]["copyright"] == NOTICE
    assert meta["icc"]
    assert NOTICE in (meta["xmp"] or "")


async def test_resize_modes_keep_format_and_metadata(client, shop, tmp_path: Path) -> None:
    fit = DeliverySpec(mode="fit", width=100, height=100)
    fill = DeliverySpec(mode="fill", width=100, height=100)
    mb = DeliverySpec(mode="megabytes", megabytes=3)  # 1 Mpixel
    order_id, _ = await shop.delivered_order(
        shop.line(shop.BIG, "Fit", fit),
        shop.line(shop.BIG, "Fill", fill),
        shop.line(shop.BIG, "MB", mb),
        shop.line(shop.TIFF, "Print", DeliverySpec(mode="long_edge", long_edge=600)),
    )
    files = await fetch(client, shop, order_id, tmp_path)

    sizes = {
        name: (read_metadata(p)["width"], read_metadata(p)["height"]) for name, p in files.items()
    }
    assert sizes["alpine-lake_fit.jpg"] == (100, 67)
    assert sizes["alpine-lake_fill.jpg"] == (150, 100)
    width, height = sizes["alpine-lake_mb.jpg"]
    assert abs(width * height - 1_000_000) < 5_000
    assert sizes["glacier_print.tif"] == (600, 400)  # TIFF stays TIFF
    for name, path in files.items():
        assert_rights_kept(path, "tiff" if name.endswith(".tif") else "jpeg")


async def test_originals_are_byte_identical_and_never_stamped(client, shop, tmp_path) -> None:
    order_id, _ = await shop.delivered_order(
        shop.line(shop.TIFF, "Full", shop.ORIGINAL),
        shop.line(shop.BIG, "Full", shop.ORIGINAL),
        shop.line(shop.CLIP, "Full", shop.ORIGINAL, kind="video"),
    )
    files = await fetch(client, shop, order_id, tmp_path)
    for name, key in (
        ("glacier_full.tif", shop.TIFF),
        ("alpine-lake_full.jpg", shop.BIG),
        ("ridge-drift_full.mp4", shop.CLIP),
    ):
        assert files[name].read_bytes() == (shop.media_root / key).read_bytes()


async def test_output_format_and_jpeg_quality(client, shop, tmp_path: Path) -> None:
    low = DeliverySpec(mode="long_edge", long_edge=800, quality=40)
    high = DeliverySpec(mode="long_edge", long_edge=800, quality=95)
    png = DeliverySpec(mode="long_edge", long_edge=300, format="png")
    to_jpeg = DeliverySpec(mode="long_edge", long_edge=300, format="jpeg")
    order_id, _ = await shop.delivered_order(
        shop.line(shop.BIG, "Low", low),
        shop.line(shop.BIG, "High", high),
        shop.line(shop.BIG, "Png", png),
        shop.line(shop.TIFF, "Jpeg", to_jpeg),
    )
    files = await fetch(client, shop, order_id, tmp_path)
    assert (
        files["alpine-lake_low.jpg"].stat().st_size < files["alpine-lake_high.jpg"].stat().st_size
    )
    assert read_metadata(files["alpine-lake_png.png"])["format"] == "png"
    assert_rights_kept(files["glacier_jpeg.jpg"], "jpeg")


def video_size(path: Path) -> tuple[int, int, str]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return stream.codec_context.width, stream.codec_context.height, stream.codec_context.name


async def test_video_is_reencoded_once_never_upscaled(client, shop, render_spy, tmp_path) -> None:
    clip = shop.copy_media(shop.CLIP)
    small = DeliverySpec(video_max_height=240)
    huge = DeliverySpec(video_max_height=1080)
    lines = [
        shop.line(clip, "SD", small, kind="video"),
        shop.line(clip, "HD", huge, kind="video"),
    ]
    order_id, _completed = await shop.delivered_order(*lines)
    await shop.delivered_order(shop.line(clip, "SD", small, kind="video"))  # reuses it

    files = await fetch(client, shop, order_id, tmp_path)
    assert sorted(files) == [f"{Path(clip).stem}_hd.mp4", f"{Path(clip).stem}_sd.mp4"]
    width, height, codec = video_size(files[f"{Path(clip).stem}_sd.mp4"])
    assert (height, codec) == (240, "h264")
    assert abs(width / height - 640 / 360) < 0.02
    assert video_size(files[f"{Path(clip).stem}_hd.mp4"])[:2] == (640, 360)  # not upscaled
    name = Path(clip).name
    assert render_spy.calls.count((name, "video-240p-crf23")) == 1
    assert render_spy.calls.count((name, "video-1080p-crf23")) == 1


async def test_license_is_stamped_into_a_per_order_copy(client, shop, root, tmp_path) -> None:
    spec = DeliverySpec(mode="long_edge", long_edge=500)
    key = shop.copy_media(shop.BIG)
    line = shop.line(key, "Web", spec, credit="Ana Berg Photography")
    order_id, completed = await shop.delivered_order(line)
    other_id, _ = await shop.delivered_order(shop.line(key, "Web", spec))

    [path] = (await fetch(client, shop, order_id, tmp_path)).values()
    xmp = read_metadata(path)["xmp"] or ""
    for text in (
        "Ada Client",
        completed["number"],
        '<rdf:li xml:lang="x-default">Web</rdf:li>',
        "Web use on one site for one year.",
        "Ana Berg Photography",
    ):
        assert text in xmp
    assert_rights_kept(path, "jpeg")
    # The shared cached rendition carries no license; each order has its own copy.
    [(cache_path,)] = await shop.sql("SELECT path FROM renditions WHERE media_key = :k", k=key)
    cached = root.settings.rendition_path / cache_path
    assert "LicenseeName" not in (read_metadata(cached)["xmp"] or "")
    rows = await shop.sql(
        "SELECT file_source, file_key FROM delivery_items WHERE order_id IN (:a, :b)",
        a=order_id,
        b=other_id,
    )
    assert {row[0] for row in rows} == {"order"}
    assert len({row[1] for row in rows}) == 2


async def test_no_stamp_when_the_license_says_so_or_the_format_cannot(
    client, shop, tmp_path
) -> None:
    plain = DeliverySpec(mode="long_edge", long_edge=400, stamp_license=False)
    webp = DeliverySpec(mode="long_edge", long_edge=400, format="webp")
    order_id, _ = await shop.delivered_order(
        shop.line(shop.BIG, "Plain", plain), shop.line(shop.BIG, "Webp", webp)
    )
    files = await fetch(client, shop, order_id, tmp_path)
    assert "LicenseeName" not in (read_metadata(files["alpine-lake_plain.jpg"])["xmp"] or "")
    assert read_metadata(files["alpine-lake_webp.webp"])["format"] == "webp"
    [(source,)] = await shop.sql(
        "SELECT DISTINCT file_source FROM delivery_items WHERE order_id = :id", id=order_id
    )
    assert source == "rendition"
