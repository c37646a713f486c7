"""Previews: made once by libvips/PyAV, without GPS or any other metadata, the large one with
the watermark; served at /previews/{id}/...; originals never; withdrawn or unknown -> 404."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pyvips

from shop_catalog.bootstrap import CatalogRoot

from .. import media_factories as files

URL = "/api/admin/media"


async def uploaded(client: httpx.AsyncClient, data: bytes, name: str = "p.jpg") -> dict[str, Any]:
    response = await client.post(URL, files={"file": (name, data, "application/octet-stream")})
    assert response.status_code == 201, response.text
    return dict(response.json())


def image_of(data: bytes) -> pyvips.Image:
    return pyvips.Image.new_from_buffer(data, "")


async def test_previews_carry_no_gps_nor_any_metadata(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient, root: CatalogRoot
) -> None:
    original = files.jpeg_bytes(
        1200, 800, seed=41, gps=True, title="Secret spot", credit="Ana Berg", keywords=["x"]
    )
    fields = image_of(original).get_fields()
    assert "exif-ifd3-GPSLatitude" in fields  # the original has a position
    media = await uploaded(client, original)
    for name, edge in (("thumb.jpg", 400), ("large.jpg", 1200)):
        response = await anonymous.get(f"/previews/{media['id']}/{name}")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "image/jpeg"
        preview = image_of(response.content)
        assert max(preview.width, preview.height) == edge
        kept = [f for f in preview.get_fields() if f.startswith(("exif", "xmp", "iptc", "icc"))]
        assert kept == []
        assert b"SecretCam" not in response.content
        assert b"Secret spot" not in response.content


async def test_the_large_preview_carries_the_watermark(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient
) -> None:
    media = await uploaded(client, files.jpeg_bytes(1000, 700, seed=42))
    url = f"/previews/{media['id']}/large.jpg"
    settings = (await client.get("/api/admin/catalog-settings")).json()
    plain = {**settings["watermark"], "kind": "none"}
    body = {"offer_only_final": False, "watermark": _body(plain)}
    assert (await client.put("/api/admin/catalog-settings", json=body)).status_code == 200
    without = image_of((await anonymous.get(url)).content)
    marked = {**plain, "kind": "text", "text": "ANA BERG", "size_pct": 60, "opacity_pct": 90}
    saved = await client.put(
        "/api/admin/catalog-settings", json={"offer_only_final": False, "watermark": _body(marked)}
    )
    assert saved.status_code == 200
    assert saved.json()["watermark"]["version"] > settings["watermark"]["version"]
    with_mark = image_of((await anonymous.get(url)).content)
    assert (with_mark.width, with_mark.height) == (without.width, without.height)
    w, h = without.width, without.height
    centre = (with_mark - without).abs().crop(w // 4, h // 3, w // 2, h // 3).avg()
    corner = (with_mark - without).abs().crop(0, 0, w // 10, h // 10).avg()
    assert centre > 8  # the text is where the watermark goes
    assert corner < 2  # and nowhere else
    thumb = await anonymous.get(f"/previews/{media['id']}/thumb.jpg")
    assert thumb.status_code == 200  # thumbnails carry no watermark: too small to misuse
    await client.put("/api/admin/catalog-settings", json={"offer_only_final": False,
                     "watermark": _body(settings["watermark"])})  # fmt: skip


async def test_a_png_logo_watermark(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient
) -> None:
    media = await uploaded(client, files.jpeg_bytes(900, 600, seed=43))
    before = image_of((await anonymous.get(f"/previews/{media['id']}/large.jpg")).content)
    logo = files.png_bytes(200, 100, alpha=True)
    response = await client.post(
        "/api/admin/catalog-settings/watermark-logo", files={"file": ("logo.png", logo)}
    )
    assert response.status_code == 200, response.text
    mark = response.json()["watermark"]
    assert mark["kind"] == "logo"
    assert mark["logo_key"].startswith("watermarks/")
    after = image_of((await anonymous.get(f"/previews/{media['id']}/large.jpg")).content)
    assert (after - before).abs().avg() > 1
    not_png = await client.post(
        "/api/admin/catalog-settings/watermark-logo",
        files={"file": ("logo.png", files.jpeg_bytes(50, 50))},
    )
    assert not_png.status_code == 422
    text = {**mark, "kind": "text", "text": "Preview"}
    await client.put(
        "/api/admin/catalog-settings", json={"offer_only_final": False, "watermark": _body(text)}
    )


def _body(mark: dict[str, Any]) -> dict[str, Any]:
    return {k: mark[k] for k in ("kind", "text", "position", "size_pct", "opacity_pct")}


async def test_made_once_whoever_asks(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient, root: CatalogRoot, preview_dir: Path
) -> None:
    media = await uploaded(client, files.jpeg_bytes(1600, 1000, seed=44))
    await root.previews.idle()
    folder = preview_dir / media["id"] / "r1"
    made = sorted(p.name for p in folder.iterdir())
    assert "thumb.jpg" in made
    assert any(name.startswith("large-w") for name in made)  # named by watermark version
    stamp = (folder / "thumb.jpg").stat().st_mtime_ns
    answers = [await anonymous.get(f"/previews/{media['id']}/thumb.jpg") for _ in range(3)]
    assert {a.status_code for a in answers} == {200}
    assert (folder / "thumb.jpg").stat().st_mtime_ns == stamp  # served, not made again
    versioned = await anonymous.get(f"/previews/{media['id']}/thumb.jpg?v=1")
    assert "immutable" in versioned.headers["cache-control"]


async def test_concurrent_requests_make_one_preview(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient, root: CatalogRoot
) -> None:
    media = await uploaded(client, files.jpeg_bytes(1500, 1000, seed=45))
    await root.previews.drop(uuid.UUID(media["id"]))  # as if never made
    before = root.metrics.renditions.labels("preview_large", "made")._value.get()
    answers = await asyncio.gather(
        *[anonymous.get(f"/previews/{media['id']}/large.jpg") for _ in range(5)]
    )
    assert {a.status_code for a in answers} == {200}
    after = root.metrics.renditions.labels("preview_large", "made")._value.get()
    assert after - before == 1
    await root.previews.idle()


async def test_video_poster_and_clip(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient, tmp_path: Path
) -> None:
    data = files.video_bytes(tmp_path, seconds=1.0)
    response = await client.post(URL, files={"file": ("clip.mov", data, "video/quicktime")})
    assert response.status_code == 201
    media = response.json()
    poster = await anonymous.get(f"/previews/{media['id']}/poster.jpg")
    assert poster.status_code == 200
    assert image_of(poster.content).width == 320
    thumb = await anonymous.get(f"/previews/{media['id']}/thumb.jpg")
    assert thumb.status_code == 200
    clip = await anonymous.get(f"/previews/{media['id']}/clip.mp4")
    assert clip.status_code == 200
    assert clip.headers["content-type"] == "video/mp4"
    assert clip.content[4:8] == b"ftyp"
    assert (await anonymous.get(f"/previews/{media['id']}/large.jpg")).status_code == 404
    assert media["clip_url"].endswith(f"/previews/{media['id']}/clip.mp4?v=1")


async def test_unknown_media_names_and_originals(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient
) -> None:
    media = await uploaded(client, files.jpeg_bytes(300, 200, seed=46))
    assert (await anonymous.get(f"/previews/{uuid.uuid4()}/thumb.jpg")).status_code == 404
    assert (await anonymous.get(f"/previews/{media['id']}/poster.jpg")).status_code == 404
    assert (await anonymous.get(f"/previews/{media['id']}/original.jpg")).status_code == 422
    assert (await anonymous.get(f"/previews/{media['id']}/../../etc/passwd")).status_code == 404
    key = media["media_key"]
    assert (await anonymous.get(f"/{key}")).status_code == 404
    stale = await anonymous.get(f"/previews/{media['id']}/thumb.jpg?v=7")
    assert stale.status_code == 200  # an older page's link: the current preview, not kept
    assert stale.headers["cache-control"] == "no-cache"


async def test_an_original_gone_from_the_store(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient, root: CatalogRoot, media_root: Path
) -> None:
    media = await uploaded(client, files.jpeg_bytes(300, 200, seed=47))
    await root.previews.idle()
    await root.previews.drop(uuid.UUID(media["id"]))
    (media_root / media["media_key"]).unlink()
    response = await anonymous.get(f"/previews/{media['id']}/large.jpg")
    assert response.status_code == 503
    assert response.json()["error"] == "preview_unavailable"
