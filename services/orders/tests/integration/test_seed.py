"""The demo catalog seed: real sizes from the files, idempotent, safe to run twice at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from shop_media.store import LocalMediaStore
from shop_orders.bootstrap import OrdersRoot
from shop_orders.service.seeding import seed_catalog


async def test_seed_inserts_the_demo_catalog_once(
    service: OrdersRoot, media_root: Path, client: httpx.AsyncClient
) -> None:
    store = LocalMediaStore(media_root)
    assert await seed_catalog(service.transaction, store) == 4
    assert await seed_catalog(service.transaction, store) == 0
    catalog = (await client.get("/api/catalog")).json()
    by_title = {m["title"]: m for m in catalog["media"]}
    assert len(by_title) == 4
    lake = by_title["Alpine Lake at Dusk"]
    assert (lake["kind"], lake["width"], lake["height"]) == ("image", 4000, 2667)
    assert [(lic["name"], lic["price"], lic["delivery"]["mode"]) for lic in lake["licenses"]] == [
        ("Web", 2500, "long_edge"),
        ("Full resolution", 9000, "original"),
    ]
    assert lake["licenses"][0]["delivery"]["long_edge"] == 1024
    clip = by_title["Ridge Drift"]
    assert (clip["kind"], clip["width"], clip["height"]) == ("video", 640, 360)
    assert [lic["name"] for lic in clip["licenses"]] == ["Full clip"]


async def test_two_seeds_at_once_insert_one_catalog(service: OrdersRoot, media_root: Path) -> None:
    store = LocalMediaStore(media_root)
    results = await asyncio.gather(*(seed_catalog(service.transaction, store) for _ in range(2)))
    assert sorted(results) == [0, 4]


async def test_a_seeded_image_has_a_preview(
    service: OrdersRoot, media_root: Path, client: httpx.AsyncClient
) -> None:
    await seed_catalog(service.transaction, LocalMediaStore(media_root))
    media = (await client.get("/api/catalog")).json()["media"]
    image = next(m for m in media if m["kind"] == "image")
    video = next(m for m in media if m["kind"] == "video")
    for _ in range(2):  # rendered once, then served from the cache
        response = await client.get(f"/media/{image['id']}/preview")
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/jpeg"
        assert response.content[:2] == b"\xff\xd8"
    assert (await client.get(f"/media/{video['id']}/preview")).status_code == 404
