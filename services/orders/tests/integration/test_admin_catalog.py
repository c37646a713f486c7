"""License options as the photographer sets them (admin API), never bigger than the original;
Proof -> Final; what the catalog, the order and `order.placed` carry of it."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import LicenseOption, Media

from .helpers import counts, order_body, outbox_rows

PRINT = {
    "name": "Print A4",
    "price": 4500,
    "delivery": {
        "mode": "fit",
        "width": 3508,
        "height": 2480,
        "format": "jpeg",
        "quality": 92,
        "file_name_template": "{{order}}-{{seq}}-{{basename}}",
        "link_expiry_days": 7,
        "max_downloads": 3,
    },
    "usage_terms": "One print run, up to 5,000 copies.",
}


def licenses_url(media: Media) -> str:
    return f"/api/admin/media/{media.id}/licenses"


async def test_create_list_update_delete_a_license_option(
    client: httpx.AsyncClient, catalog: list[Media], admin_headers: dict[str, str]
) -> None:
    photo = catalog[0]
    created = await client.post(licenses_url(photo), json=PRINT, headers=admin_headers)
    assert created.status_code == 201, created.text
    option = created.json()
    assert option["delivery"]["file_name_template"] == "{{order}}-{{seq}}-{{basename}}"
    assert (option["delivery"]["link_expiry_days"], option["delivery"]["max_downloads"]) == (7, 3)
    assert option["usage_terms"] == PRINT["usage_terms"]
    assert option["offered"] is True
    assert option["position"] == 2, "after the two existing options"
    listed = (await client.get(licenses_url(photo), headers=admin_headers)).json()
    assert [o["name"] for o in listed] == ["Web", "Full resolution", "Print A4"]

    changed = {**PRINT, "name": "Print A3", "price": 6000, "delivery": {"mode": "original"}}
    url = f"/api/admin/licenses/{option['id']}"
    updated = await client.put(url, json=changed, headers=admin_headers)
    assert updated.status_code == 200, updated.text
    assert (updated.json()["name"], updated.json()["price"]) == ("Print A3", 6000)
    shop = (await client.get("/api/catalog")).json()
    names = [lic["name"] for lic in shop["media"][0]["licenses"]]
    assert names == ["Web", "Full resolution", "Print A3"]

    assert (await client.delete(url, headers=admin_headers)).status_code == 204
    assert (await client.delete(url, headers=admin_headers)).status_code == 404
    assert (await client.put(url, json=PRINT, headers=admin_headers)).status_code == 404
    media = await client.get(f"/api/admin/media/{photo.id}", headers=admin_headers)
    assert [o["name"] for o in media.json()["licenses"]] == ["Web", "Full resolution"]
    assert media.json()["status"] == "final"


async def test_unknown_media_and_admin_auth(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    missing = f"/api/admin/media/{uuid.uuid4()}"
    assert (await client.get(missing, headers=admin_headers)).status_code == 404
    created = await client.post(f"{missing}/licenses", json=PRINT, headers=admin_headers)
    assert created.status_code == 404
    assert (await client.post(f"{missing}/finalize", headers=admin_headers)).status_code == 404
    for method, path in [("GET", "/api/admin/media"), ("POST", f"{missing}/finalize")]:
        assert (await client.request(method, path)).status_code == 401


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"file_name_template": "{{basename}}-{{colour}}"}, "file_name_template", "{{colour}}"),
        ({"file_name_template": "{{basename"}, "file_name_template", "{{"),
        ({"mode": "long_edge", "long_edge": 5000}, "delivery", "more pixels than the original"),
        ({"mode": "fill", "width": 4000, "height": 4000}, "delivery", "no upsizing"),
        ({"mode": "megabytes", "megabytes": 40}, "delivery", "more pixels than the original"),
        ({"mode": "long_edge"}, "delivery", "needs long_edge"),
        ({"quality": 0}, "delivery.quality", ""),
        ({"format": "gif"}, "delivery.format", ""),
    ],
)
async def test_a_license_that_cannot_be_offered_is_refused_on_save(
    client: httpx.AsyncClient,
    catalog: list[Media],
    admin_headers: dict[str, str],
    service: OrdersRoot,
    change: dict[str, Any],
    field: str,
    words: str,
) -> None:
    body = {**PRINT, "delivery": {"mode": "original", **change}}
    refused = await client.post(licenses_url(catalog[0]), json=body, headers=admin_headers)
    assert refused.status_code == 422, refused.text
    assert field in refused.json()["detail"]
    assert words in refused.text
    url = f"/api/admin/licenses/{catalog[0].licenses[0].id}"
    assert (await client.put(url, json=body, headers=admin_headers)).status_code == 422
    listed = (await client.get(licenses_url(catalog[0]), headers=admin_headers)).json()
    assert [(o["name"], o["price"]) for o in listed] == [("Web", 2500), ("Full resolution", 9000)]


async def test_a_video_license_taller_than_the_clip_is_refused(
    client: httpx.AsyncClient, catalog: list[Media], admin_headers: dict[str, str]
) -> None:
    clip = catalog[1]  # 640 x 360
    body = {"name": "HD", "price": 100, "delivery": {"video_max_height": 720}}
    refused = await client.post(licenses_url(clip), json=body, headers=admin_headers)
    assert refused.status_code == 422
    assert "video height 720" in refused.json()["detail"]
    body["delivery"] = {"video_max_height": 360, "video_crf": 20}
    assert (
        await client.post(licenses_url(clip), json=body, headers=admin_headers)
    ).status_code == 201


async def add_oversized(service: OrdersRoot, media: Media) -> LicenseOption:
    """A stored option bigger than the original (saved before the rule, or by hand)."""
    option = LicenseOption(
        uuid.uuid4(), media.id, "Poster", 30000, {"mode": "long_edge", "long_edge": 8000}, 5
    )
    async with service.transaction() as repos:
        await repos.catalog.add_license(option)
    return option


async def test_an_option_bigger_than_the_original_is_never_offered(
    client: httpx.AsyncClient,
    catalog: list[Media],
    admin_headers: dict[str, str],
    service: OrdersRoot,
) -> None:
    photo = catalog[0]
    poster = await add_oversized(service, photo)
    shop = (await client.get("/api/catalog")).json()
    assert "Poster" not in [lic["name"] for m in shop["media"] for lic in m["licenses"]]
    assert "Poster" not in (await client.get("/")).text
    admin = (await client.get(licenses_url(photo), headers=admin_headers)).json()
    assert [o["offered"] for o in admin] == [True, True, False]
    body = order_body(catalog, items=[{"media_id": str(photo.id), "license_id": str(poster.id)}])
    refused = await client.post("/api/orders", json=body)
    assert refused.status_code == 422
    assert refused.json()["fields"][0]["field"] == "items.0.license_id"
    assert "bigger than the original" in refused.json()["detail"]
    assert (await counts(service))["orders"] == 0


async def add_proof(service: OrdersRoot) -> Media:
    media_id = uuid.uuid4()
    proof = Media(
        id=media_id,
        title="Glacier Proof",
        kind="image",
        media_key="shoot/glacier.tif",
        width=6000,
        height=4000,
        credit="Ana Berg",
        status="proof",
        created_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        licenses=[
            LicenseOption(
                uuid.uuid4(),
                media_id,
                "Editorial",
                5000,
                {"mode": "long_edge", "long_edge": 2000, "file_name_template": "{{order}}"},
                0,
                usage_terms="Editorial use only.",
            )
        ],
    )
    async with service.transaction() as repos:
        await repos.catalog.add_media(proof)
    return proof


async def test_proof_media_and_terms_flow_into_the_order_and_order_placed(
    client: httpx.AsyncClient,
    catalog: list[Media],
    admin_headers: dict[str, str],
    service: OrdersRoot,
) -> None:
    proof = await add_proof(service)
    settings = {"manual_validation": False, "seller_email": "s@example.com", "terms_text": "T&C"}
    await client.put("/api/admin/settings", json=settings, headers=admin_headers)
    item = {"media_id": str(proof.id), "license_id": str(proof.licenses[0].id)}
    placed = await client.post("/api/orders", json=order_body(catalog, items=[item]))
    assert placed.status_code == 201, placed.text
    [row] = await outbox_rows(service, uuid.UUID(placed.json()["id"]))
    payload = row["envelope"]["payload"]
    assert payload["terms_text"] == "T&C"
    [line] = payload["lines"]
    assert line["media_status"] == "proof"
    assert line["credit"] == "Ana Berg"
    assert line["usage_terms"] == "Editorial use only."
    assert line["media_created_at"].startswith("2026-03-01T09:30:00")
    assert line["media_updated_at"].startswith("2026-03-01T09:30:00")
    assert line["delivery"]["file_name_template"] == "{{order}}"
    token = {"X-Order-Token": placed.json()["access_token"]}
    read = (await client.get(f"/api/orders/{placed.json()['id']}", headers=token)).json()
    assert read["items"][0]["media_status"] == "proof"


async def test_mark_as_final_once(
    client: httpx.AsyncClient, admin_headers: dict[str, str], service: OrdersRoot
) -> None:
    proof = await add_proof(service)
    url = f"/api/admin/media/{proof.id}/finalize"
    done = await client.post(url, headers=admin_headers)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "final"
    assert done.json()["updated_at"] > done.json()["created_at"]
    [row] = await outbox_rows(service, proof.id)
    assert row["message_type"] == "media.finalized"
    assert row["envelope"]["payload"] == {"media_id": str(proof.id), "media_key": proof.media_key}
    again = await client.post(url, headers=admin_headers)
    assert again.status_code == 409
    assert "already final" in again.json()["detail"]
    assert len(await outbox_rows(service, proof.id)) == 1


async def test_a_final_media_can_become_a_proof_once_and_final_again(
    client: httpx.AsyncClient, admin_headers: dict[str, str], service: OrdersRoot
) -> None:
    final = await add_proof(service)
    base = f"/api/admin/media/{final.id}"
    assert (await client.post(f"{base}/finalize", headers=admin_headers)).status_code == 200
    proof = await client.post(f"{base}/proof", headers=admin_headers)
    assert proof.status_code == 200, proof.text
    assert proof.json()["status"] == "proof"
    again = await client.post(f"{base}/proof", headers=admin_headers)
    assert again.status_code == 409
    assert "already a proof" in again.json()["detail"]
    assert (await client.post(f"{base}/finalize", headers=admin_headers)).status_code == 200
    assert len(await outbox_rows(service, final.id)) == 2  # two media.finalized, no other


async def test_seeded_style_media_default_to_final(service: OrdersRoot) -> None:
    media = Media(uuid.uuid4(), "Plain", "image", "x/plain.jpg", 100, 100)
    async with service.transaction() as repos:
        await repos.catalog.add_media(dataclasses.replace(media))
        stored = await repos.catalog.get_one(media.id)
    assert stored is not None
    assert stored.status == "final"
    assert stored.created_at is not None
