"""The demo catalog reaches orders as catalog's snapshots: real sizes from the files, the
ids of catalog's seed, applied once (a redelivery is skipped). `python -m shop_orders seed`
is kept as a harmless command: the seed is catalog's now."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import func, select

from shop_media.store import LocalMediaStore
from shop_orders.__main__ import seed
from shop_orders.bootstrap import OrdersRoot
from shop_orders.db.tables import media

from .read_model import demo_snapshots, offer


async def test_the_demo_snapshots_fill_the_catalog(
    service: OrdersRoot, media_root: Path, client: httpx.AsyncClient
) -> None:
    snapshots = demo_snapshots(LocalMediaStore(media_root))
    assert await offer(service, *snapshots) == [True] * 4
    assert await offer(service, *snapshots) == [True] * 4  # the same revisions: no change
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


async def test_the_seed_command_now_leaves_the_catalog_to_catalog(service: OrdersRoot) -> None:
    await seed(service)
    async with service.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(media)) == 0
