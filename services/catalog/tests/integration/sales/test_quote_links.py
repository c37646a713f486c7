"""Issue 13: the media page and a selection's page link to orders' quote request form
(`/quotes/new?media_id=...`, one media_id per file)."""

from __future__ import annotations

import httpx

from shop_catalog.bootstrap import CatalogRoot

from .conftest import AddMedia
from .test_storefront_pages import make_gallery, visitor


async def test_the_media_page_asks_for_a_quote_on_its_file(
    client: httpx.AsyncClient, root: CatalogRoot, add_media: AddMedia
) -> None:
    photo = await add_media("Quoted Harbour")
    await make_gallery(client, [photo])
    async with visitor(root) as browser:
        page = await browser.get(f"/media/{photo}")
    assert page.status_code == 200
    assert f'href="http://orders.test/quotes/new?media_id={photo}">Ask for a quote</a>' in page.text


async def test_a_selection_asks_for_a_quote_on_all_its_files(
    client: httpx.AsyncClient, root: CatalogRoot, add_media: AddMedia
) -> None:
    photos = [await add_media(f"Picked {i}") for i in range(2)]
    made = (
        await client.post(
            "/api/admin/selections",
            json={
                "title": "For your brochure",
                "media_ids": [str(p) for p in photos],
                "client_email": "ada@example.com",
            },
        )
    ).json()
    token = made["url"].rsplit("/", 1)[1]
    async with visitor(root) as browser:
        page = await browser.get(f"/s/{token}")
    assert page.status_code == 200
    first, second = photos
    link = f"http://orders.test/quotes/new?media_id={first}&amp;media_id={second}"
    assert link in page.text
