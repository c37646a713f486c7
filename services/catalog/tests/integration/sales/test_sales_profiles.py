"""Pricing profiles over the admin API: create, read, replace (future orders only: the
media it prices are republished with a higher revision), delete (409 while attached),
validation (422 naming the field, nothing written), offers never bigger than the original."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from .conftest import WEB, AddMedia, Outbox, row


async def make_profile(
    client: httpx.AsyncClient, name: str = "Web and print", rows: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    body = {
        "name": name,
        "kind": "royalty_free",
        "rows": rows or [row("Web", 2500, WEB), row("Full resolution", 9000)],
    }
    response = await client.post("/api/admin/pricing-profiles", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_profile_is_created_read_and_listed(client: httpx.AsyncClient) -> None:
    created = await make_profile(
        client,
        rows=[
            row(
                "Web",
                2500,
                WEB,
                description="Websites and social media",
                usage_terms="Web only",
                link_expiry_days=7,
                max_downloads=3,
            ),
            row("Full resolution", 9000),
        ],
    )
    assert [r["name"] for r in created["rows"]] == ["Web", "Full resolution"]
    assert all(uuid.UUID(r["id"]) for r in created["rows"])
    web = created["rows"][0]
    assert (web["price"], web["link_expiry_days"], web["max_downloads"]) == (2500, 7, 3)
    assert web["delivery"]["long_edge"] == 1024
    assert web["usage_terms"] == "Web only"
    read = (await client.get(f"/api/admin/pricing-profiles/{created['id']}")).json()
    assert read == created
    listed = (await client.get("/api/admin/pricing-profiles")).json()
    assert created["id"] in {p["id"] for p in listed}


async def test_bad_profiles_are_refused_naming_the_field(
    client: httpx.AsyncClient, query: Any
) -> None:
    before = (await query("SELECT count(*) AS n FROM pricing_profiles"))[0]["n"]
    cases = [
        ({"name": "", "rows": [row("Web", 1)]}, "name"),
        ({"name": "X", "rows": [row("", 1)]}, "rows.0.name"),
        ({"name": "X", "rows": [row("Web", 10**13)]}, "rows.0.price"),
        ({"name": "X", "rows": [row("Web", -1)]}, "rows.0.price"),
        ({"name": "X", "rows": [row("Web", 1, {"mode": "long_edge"})]}, "rows.0.delivery"),
        ({"name": "X", "rows": []}, "rows"),
    ]
    for body, field in cases:
        response = await client.post("/api/admin/pricing-profiles", json=body)
        assert response.status_code == 422, (body, response.text)
        assert any(f["field"].startswith(field) for f in response.json()["fields"]), response.json()
    rights = await client.post(
        "/api/admin/pricing-profiles",
        json={"name": "RM", "kind": "rights_managed", "base_price": 1},
    )
    assert rights.status_code == 422  # a rights-managed profile without groups
    assert [f["field"] for f in rights.json()["fields"]] == ["groups"]
    after = (await query("SELECT count(*) AS n FROM pricing_profiles"))[0]["n"]
    assert after == before


async def test_the_admin_api_needs_the_token(anonymous: httpx.AsyncClient) -> None:
    assert (await anonymous.get("/api/admin/pricing-profiles")).status_code == 401
    assert (await anonymous.post("/api/admin/galleries", json={"title": "x"})).status_code == 401


async def test_offers_leave_out_rows_bigger_than_the_original(
    client: httpx.AsyncClient, add_media: AddMedia, outbox: Outbox
) -> None:
    small = await add_media("Small scan", width=800, height=600)
    profile = await make_profile(client)
    response = await client.put(
        f"/api/admin/media/{small}/pricing-profiles", json={"profile_ids": [profile["id"]]}
    )
    assert response.status_code == 200, response.text
    offered = (await outbox("catalog.media_offered", about=small))[-1]
    assert [o["name"] for o in offered["offers"]] == ["Full resolution"]  # Web (1024) > 800 px


async def test_editing_a_profile_republishes_its_media_with_a_higher_revision(
    client: httpx.AsyncClient, add_media: AddMedia, outbox: Outbox
) -> None:
    photo = await add_media()
    profile = await make_profile(client)
    await client.put(
        f"/api/admin/media/{photo}/pricing-profiles", json={"profile_ids": [profile["id"]]}
    )
    first = (await outbox("catalog.media_offered", about=photo))[-1]
    web_id = profile["rows"][0]["id"]
    edited = {
        "name": "Web and print",
        "rows": [{**row("Web", 3000, WEB), "id": web_id}, row("Print", 15000)],
    }
    response = await client.put(f"/api/admin/pricing-profiles/{profile['id']}", json=edited)
    assert response.status_code == 200, response.text
    assert response.json()["rows"][0]["id"] == web_id  # the license id carts hold is kept
    second = (await outbox("catalog.media_offered", about=photo))[-1]
    assert second["revision"] > first["revision"]
    assert [(o["name"], o["price"]) for o in second["offers"]] == [("Web", 3000), ("Print", 15000)]
    assert second["offers"][0]["license_id"] == web_id
    foreign = await client.put(
        f"/api/admin/pricing-profiles/{profile['id']}",
        json={"name": "X", "rows": [{**row("Web", 1), "id": str(uuid.uuid4())}]},
    )
    assert foreign.status_code == 422
    assert foreign.json()["fields"][0]["field"] == "rows.0.id"


async def test_an_attached_profile_is_deleted_only_with_detach(
    client: httpx.AsyncClient, add_media: AddMedia, outbox: Outbox
) -> None:
    photo = await add_media()
    profile = await make_profile(client)
    await client.put(
        f"/api/admin/media/{photo}/pricing-profiles", json={"profile_ids": [profile["id"]]}
    )
    refused = await client.delete(f"/api/admin/pricing-profiles/{profile['id']}")
    assert refused.status_code == 409
    assert (await client.get(f"/api/admin/pricing-profiles/{profile['id']}")).status_code == 200
    deleted = await client.delete(f"/api/admin/pricing-profiles/{profile['id']}?detach=true")
    assert deleted.status_code == 204
    assert (await client.get(f"/api/admin/pricing-profiles/{profile['id']}")).status_code == 404
    last = (await outbox("catalog.media_offered", about=photo))[-1]
    assert last["offers"] == []


async def test_unknown_ids_are_refused(client: httpx.AsyncClient, add_media: AddMedia) -> None:
    photo = await add_media()
    unknown_profile = await client.put(
        f"/api/admin/media/{photo}/pricing-profiles", json={"profile_ids": [str(uuid.uuid4())]}
    )
    assert unknown_profile.status_code == 422
    assert unknown_profile.json()["fields"][0]["field"] == "profile_ids"
    unknown_media = await client.put(
        f"/api/admin/media/{uuid.uuid4()}/pricing-profiles", json={"profile_ids": []}
    )
    assert unknown_media.status_code == 404
