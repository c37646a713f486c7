"""The cart API (issue 11): one line per media (a new license replaces the old), whole
galleries, prices always from the read model (never the client's), a running total,
30 days after the last change, ordered once (`POST /api/orders` with `cart_id`)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select, update

from shop_orders.bootstrap import OrdersRoot
from shop_orders.db.tables import carts
from shop_orders.domain.catalog import Media

from .helpers import counts, order_body
from .read_model import gallery_snapshot, offer, withdrawn


async def new_cart(client: httpx.AsyncClient) -> dict[str, Any]:
    created = await client.post("/api/carts")
    assert created.status_code == 201, created.text
    return created.json()


async def put(client: httpx.AsyncClient, cart_id: str, **line: object) -> httpx.Response:
    return await client.put(
        f"/api/carts/{cart_id}/lines", json={k: str(v) for k, v in line.items()}
    )


def checkout_body(catalog: list[Media], cart_id: str) -> dict[str, Any]:
    body = order_body(catalog, cart_id=cart_id)
    del body["items"]
    return body


async def test_a_new_cart_is_empty_with_its_shareable_link(client: httpx.AsyncClient) -> None:
    cart = await new_cart(client)
    assert len(cart["id"]) >= 32, "unguessable"
    assert cart["lines"] == []
    assert (cart["total"], cart["currency"]) == (0, "EUR")
    assert cart["url"] == f"http://orders.test/cart/{cart['id']}"
    read = await client.get(f"/api/carts/{cart['id']}")
    assert read.json() == cart
    assert read.headers["cache-control"] == "no-store"


async def test_a_new_license_replaces_the_old_and_the_total_follows(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    photo, clip = catalog
    web, full = photo.licenses
    cart_id = (await new_cart(client))["id"]
    first = await put(client, cart_id, media_id=photo.id, license_id=web.id)
    assert first.status_code == 200, first.text
    [line] = first.json()["lines"]
    assert (line["title"], line["license_name"], line["price"]) == ("Alpine Lake", "Web", 2500)
    replaced = (await put(client, cart_id, media_id=photo.id, license_id=full.id)).json()
    assert [(li["license_id"], li["price"]) for li in replaced["lines"]] == [(str(full.id), 9000)]
    both = (await put(client, cart_id, media_id=clip.id, license_id=clip.licenses[0].id)).json()
    assert [li["title"] for li in both["lines"]] == ["Alpine Lake", "Ridge Drift"]
    assert both["total"] == 9000 + 12000


async def test_a_price_sent_by_the_client_is_ignored(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    photo = catalog[0]
    cart_id = (await new_cart(client))["id"]
    line = {"media_id": str(photo.id), "license_id": str(photo.licenses[0].id), "price": 1}
    cart = (await client.put(f"/api/carts/{cart_id}/lines", json=line)).json()
    assert cart["lines"][0]["price"] == 2500
    assert cart["total"] == 2500
    ordered = await client.post("/api/orders", json=checkout_body(catalog, cart_id))
    assert ordered.json()["total"] == 2500


async def test_removing_a_line(client: httpx.AsyncClient, catalog: list[Media]) -> None:
    photo, clip = catalog
    cart_id = (await new_cart(client))["id"]
    await put(client, cart_id, media_id=photo.id, license_id=photo.licenses[0].id)
    cart = (await put(client, cart_id, media_id=clip.id, license_id=clip.licenses[0].id)).json()
    removed = await client.delete(f"/api/carts/{cart_id}/lines/{cart['lines'][0]['id']}")
    assert removed.status_code == 200
    assert [li["title"] for li in removed.json()["lines"]] == ["Ridge Drift"]
    assert removed.json()["total"] == 12000
    again = await client.delete(f"/api/carts/{cart_id}/lines/{cart['lines'][0]['id']}")
    assert again.status_code == 404
    assert cart["lines"][0]["id"] in again.json()["detail"]


async def test_unknown_media_license_or_gallery_is_refused_naming_it(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    photo, clip = catalog
    cart_id = (await new_cart(client))["id"]
    not_whole = gallery_snapshot(catalog, price=None)
    await offer(service, not_whole)
    for line, field in [
        ({"media_id": uuid.uuid4(), "license_id": photo.licenses[0].id}, "media_id"),
        ({"media_id": photo.id, "license_id": uuid.uuid4()}, "license_id"),
        ({"media_id": photo.id, "license_id": clip.licenses[0].id}, "license_id"),
        ({"gallery_id": uuid.uuid4()}, "gallery_id"),
        ({"gallery_id": not_whole.gallery_id}, "gallery_id"),
    ]:
        refused = await put(client, cart_id, **line)
        assert refused.status_code == 422, line
        assert refused.json()["fields"][0]["field"] == field, line
    malformed = await client.put(f"/api/carts/{cart_id}/lines", json={"media_id": "x"})
    assert malformed.status_code == 422
    assert (await client.get(f"/api/carts/{cart_id}")).json()["lines"] == []


async def test_a_whole_gallery_in_the_cart(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    snapshot = gallery_snapshot(catalog, price=20000, title="Mountains")
    await offer(service, snapshot)
    cart_id = (await new_cart(client))["id"]
    await put(client, cart_id, gallery_id=snapshot.gallery_id)
    cart = (await put(client, cart_id, gallery_id=snapshot.gallery_id)).json()  # once
    [line] = cart["lines"]
    assert (line["title"], line["license_name"], line["price"]) == (
        "Mountains",
        "Whole gallery",
        20000,
    )
    ordered = await client.post("/api/orders", json=checkout_body(catalog, cart_id))
    assert ordered.status_code == 201, ordered.text
    assert ordered.json()["total"] == 20000


async def test_an_unknown_or_expired_cart_is_404_naming_it(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    unknown = await client.get("/api/carts/nope")
    assert unknown.status_code == 404
    assert "nope" in unknown.json()["detail"]
    cart_id = (await new_cart(client))["id"]
    async with service.engine.begin() as conn:
        await conn.execute(
            update(carts)
            .where(carts.c.id == cart_id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    for response in (
        await client.get(f"/api/carts/{cart_id}"),
        await put(client, cart_id, media_id=catalog[0].id, license_id=catalog[0].licenses[0].id),
        await client.post("/api/orders", json=checkout_body(catalog, cart_id)),
    ):
        assert response.status_code == 404, response.text
        assert cart_id in response.json()["detail"]
        assert "expired" in response.json()["detail"]


async def test_a_change_keeps_the_cart_30_days_and_old_carts_are_purged(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    cart_id = (await new_cart(client))["id"]
    long_gone = datetime.now(UTC) - timedelta(days=8)
    async with service.engine.begin() as conn:
        await conn.execute(update(carts).where(carts.c.id == cart_id).values(expires_at=long_gone))
    fresh = (await new_cart(client))["id"]  # creating a cart purges the long-expired ones
    async with service.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(carts)) == 1
        soon = datetime.now(UTC) + timedelta(days=1)
        await s.execute(update(carts).where(carts.c.id == fresh).values(expires_at=soon))
        await s.commit()
    photo = catalog[0]
    await put(client, fresh, media_id=photo.id, license_id=photo.licenses[0].id)
    async with service.sessions() as s:
        expires = await s.scalar(select(carts.c.expires_at).where(carts.c.id == fresh))
    assert expires is not None
    assert expires > datetime.now(UTC) + timedelta(days=29)


async def test_checkout_from_the_cart_once(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    photo, clip = catalog
    cart_id = (await new_cart(client))["id"]
    await put(client, cart_id, media_id=photo.id, license_id=photo.licenses[1].id)
    await put(client, cart_id, media_id=clip.id, license_id=clip.licenses[0].id)
    key = {"Idempotency-Key": "cart-checkout-1"}
    placed = await client.post("/api/orders", json=checkout_body(catalog, cart_id), headers=key)
    assert placed.status_code == 201, placed.text
    assert placed.json()["total"] == 9000 + 12000
    token = placed.json()["access_token"]
    order = await client.get(f"/api/orders/{placed.json()['id']}", headers={"X-Order-Token": token})
    assert [i["license_name"] for i in order.json()["items"]] == ["Full resolution", "Full clip"]
    assert (await client.get(f"/api/carts/{cart_id}")).json()["checked_out"] is True
    same = await client.post("/api/orders", json=checkout_body(catalog, cart_id), headers=key)
    assert same.status_code == 201
    assert same.json()["id"] == placed.json()["id"]
    assert same.headers["Idempotent-Replayed"] == "true"
    second = await client.post("/api/orders", json=checkout_body(catalog, cart_id))
    assert second.status_code == 409
    assert "already ordered" in second.json()["detail"]
    added = await put(client, cart_id, media_id=photo.id, license_id=photo.licenses[0].id)
    assert added.status_code == 409
    assert (await counts(service))["orders"] == 1


async def test_a_line_no_longer_offered_blocks_checkout_with_a_clear_message(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    photo, clip = catalog
    cart_id = (await new_cart(client))["id"]
    await put(client, cart_id, media_id=photo.id, license_id=photo.licenses[0].id)
    await put(client, cart_id, media_id=clip.id, license_id=clip.licenses[0].id)
    await offer(service, withdrawn(photo.id, revision=2))
    cart = (await client.get(f"/api/carts/{cart_id}")).json()
    gone = cart["lines"][0]
    assert (gone["available"], gone["price"]) == (False, None)
    assert cart["total"] == 12000
    assert "no longer offered" in cart["problems"][0]
    refused = await client.post("/api/orders", json=checkout_body(catalog, cart_id))
    assert refused.status_code == 422
    assert refused.json()["fields"][0]["field"] == "cart_id"
    assert "Alpine Lake" in refused.json()["detail"]
    assert "no longer for sale" in refused.json()["detail"]
    assert (await counts(service))["orders"] == 0
    assert (await client.get(f"/api/carts/{cart_id}")).json()["checked_out"] is False


async def test_items_or_a_cart_not_both(client: httpx.AsyncClient, catalog: list[Media]) -> None:
    cart_id = (await new_cart(client))["id"]
    both = await client.post("/api/orders", json=order_body(catalog, cart_id=cart_id))
    assert both.status_code == 422
    assert "cart_id" in both.json()["detail"]
    empty = await client.post("/api/orders", json=checkout_body(catalog, cart_id))
    assert empty.status_code == 422
    assert "the cart is empty" in empty.json()["detail"]


async def test_two_checkouts_of_one_cart_at_once_place_one_order(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    photo = catalog[0]
    cart_id = (await new_cart(client))["id"]
    await put(client, cart_id, media_id=photo.id, license_id=photo.licenses[0].id)
    answers = await asyncio.gather(
        *(
            client.post(
                "/api/orders",
                json=checkout_body(catalog, cart_id),
                headers={"Idempotency-Key": f"tab-{i}"},
            )
            for i in range(3)
        )
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409]
    assert (await counts(service))["orders"] == 1
