"""`publish_media`: one revision bump per call, offers from the media's own price lists
then its galleries', none when "offer only Final" holds a non-final media back, and a
withdrawn media is left out of its galleries' snapshots and the storefront."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from shop_catalog.bootstrap import CatalogRoot
from shop_catalog.service.offering import publish_media

from .conftest import WEB, AddMedia, Outbox, row


async def price_list(client: httpx.AsyncClient, name: str, *rows: dict[str, Any]) -> str:
    response = await client.post(
        "/api/admin/pricing-profiles", json={"name": name, "rows": list(rows)}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
async def only_final(query: Any) -> AsyncIterator[None]:
    await query("UPDATE catalog_settings SET offer_only_final = true")
    try:
        yield
    finally:
        await query("UPDATE catalog_settings SET offer_only_final = false")


async def test_own_price_lists_come_before_the_gallerys(
    client: httpx.AsyncClient, root: CatalogRoot, add_media: AddMedia, outbox: Outbox
) -> None:
    photo = await add_media()
    own = await price_list(client, "Own", row("Exclusive", 50000))
    shared = await price_list(client, "Shared", row("Web", 2500, WEB))
    made = await client.post(
        "/api/admin/galleries", json={"title": "Order", "pricing_profile_ids": [shared]}
    )
    await client.put(
        f"/api/admin/galleries/{made.json()['id']}/media", json={"media_ids": [str(photo)]}
    )
    await client.put(f"/api/admin/media/{photo}/pricing-profiles", json={"profile_ids": [own]})
    offered = (await outbox("catalog.media_offered", about=photo))[-1]
    assert [o["name"] for o in offered["offers"]] == ["Exclusive", "Web"]
    assert [o["profile_id"] for o in offered["offers"]] == [own, shared]
    before = offered["revision"]
    async with root.transaction() as repos:
        revisions = await publish_media(repos, [photo, photo], now=datetime.now(UTC))
    assert revisions == {photo: before + 1}
    assert (await outbox("catalog.media_offered", about=photo))[-1]["revision"] == before + 1


async def test_offer_only_final_holds_back_media_that_are_not_final(
    client: httpx.AsyncClient,
    root: CatalogRoot,
    add_media: AddMedia,
    outbox: Outbox,
    only_final: None,
) -> None:
    proof = await add_media("Proof", state="proof")
    final = await add_media("Final", state="final")
    profile = await price_list(client, "Any", row("Full", 100))
    for media_id in (proof, final):
        await client.put(
            f"/api/admin/media/{media_id}/pricing-profiles", json={"profile_ids": [profile]}
        )
    assert (await outbox("catalog.media_offered", about=proof))[-1]["offers"] == []
    assert [
        o["name"] for o in (await outbox("catalog.media_offered", about=final))[-1]["offers"]
    ] == ["Full"]


async def test_a_withdrawn_media_leaves_its_galleries_and_the_storefront(
    client: httpx.AsyncClient,
    anonymous: httpx.AsyncClient,
    root: CatalogRoot,
    add_media: AddMedia,
    outbox: Outbox,
    query: Any,
) -> None:
    kept, gone = await add_media("Kept"), await add_media("Gone")
    made = (await client.post("/api/admin/galleries", json={"title": "Withdrawals"})).json()
    await client.put(
        f"/api/admin/galleries/{made['id']}/media", json={"media_ids": [str(kept), str(gone)]}
    )
    offered_before = len(await outbox("catalog.media_offered", about=gone))
    await query("UPDATE media SET withdrawn_at = now() WHERE id = :id", id=gone)
    async with root.transaction() as repos:
        revisions = await publish_media(repos, [gone], now=datetime.now(UTC))
    assert revisions[gone] >= 1
    assert len(await outbox("catalog.media_offered", about=gone)) == offered_before  # none for it
    snapshot = (await outbox("catalog.gallery_offered", about=uuid.UUID(made["id"])))[-1]
    assert [m["media_id"] for m in snapshot["members"]] == [str(kept)]
    page = (await anonymous.get(f"/api/galleries/{made['slug']}")).json()
    assert [m["title"] for m in page["media"]] == ["Kept"]
    assert (await anonymous.get(f"/api/media/{gone}")).status_code == 404
