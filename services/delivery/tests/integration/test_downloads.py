"""The client's download page and the file downloads, over HTTP (no broker)."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path
from urllib.parse import quote

from shop_media.metadata import read_metadata


async def links_of(client, shop, order_id: uuid.UUID) -> dict[str, str]:
    """File name -> download URL, read from the download page."""
    page = await client.get(f"/orders/{order_id}/downloads", params={"token": shop.token(order_id)})
    assert page.status_code == 200
    pairs = re.findall(r'href="(/downloads/[^"]+)" download="([^"]+)"', page.text)
    return {name: url for url, name in pairs}


async def test_web_file_is_a_1024px_jpeg_with_its_exif(client, shop, tmp_path: Path) -> None:
    order_id, _ = await shop.delivered_order(shop.line(shop.BIG, "Web", shop.WEB))
    links = await links_of(client, shop, order_id)

    response = await client.get(links["alpine-lake_web.jpg"])

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"alpine-lake_web.jpg\"; filename*=UTF-8''alpine-lake_web.jpg"
    )
    path = tmp_path / "web.jpg"
    path.write_bytes(response.content)
    meta = read_metadata(path)
    assert (meta["format"], max(meta["width"], meta["height"])) == ("jpeg", 1024)
    assert meta["exif"]["Artist"] == "Ana Berg"
    assert "Ana Berg" in str(meta["exif"]["Copyright"])


async def test_full_resolution_is_the_original_byte_for_byte(client, shop) -> None:
    order_id, _ = await shop.delivered_order(
        shop.line(shop.BIG, "Full resolution", shop.ORIGINAL),
        shop.line(shop.CLIP, "Video", shop.ORIGINAL, kind="video"),
    )
    links = await links_of(client, shop, order_id)

    image = await client.get(links["alpine-lake_full-resolution.jpg"])
    video = await client.get(links["ridge-drift_video.mp4"])

    assert image.content == (shop.media_root / shop.BIG).read_bytes()
    assert video.content == (shop.media_root / shop.CLIP).read_bytes()
    assert video.headers["content-type"] == "video/mp4"


async def test_content_disposition_names_a_non_ascii_file(client, shop) -> None:
    order_id, completed = await shop.delivered_order(shop.line(shop.SMALL, "Édition", shop.WEB))
    [name] = [f["file_name"] for f in completed["files"]]
    assert name == "small-harbour_édition.jpg"
    response = await client.get((await links_of(client, shop, order_id))[name])
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"small-harbour_edition.jpg\"; filename*=UTF-8''{quote(name)}"
    )


async def test_download_page_needs_the_right_token(client, shop) -> None:
    order_id, _ = await shop.delivered_order()
    for params in ({"token": "wrong"}, {"token": shop.token(uuid.uuid4())}, {}):
        response = await client.get(f"/orders/{order_id}/downloads", params=params)
        assert response.status_code == 404
    html = await client.get(
        f"/orders/{order_id}/downloads", params={"token": "x"}, headers={"accept": "text/html"}
    )
    assert html.status_code == 404
    assert "text/html" in html.headers["content-type"]


async def test_download_page_lists_files_with_what_is_left(client, shop) -> None:
    order_id, completed = await shop.delivered_order(
        shop.line(shop.BIG, "Web", shop.WEB), shop.line(shop.SMALL, "Web", shop.WEB)
    )
    page = await client.get(f"/orders/{order_id}/downloads", params={"token": shop.token(order_id)})
    assert page.headers["content-type"].startswith("text/html")
    assert "alpine-lake_web.jpg" in page.text
    assert "small-harbour_web.jpg" in page.text
    assert "10 downloads left" in page.text
    assert "available until" in page.text
    assert completed["number"] in page.text


async def test_download_page_before_delivery_and_after_cancel(client, shop) -> None:
    unknown = uuid.uuid4()
    page = await client.get(f"/orders/{unknown}/downloads", params={"token": shop.token(unknown)})
    assert "being prepared" in page.text

    order_id = uuid.uuid4()
    await shop.send(shop.placed(order_id))
    page = await client.get(f"/orders/{order_id}/downloads", params={"token": shop.token(order_id)})
    assert "being prepared" in page.text
    assert "/downloads/" not in page.text

    await shop.send(shop.cancelled(order_id))
    page = await client.get(f"/orders/{order_id}/downloads", params={"token": shop.token(order_id)})
    assert "cancelled" in page.text
    assert "/downloads/" not in page.text


async def test_tampered_and_unknown_links_are_404(client, shop, root) -> None:
    order_id, _ = await shop.delivered_order()
    [url] = (await links_of(client, shop, order_id)).values()
    token = url.removeprefix("/downloads/")
    link_id, _, signature = token.rpartition(".")
    other = root.context.link_token(uuid.uuid4())
    for bad in (f"{link_id}.{signature[:-2]}xx", f"{uuid.uuid4()}.{signature}", "nonsense", other):
        assert (await client.get(f"/downloads/{bad}")).status_code == 404


async def test_expired_link_is_410(client, shop) -> None:
    order_id, _ = await shop.delivered_order()
    [url] = (await links_of(client, shop, order_id)).values()
    await shop.sql(
        "UPDATE download_links SET expires_at = now() - interval '1 minute' WHERE order_id = :id",
        id=order_id,
    )
    response = await client.get(url)
    assert response.status_code == 410
    assert "expired" in response.json()["detail"]


async def test_link_is_used_up_after_max_downloads_even_concurrently(client, shop) -> None:
    order_id, _ = await shop.delivered_order(shop.line(shop.SMALL, "Web", shop.WEB))
    [url] = (await links_of(client, shop, order_id)).values()
    await shop.sql("UPDATE download_links SET max_downloads = 3 WHERE order_id = :id", id=order_id)

    responses = await asyncio.gather(*(client.get(url) for _ in range(12)))

    assert sorted(r.status_code for r in responses) == [200] * 3 + [410] * 9
    [(count,)] = await shop.sql(
        "SELECT download_count FROM download_links WHERE order_id = :id", id=order_id
    )
    assert count == 3
    assert "used" in (await client.get(url)).json()["detail"]


async def test_head_does_not_count_a_download(client, shop) -> None:
    order_id, _ = await shop.delivered_order(shop.line(shop.SMALL, "Web", shop.WEB))
    [url] = (await links_of(client, shop, order_id)).values()
    head = await client.head(url)
    assert head.status_code == 200
    assert int(head.headers["content-length"]) > 0
    [(count,)] = await shop.sql(
        "SELECT download_count FROM download_links WHERE order_id = :id", id=order_id
    )
    assert count == 0
    assert (
        "10 downloads left"
        in (
            await client.get(
                f"/orders/{order_id}/downloads", params={"token": shop.token(order_id)}
            )
        ).text
    )


async def test_revoked_link_is_404(client, shop) -> None:
    order_id, _ = await shop.delivered_order()
    [url] = (await links_of(client, shop, order_id)).values()
    await shop.send(shop.cancelled(order_id))
    response = await client.get(url)
    assert response.status_code == 404
    assert "revoked" in response.json()["detail"]


async def test_a_browser_gets_the_error_as_a_page_an_api_client_as_json(client, shop) -> None:
    order_id, _ = await shop.delivered_order()
    [url] = (await links_of(client, shop, order_id)).values()
    await shop.sql(
        "UPDATE download_links SET expires_at = now() - interval '1 minute' WHERE order_id = :id",
        id=order_id,
    )
    page = await client.get(url, headers={"accept": "text/html,*/*"})
    assert page.status_code == 410
    assert page.headers["content-type"].startswith("text/html")
    assert "This link is no longer valid" in page.text
    assert "This download link has expired." in page.text
    assert '<link rel="stylesheet" href="/static/web/shop.css">' in page.text  # the shop's
    assert 'href="mailto:ana@photos.example"' in page.text  # whom to ask
    body = await client.get(url)
    assert (body.status_code, body.json()["error"]) == (410, "gone")
    admin = await client.get("/api/admin/settings", headers={"accept": "text/html"})
    assert (admin.status_code, admin.json()["error"]) == (401, "unauthorized")


async def test_the_pages_have_the_shops_look(client, shop) -> None:
    """Issue 10: one look for every page (shop_web), on a phone too."""
    order_id, _ = await shop.delivered_order()
    page = await shop.page(client, order_id)
    assert '<link rel="stylesheet" href="/static/web/shop.css">' in page
    assert '<script src="/static/web/shop.js" defer></script>' in page
    assert "Ana Berg Photography" in page  # the shop's name, from its settings in orders
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert (await client.get("/static/web/shop.css")).status_code == 200

    wrong = await client.get(
        f"/orders/{order_id}/downloads", params={"token": "x"}, headers={"accept": "text/html"}
    )
    assert wrong.status_code == 404
    assert "Page not found" in wrong.text
    assert "please open it from your email, in full" in wrong.text
    assert "Ana Berg Photography" in wrong.text
    api = await client.get(f"/orders/{order_id}/downloads", params={"token": "x"})
    assert api.json() == {
        "error": "not_found",
        "detail": "This link is not valid: please open it from your email, in full.",
    }
