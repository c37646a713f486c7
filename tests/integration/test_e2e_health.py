"""Every service is up, healthy and documents its HTTP API."""

from __future__ import annotations

import pytest

from shop_devtools.config import SERVICES


@pytest.mark.parametrize("service", SERVICES)
async def test_health_and_openapi(shop, service):
    health = await shop.client.http.get(shop.client.url(service, "/health"))
    assert health.status_code == 200, health.text

    openapi = await shop.client.http.get(shop.client.url(service, "/openapi.json"))
    assert openapi.status_code == 200
    assert "openapi" in openapi.json()


async def test_demo_catalog_is_seeded(catalog):
    kinds = {media["kind"] for media in catalog["media"]}
    assert kinds == {"image", "video"}
    assert all(media["licenses"] for media in catalog["media"])


async def test_the_storefront_shows_the_demo_galleries(shop):
    """orders' `/` sends the client to catalog's home, which lists the public demo gallery
    (not the private one); its API says the same."""
    response = await shop.client.http.get(shop.client.url("orders", "/"))
    assert response.status_code == 303
    assert response.headers["location"].rstrip("/") == shop.config.public_url("catalog")
    home = await shop.client.page(shop.client.url("orders", "/"))
    assert home.status == 200, home.text[:300]
    assert "Demo gallery" in home.text
    assert "Private demo" not in home.text
    by_title = {g["title"]: g for g in await shop.client.galleries()}
    assert "Demo gallery" in by_title
    assert "Private demo" not in by_title
    demo = by_title["Demo gallery"]
    assert home.links_containing(f"/g/{demo['slug']}"), home.links
    shown = await shop.client.gallery(demo["slug"])
    assert shown.status_code == 200, shown.text
    media = shown.json()["media"]
    assert {m["kind"] for m in media} == {"image", "video"}
    assert all(m["offers"] for m in media)
