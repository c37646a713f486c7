"""Issue 4, large orders and terms: "Download all" ZIP archives, the terms PDF."""

from __future__ import annotations

import io
import re
import uuid
import zipfile

TERMS = "1. Licence\n\nThe client may use the files as licensed.\nNo resale.\n\n2. Credit: Ana Berg"


def archive_urls(page: str) -> list[str]:
    return [
        url.replace("&amp;", "&")
        for url in re.findall(r'href="(/orders/[^"]+/archive/[^"]+)"', page)
    ]


async def download_counts(shop, order_id: uuid.UUID) -> dict[str, int]:
    return {row[0]: row[1] for row in await shop.link_rows(order_id)}


async def test_download_all_streams_one_zip_with_license_and_terms(client, shop) -> None:
    order_id, completed = await shop.delivered_order(
        shop.line(shop.BIG, "Web", shop.WEB),
        shop.line(shop.SMALL, "Full", shop.ORIGINAL, usage_terms="Print, 500 copies"),
        terms_text=TERMS,
    )
    names = [f["file_name"] for f in completed["files"]]
    assert names == ["alpine-lake_web.jpg", "small-harbour_full.jpg", "terms-and-conditions.pdf"]
    page = await shop.page(client, order_id)
    assert "Download all" in page
    [url] = archive_urls(page)
    assert url.startswith(f"/orders/{order_id}/archive/1?token=")

    head = await client.head(url)
    response = await client.get(url)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert int(response.headers["content-length"]) == len(response.content)
    assert head.headers["content-length"] == response.headers["content-length"]
    assert "order-" in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_STORED}
    assert archive.namelist() == [*names, "LICENSE.txt"]
    files = await shop.links(client, order_id)
    for name in names[:2]:
        assert archive.read(name) == (await client.get(files[name])).content
    assert archive.read("terms-and-conditions.pdf").startswith(b"%PDF")
    text = archive.read("LICENSE.txt").decode()
    for expected in (
        f"License for order {completed['number']}",
        "Licensee: Ada Client",
        "Photographer: Ana Berg",
        "alpine-lake_web.jpg\r\n  License: Web\r\n  Usage terms: Web use on one site",
        "small-harbour_full.jpg\r\n  License: Full\r\n  Usage terms: Print, 500 copies",
        "terms and conditions: terms-and-conditions.pdf",
    ):
        assert expected in text
    # One download counted on each file by the archive (plus one by the direct GET above);
    # the terms PDF rides along uncounted.
    assert await download_counts(shop, order_id) == {
        "alpine-lake_web.jpg": 2,
        "small-harbour_full.jpg": 2,
        "terms-and-conditions.pdf": 0,
    }


async def test_orders_over_the_cap_are_split_and_exhausted_links_left_out(client, shop) -> None:
    lines = [shop.line(shop.BIG, f"Full {n}", shop.ORIGINAL) for n in range(3)]
    original_size = (shop.media_root / shop.BIG).stat().st_size
    async with shop.settings(zip_max_bytes=original_size + 300_000):
        order_id, _ = await shop.delivered_order(*lines)
        urls = archive_urls(await shop.page(client, order_id))
        assert [u.split("/archive/")[1].split("?")[0] for u in urls] == ["1", "2", "3"]
        assert "part 2 of 3" in await shop.page(client, order_id)
        await shop.sql(
            "UPDATE download_links SET max_downloads = 1 WHERE order_id = :id", id=order_id
        )
        second = await client.get(urls[1])
        assert zipfile.ZipFile(io.BytesIO(second.content)).namelist() == [
            "alpine-lake_full-1.jpg",
            "LICENSE.txt",
        ]
        again = await client.get(urls[1])
        assert again.status_code == 410
        assert "used up" in again.json()["detail"]
        assert "no downloads left" in await shop.page(client, order_id)
        bad = await client.get(urls[0].split("?")[0], params={"token": "nope"})
        assert bad.status_code == 404
        missing = await client.get(urls[0].replace("/archive/1", "/archive/9"))
        assert missing.status_code == 404


async def test_an_archive_leaves_out_used_up_files_and_names_them(client, shop) -> None:
    order_id, _ = await shop.delivered_order(
        shop.line(shop.BIG, "Web", shop.WEB), shop.line(shop.SMALL, "Web", shop.WEB)
    )
    [url] = archive_urls(await shop.page(client, order_id))
    await shop.sql(
        "UPDATE download_links l SET download_count = max_downloads FROM delivery_items i"
        " WHERE i.id = l.item_id AND l.order_id = :id AND i.file_name = 'alpine-lake_web.jpg'",
        id=order_id,
    )
    archive = zipfile.ZipFile(io.BytesIO((await client.get(url)).content))
    assert archive.namelist() == ["small-harbour_web.jpg", "LICENSE.txt"]
    assert "Not included" in archive.read("LICENSE.txt").decode()
    await shop.send(shop.cancelled(order_id))
    assert (await client.get(url)).status_code == 404


async def test_terms_pdf_has_its_own_link_and_is_listed(client, shop) -> None:
    order_id, completed = await shop.delivered_order(terms_text=TERMS)
    page = await shop.page(client, order_id)
    assert "Terms and conditions (PDF)" in page
    links = await shop.links(client, order_id)
    pdf = await client.get(links["terms-and-conditions.pdf"])
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert b"%%EOF" in pdf.content[-10:]
    assert completed["files"][-1]["size_bytes"] == len(pdf.content)
