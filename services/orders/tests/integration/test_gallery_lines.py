"""A whole gallery sold as one line (issue 11): priced from its snapshot's
whole_gallery_price, media_id = license_id = gallery_id, media_key "", its members and
delivery from the snapshot; refused (422, nothing recorded) when not sold whole."""

from __future__ import annotations

import uuid

import httpx

from shop_contracts.events import OrderPlaced
from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media

from .helpers import counts, order_body, outbox_rows
from .read_model import gallery_snapshot, offer


async def test_a_whole_gallery_is_one_line_at_its_price(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    snapshot = gallery_snapshot(catalog, price=20000, title="Mountains")
    await offer(service, snapshot)
    gallery = str(snapshot.gallery_id)
    photo, clip = catalog
    body = order_body(
        catalog,
        items=[
            {"gallery_id": gallery},
            {"media_id": str(clip.id), "license_id": str(clip.licenses[0].id), "price": 1},
        ],
    )
    refused = await client.post("/api/orders", json=body)
    assert refused.status_code == 422, "a price from the client is refused"
    body["items"][1].pop("price")
    placed = await client.post("/api/orders", json=body)
    assert placed.status_code == 201, placed.text
    answer = placed.json()
    assert answer["total"] == 20000 + 12000
    [row] = await outbox_rows(service, uuid.UUID(answer["id"]))
    event = OrderPlaced.model_validate(row["envelope"]["payload"])
    line = event.lines[0]
    assert line.gallery_id == snapshot.gallery_id
    assert line.media_id == line.license_id == snapshot.gallery_id
    assert (line.media_key, line.media_title, line.license_name) == (
        "",
        "Mountains",
        "Whole gallery",
    )
    assert line.price == 20000
    assert line.delivery.mode == "long_edge"
    assert line.delivery.long_edge == 1024
    assert [m.media_id for m in line.members] == [photo.id, clip.id]
    assert line.members[0].media_key == photo.media_key
    token = answer["access_token"]
    read = await client.get(f"/api/orders/{answer['id']}", headers={"X-Order-Token": token})
    assert read.json()["items"][0]["gallery_id"] == gallery


async def test_a_gallery_not_sold_whole_is_refused(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    not_whole = gallery_snapshot(catalog, price=None)
    deleted = gallery_snapshot(catalog, price=5000, deleted=True)
    await offer(service, not_whole, deleted)
    for gallery_id, reason in [
        (not_whole.gallery_id, "is not sold as a whole"),
        (deleted.gallery_id, "unknown gallery"),
        (uuid.uuid4(), "unknown gallery"),
    ]:
        body = order_body(catalog, items=[{"gallery_id": str(gallery_id)}])
        refused = await client.post("/api/orders", json=body)
        assert refused.status_code == 422, gallery_id
        assert refused.json()["fields"][0]["field"] == "items.0.gallery_id"
        assert reason in refused.json()["detail"]
    assert (await counts(service))["orders"] == 0


async def test_an_item_is_a_gallery_or_a_media_with_its_license(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    photo = catalog[0]
    for item in (
        {"gallery_id": str(uuid.uuid4()), "media_id": str(photo.id)},
        {"media_id": str(photo.id)},
        {},
    ):
        refused = await client.post("/api/orders", json=order_body(catalog, items=[item]))
        assert refused.status_code == 422, item
        assert "items.0" in refused.json()["detail"], item
