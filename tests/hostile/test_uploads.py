"""Issue 11, item 7, on the running catalog: hostile uploads get a clear 4xx and leave nothing
behind (no media row, no file in the media store or the previews folder, no staged part), and a
client's file name never becomes a path. The suite's shop caps uploads at UPLOAD_CAP bytes
(CATALOG_UPLOAD_MAX_BYTES, conftest)."""

from __future__ import annotations

import asyncio
import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
import pyvips

from shop_media.synth import landscape

from .conftest import UPLOAD_CAP, Json, Shop


def _jpeg() -> bytes:
    data: bytes = landscape(900, 600, 5).jpegsave_buffer(Q=85)
    return data


def _png_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A 3.6 Gpixel PNG header over a few hundred bytes of data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 4096, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def _zip_named_jpg() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", _jpeg())
    return buffer.getvalue()


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)

# name: (file name, content, content type, expected status)
BAD_UPLOADS = {
    "a zip named .jpg": ("holiday.jpg", _zip_named_jpg(), "image/jpeg", 415),
    "an svg": ("logo.svg", SVG, "image/svg+xml", 415),
    "an svg named .jpg": ("logo.jpg", SVG, "image/jpeg", 415),
    "an empty file": ("empty.jpg", b"", "image/jpeg", 422),
    "a truncated jpeg": ("cut.jpg", _jpeg()[:3000], "image/jpeg", 422),
    "corrupt bytes after a jpeg header": ("noise.jpg", _jpeg()[:200] + b"\x00" * 5000, "", 422),
    "a pixel bomb": ("bomb.png", _png_bomb(), "image/png", 422),
    "over the size cap": ("huge.jpg", _jpeg() + b"\x00" * (UPLOAD_CAP + 1), "image/jpeg", 413),
}


def _files(*folders: Path) -> set[str]:
    return {
        str(p) for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file()
    }


async def _media_ids(shop: Shop) -> set[str]:
    listed: Json = await shop.client.admin_call("GET", "catalog", "/api/admin/media?limit=200")
    assert listed["next_cursor"] is None, "more media than one page: the check would miss some"
    return {m["id"] for m in listed["media"]}


async def _left_behind(shop: Shop, media: set[str], files: set[str]) -> list[str]:
    """What an upload left (waits a moment: a cut-off upload is cleaned up after the fact)."""
    folders = (shop.config.media_root, shop.config.preview_dir)
    found: list[str] = []
    for _ in range(50):
        new_media = await _media_ids(shop) - media
        new_files = _files(*folders) - files
        found = [f"media {m}" for m in new_media] + [f"file {f}" for f in sorted(new_files)]
        if not found:
            return []
        await asyncio.sleep(0.2)
    return found


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
async def test_a_bad_upload_is_refused_and_leaves_nothing(shop: Shop, case: str):
    name, content, content_type, expected = BAD_UPLOADS[case]
    media = await _media_ids(shop)
    files = _files(shop.config.media_root, shop.config.preview_dir)
    response = await shop.http.post(
        shop.url("catalog", "/api/admin/media"),
        headers=shop.client.admin,
        files={"file": (name, content, content_type or "application/octet-stream")},
        timeout=60.0,
    )
    assert response.status_code == expected, f"{case}: {response.status_code} {response.text}"
    assert response.json()["detail"], "the refusal does not say why"
    assert await _left_behind(shop, media, files) == []


async def test_an_upload_cut_off_halfway_leaves_nothing(shop: Shop):
    media = await _media_ids(shop)
    files = _files(shop.config.media_root, shop.config.preview_dir)
    jpeg = _jpeg()
    boundary = "hostile-boundary-7d1c"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="cut-off.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    length = len(head) + len(jpeg) + len(f"\r\n--{boundary}--\r\n")
    request = (
        "POST /api/admin/media HTTP/1.1\r\n"
        f"Host: {shop.config.host}\r\n"
        f"Authorization: Bearer {shop.config.admin_token}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()
    _reader, writer = await asyncio.open_connection(shop.config.host, shop.config.ports["catalog"])
    writer.write(request + head + jpeg[: len(jpeg) // 2])
    await writer.drain()
    await asyncio.sleep(0.5)
    writer.close()
    await writer.wait_closed()
    assert await _left_behind(shop, media, files) == []
    health = await shop.http.get(shop.url("catalog", "/health"))
    assert health.status_code == 200


@pytest.mark.parametrize("name", ["../../../evil.jpg", "..\\..\\evil.jpg", "/etc/evil.jpg"])
async def test_a_file_name_never_becomes_a_path(shop: Shop, name: str):
    response = await shop.http.post(
        shop.url("catalog", "/api/admin/media"),
        headers=shop.client.admin,
        files={"file": (name, _jpeg(), "image/jpeg")},
        timeout=60.0,
    )
    assert response.status_code in (201, 422), response.text
    media_root = shop.config.media_root
    escaped = [p for p in media_root.parent.rglob("evil*") if p.is_file()]
    outside = (media_root / name.replace("\\", "/")).resolve()
    assert escaped == [], f"a client's file name became a path: {escaped}"
    assert not outside.exists(), f"a client's file name became a path: {outside}"
    if response.status_code == 201:
        media_id = response.json()["id"]
        delete = await shop.http.delete(
            shop.url("catalog", f"/api/admin/media/{media_id}"), headers=shop.client.admin
        )
        assert delete.status_code == 204, delete.text


def test_the_fixtures_are_what_they_claim():
    """Control: the valid JPEG decodes, the bomb's header says 3.6 Gpixel."""
    assert pyvips.Image.new_from_buffer(_jpeg(), "").width == 900
    bomb = pyvips.Image.new_from_buffer(_png_bomb(), "")
    assert (bomb.width, bomb.height) == (60_000, 60_000)
