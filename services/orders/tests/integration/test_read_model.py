"""Orders' read model of the catalog (issue 11): catalog's snapshots are kept only when
their revision is higher than the stored one; a late older snapshot or a redelivery changes
nothing; a withdrawal takes the media off sale for good (until a newer snapshot); offers
are replaced by the snapshot's; the media's state reaches the order line."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import httpx

from shop_contracts.events import OrderPlaced
from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media

from .helpers import handle, order_body, outbox_rows
from .read_model import gallery_snapshot, offer, snapshot_of, withdrawn


async def _catalog(client: httpx.AsyncClient) -> dict[str, Any]:
    return {m["id"]: m for m in (await client.get("/api/catalog")).json()["media"]}


def _repriced(media: Media, price: int, title: str | None = None) -> Media:
    licenses = [dataclasses.replace(o, price=price) for o in media.licenses]
    return dataclasses.replace(media, licenses=licenses, title=title or media.title)


async def test_an_older_snapshot_arriving_late_changes_nothing(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    photo = catalog[0]  # offered at revision 1 by the fixture
    assert await offer(service, snapshot_of(_repriced(photo, 3000, "Lake v3"), revision=3))
    await offer(service, snapshot_of(_repriced(photo, 100, "Lake v2"), revision=2))
    shown = (await _catalog(client))[str(photo.id)]
    assert shown["title"] == "Lake v3"
    assert [lic["price"] for lic in shown["licenses"]] == [3000, 3000]
    placed = await client.post("/api/orders", json=order_body(catalog))
    assert placed.json()["total"] == 3000 + 12000, "priced from the newest snapshot"


async def test_a_redelivery_or_the_same_revision_again_is_a_no_op(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    photo = catalog[0]
    envelope = snapshot_of(_repriced(photo, 4000), revision=2).envelope(correlation_id=photo.id)
    assert await handle(service, envelope) is True
    assert await handle(service, envelope) is False, "the inbox skips the redelivery"
    await offer(service, snapshot_of(_repriced(photo, 1, "Other"), revision=2))
    shown = (await _catalog(client))[str(photo.id)]
    assert (shown["title"], shown["licenses"][0]["price"]) == ("Alpine Lake", 4000)


async def test_a_snapshot_replaces_the_offers(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    photo = catalog[0]
    full = photo.licenses[1]
    await offer(service, snapshot_of(dataclasses.replace(photo, licenses=[full]), revision=2))
    shown = (await _catalog(client))[str(photo.id)]
    assert [lic["id"] for lic in shown["licenses"]] == [str(full.id)]
    refused = await client.post("/api/orders", json=order_body(catalog))  # names Web
    assert refused.status_code == 422
    assert refused.json()["fields"][0]["field"] == "items.0.license_id"


async def test_one_price_list_row_offered_for_two_media(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    """An offer's id is its price-list row's id: the same license id for every media the
    list is attached to, each priced on its own media."""
    photo, clip = catalog
    shared = dataclasses.replace(photo.licenses[1], media_id=clip.id, price=7000)
    await offer(service, snapshot_of(dataclasses.replace(clip, licenses=[shared]), revision=2))
    body = order_body(catalog)
    body["items"] = [
        {"media_id": str(photo.id), "license_id": str(shared.id)},
        {"media_id": str(clip.id), "license_id": str(shared.id)},
    ]
    placed = await client.post("/api/orders", json=body)
    assert placed.status_code == 201, placed.text
    assert placed.json()["total"] == 9000 + 7000


async def test_a_withdrawn_media_is_no_longer_for_sale(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    photo = catalog[0]
    await offer(service, withdrawn(photo.id, revision=2))
    assert str(photo.id) not in await _catalog(client)
    refused = await client.post("/api/orders", json=order_body(catalog))
    assert refused.status_code == 422
    assert refused.json()["fields"][0]["field"] == "items.0.media_id"
    await offer(service, snapshot_of(photo, revision=1))  # older than the withdrawal
    assert str(photo.id) not in await _catalog(client)
    await offer(service, snapshot_of(photo, revision=3))  # offered again, later
    assert str(photo.id) in await _catalog(client)


async def test_a_withdrawal_before_the_offer_keeps_the_media_off_sale(
    client: httpx.AsyncClient, service: OrdersRoot, catalog: list[Media]
) -> None:
    late = dataclasses.replace(catalog[0], id=uuid.uuid4(), media_key="demo/late.jpg")
    late = dataclasses.replace(
        late, licenses=[dataclasses.replace(o, media_id=late.id) for o in late.licenses]
    )
    await offer(service, withdrawn(late.id, revision=2), snapshot_of(late, revision=1))
    assert str(late.id) not in await _catalog(client)


async def test_the_media_state_reaches_the_order_line(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    photo, clip = catalog
    await offer(
        service,
        snapshot_of(dataclasses.replace(photo, state="proof"), revision=2),
        snapshot_of(dataclasses.replace(clip, state="undefined"), revision=2),
    )
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    [row] = await outbox_rows(service, uuid.UUID(placed["id"]))
    event = OrderPlaced.model_validate(row["envelope"]["payload"])
    assert [line.media_status for line in event.lines] == ["proof", "final"]


async def test_an_older_gallery_snapshot_changes_nothing(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    gallery_id = uuid.uuid4()
    await offer(service, gallery_snapshot(catalog, gallery_id=gallery_id, revision=2, price=5000))
    await offer(service, gallery_snapshot(catalog, gallery_id=gallery_id, revision=1, price=1))
    body = order_body(catalog, items=[{"gallery_id": str(gallery_id)}])
    placed = await client.post("/api/orders", json=body)
    assert placed.json()["total"] == 5000
