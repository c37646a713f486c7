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
