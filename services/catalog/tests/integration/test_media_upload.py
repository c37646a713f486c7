"""Uploads through `POST /api/admin/media`: real files in, metadata out; every bad input is
refused with its 4xx and leaves no row and no file."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from shop_catalog.bootstrap import CatalogRoot

from .. import media_factories as files

URL = "/api/admin/media"
ADMIN_HEADERS = {"Authorization": "Bearer test-admin-token"}  # conftest's token


def stored_files(media_root: Path) -> set[str]:
    """Every file of the media store (the staging folder included)."""
    return {str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file()}


async def upload(
    client: httpx.AsyncClient, data: bytes, name: str = "photo.jpg", **fields: str
) -> httpx.Response:
    return await client.post(URL, files={"file": (name, data, "image/jpeg")}, data=fields)


async def media_count(query: Any) -> int:
    return int((await query("SELECT count(*) AS n FROM media"))[0]["n"])


async def test_a_jpeg_with_exif_iptc_and_xmp(
    client: httpx.AsyncClient, root: CatalogRoot, media_root: Path, query: Any
) -> None:
    data = files.jpeg_bytes(
        800,
        533,
        seed=11,
        title="Alpine Lake at Dusk",
        caption="The lake below the ridge, just after sunset.",
        credit="Ana Berg",
        rights="© 2024 Ana Berg",
        keywords=["lake", "dusk", "Mountains"],
        taken="2024:06:02 06:30:00",
    )
    response = await upload(client, data, "IMG_0042.JPG")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "image"
    assert (body["width"], body["height"]) == (800, 533)
    assert body["title"] == "Alpine Lake at Dusk"
    assert body["caption"] == "The lake below the ridge, just after sunset."
    assert body["keywords"] == ["lake", "alps", "dusk", "Mountains"]
    assert body["credit"] == "Ana Berg"
    assert body["copyright"] == "© 2024 Ana Berg"
    assert body["state"] == "undefined"
    assert body["captured_at"].startswith("2024-06-02T06:30:00")
    assert body["mime_type"] == "image/jpeg"
    # The key is the server's: the client's name appears nowhere in it.
    assert body["media_key"].startswith("library/")
    assert body["media_key"].endswith(".jpg")
    assert "IMG_0042" not in body["media_key"]
    stored = media_root / body["media_key"]
    assert stored.read_bytes() == data
    rows = await query("SELECT sha256, size_bytes FROM media WHERE id = :id", id=body["id"])
    assert rows == [{"sha256": hashlib.sha256(data).hexdigest(), "size_bytes": len(data)}]
    read = await client.get(f"{URL}/{body['id']}")
    assert read.status_code == 200
    assert read.json()["title"] == "Alpine Lake at Dusk"
    await root.previews.idle()


@pytest.mark.parametrize(
    ("name", "data", "mime"),
    [
        ("scan.png", files.png_bytes(alpha=True), "image/png"),
        ("scan.tif", files.tiff_bytes(), "image/tiff"),
        ("scan.webp", files.webp_bytes(), "image/webp"),
        ("phone.avif", files.avif_bytes(), "image/avif"),
        # the name says PNG, the content is a JPEG: the content decides
        ("misnamed.png", files.jpeg_bytes(300, 200, seed=31), "image/jpeg"),
    ],
)
async def test_other_image_types_by_content(
    client: httpx.AsyncClient, root: CatalogRoot, name: str, data: bytes, mime: str
) -> None:
    response = await upload(client, data, name)
    assert response.status_code == 201, response.text
    assert response.json()["mime_type"] == mime
    assert response.json()["title"] == name.rsplit(".", 1)[0]  # from the file name
    await root.previews.idle()


async def test_a_video(
    client: httpx.AsyncClient, root: CatalogRoot, tmp_path: Path, media_root: Path
) -> None:
    data = files.video_bytes(tmp_path, seconds=1.0)
    response = await client.post(URL, files={"file": ("ridge.mp4", data, "video/mp4")})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "video"
    assert body["mime_type"] == "video/mp4"
    assert (body["width"], body["height"]) == (320, 180)
    assert body["duration_s"] == pytest.approx(1.0, abs=0.1)
    assert body["media_key"].endswith(".mp4")
    assert (media_root / body["media_key"]).read_bytes() == data


BAD_INPUTS = [
    pytest.param("empty.jpg", b"", 422, id="empty"),
    pytest.param("archive.jpg", files.zip_bytes(), 415, id="zip-named-jpg"),
    pytest.param("logo.svg", files.SVG, 415, id="svg"),
    pytest.param("logo.jpg", files.SVG, 415, id="svg-named-jpg"),
    pytest.param("page.jpg", b"<html><body>hi</body></html>", 415, id="html"),
    pytest.param("anim.gif", b"GIF89a" + b"\x00" * 100, 415, id="gif"),
    pytest.param("broken.jpg", files.jpeg_bytes(900, 600, seed=3)[:6000], 422, id="truncated"),
    pytest.param(
        "garbled.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40, 422, id="corrupt-jpeg"
    ),
    pytest.param("bomb.jpg", files.pixel_bomb(), 422, id="pixel-bomb"),
    pytest.param(
        "broken.mp4",
        b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 500,
        422,
        id="corrupt-mp4",
    ),
    pytest.param("cut.mp4", files.cut_faststart_video(), 422, id="cut-faststart-mp4"),
]


@pytest.mark.parametrize(("name", "data", "status"), BAD_INPUTS)
async def test_bad_files_are_refused_and_leave_nothing(
    client: httpx.AsyncClient,
    root: CatalogRoot,
    media_root: Path,
    preview_dir: Path,
    query: Any,
    name: str,
    data: bytes,
    status: int,
) -> None:
    await root.previews.idle()
    before_rows, before_files = await media_count(query), stored_files(media_root)
    before_previews = stored_files(preview_dir)
    response = await upload(client, data, name)
    assert response.status_code == status, response.text
    assert response.json()["detail"]  # a sentence naming the problem
    assert await media_count(query) == before_rows
    assert stored_files(media_root) == before_files
    assert stored_files(preview_dir) == before_previews  # no preview of a refused file


async def test_the_refusals_name_the_problem(client: httpx.AsyncClient) -> None:
    cut = await upload(client, files.cut_faststart_video(), "cut.mp4")
    assert "truncated" in cut.json()["detail"]
    assert "frames are in the file" in cut.json()["detail"]
    zipped = await upload(client, files.zip_bytes(), "archive.jpg")
    assert "ZIP" in zipped.json()["detail"]
    svg = await upload(client, files.SVG, "x.svg")
    assert "SVG" in svg.json()["detail"]
    bomb = await upload(client, files.pixel_bomb(), "bomb.jpg")
    assert "60000 x 60000" in bomb.json()["detail"]
    empty = await upload(client, b"", "empty.jpg")
    assert "empty" in empty.json()["detail"]


async def test_over_the_size_cap(
    client: httpx.AsyncClient, root: CatalogRoot, media_root: Path, query: Any
) -> None:
    before_rows, before_files = await media_count(query), stored_files(media_root)
    big = files.jpeg_bytes(64, 48) + b"\x00" * (root.settings.upload_max_bytes + 10)
    response = await upload(client, big, "huge.jpg")
    assert response.status_code == 413, response.text
    assert await media_count(query) == before_rows
    assert stored_files(media_root) == before_files


async def test_a_form_without_the_file_field(client: httpx.AsyncClient) -> None:
    response = await client.post(URL, files={"other": ("a.jpg", b"x", "image/jpeg")})
    assert response.status_code == 422
    not_multipart = await client.post(URL, json={"file": "x"})
    assert not_multipart.status_code == 422


@pytest.mark.parametrize(
    "name",
    ["../../../etc/passwd.jpg", "..\\..\\windows\\evil.jpg", "/abs/path/x.jpg", "a\x00b.jpg"],
)
async def test_path_characters_in_the_name_never_reach_the_store(
    client: httpx.AsyncClient, root: CatalogRoot, media_root: Path, name: str
) -> None:
    data = files.jpeg_bytes(120, 80, seed=abs(hash(name)) % 1000)
    response = await upload(client, data, name)
    assert response.status_code == 201, response.text
    body = response.json()
    for bad in ("/", "\\", ".."):
        assert bad not in body["title"]
    assert "\x00" not in body["title"]
    assert body["media_key"].startswith("library/")
    stored = (media_root / body["media_key"]).resolve()
    assert stored.is_relative_to(media_root.resolve())  # noqa: ASYNC240
    assert stored.read_bytes() == data
    assert not (media_root.parent / "etc").exists()
    await root.previews.idle()


async def test_two_uploads_of_the_same_file_at_once(
    client: httpx.AsyncClient, root: CatalogRoot, media_root: Path, preview_dir: Path, query: Any
) -> None:
    data = files.jpeg_bytes(700, 460, seed=77)
    before_files = stored_files(media_root)
    first, second = await asyncio.gather(
        upload(client, data, "a.jpg"), upload(client, data, "b.jpg")
    )
    statuses = sorted([first.status_code, second.status_code])
    assert statuses == [201, 409], (first.text, second.text)
    refused = first if first.status_code == 409 else second
    kept = first if first.status_code == 201 else second
    assert refused.json()["media_id"] == kept.json()["id"]
    sha = hashlib.sha256(data).hexdigest()
    assert await query("SELECT id FROM media WHERE sha256 = :s", s=sha) == [
        {"id": uuid.UUID(kept.json()["id"])}
    ]
    assert stored_files(media_root) - before_files == {kept.json()["media_key"]}
    await root.previews.idle()
    folders = {p.name for p in preview_dir.iterdir()}  # noqa: ASYNC240
    assert kept.json()["id"] in folders
    known = {str(r["id"]) for r in await query("SELECT id FROM media")}
    assert folders <= known  # the refused upload's previews were dropped


async def test_without_the_admin_token(anonymous: httpx.AsyncClient, media_root: Path) -> None:
    before = stored_files(media_root)
    response = await anonymous.post(URL, files={"file": ("a.jpg", files.jpeg_bytes(64, 48))})
    assert response.status_code == 401
    assert (await anonymous.get(URL)).status_code == 401
    wrong = await anonymous.get(URL, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert stored_files(media_root) == before


async def test_files_over_the_default_body_limit_are_taken(
    client: httpx.AsyncClient, root: CatalogRoot, media_root: Path
) -> None:
    """Other routes refuse bodies over 1 MB; the upload routes stream up to the upload cap."""
    image = files.picture(2600, 1800, seed=97)
    data = bytes(image.jpegsave_buffer(Q=98))
    assert len(data) > 1_500_000
    response = await upload(client, data, "big.jpg")
    assert response.status_code == 201, response.text
    assert (media_root / response.json()["media_key"]).stat().st_size == len(data)
    await root.previews.idle()


async def test_the_cap_is_enforced_while_streaming(
    client: httpx.AsyncClient, root: CatalogRoot, media_root: Path
) -> None:
    """A chunked body (no Content-Length) over the cap: refused by the streaming reader."""
    cap = root.settings.upload_max_bytes
    head = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'
        + files.jpeg_bytes(64, 48)
    )

    async def body() -> Any:
        yield head
        chunk = b"\x00" * 1_000_000
        for _ in range(cap // len(chunk) + 2):
            yield chunk
        yield b"\r\n--b--\r\n"

    before = stored_files(media_root)
    response = await client.post(
        URL, content=body(), headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert response.status_code == 413
    assert "upload limit" in response.json()["detail"]
    assert stored_files(media_root) == before


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cut.avif", files.avif_bytes()[:2000]),
        ("cut.jpg", files.jpeg_bytes(900, 600, seed=98)[:5000]),
        ("cut.png", files.png_bytes(400, 300)[:3000]),
        ("cut.mp4", b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x01" * 300),
    ],
)
async def test_refusals_never_show_server_paths(
    client: httpx.AsyncClient, media_root: Path, name: str, data: bytes
) -> None:
    response = await upload(client, data, name)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert str(media_root) not in detail
    assert ".incoming" not in detail
    assert "upload-" not in detail
