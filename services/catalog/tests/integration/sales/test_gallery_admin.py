"""Galleries over the admin API: create (slugs), media in order, price lists inherited by
their media, whole-gallery price in gallery_offered, allowed emails (access links), free
downloads, selections; bad input refused with nothing written."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from .conftest import WEB, AddMedia, Outbox, row


async def gallery(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/admin/galleries", json={"title": "Harbours", **body})
    assert response.status_code == 201, response.text
    return response.json()


async def profile(client: httpx.AsyncClient) -> str:
    body = {"name": "Web and print", "rows": [row("Web", 2500, WEB), row("Full resolution", 9000)]}
    response = await client.post("/api/admin/pricing-profiles", json=body)
    return str(response.json()["id"])


async def test_gallery_media_inherit_its_price_lists_and_the_whole_price_is_published(
    client: httpx.AsyncClient, add_media: AddMedia, outbox: Outbox
) -> None:
    photos = [await add_media(f"Photo {i}") for i in range(3)]
    made = await gallery(
        client, pricing_profile_ids=[await profile(client)], whole_gallery_price=25000
    )
    assert made["slug"].startswith("harbours")
    response = await client.put(
        f"/api/admin/galleries/{made['id']}/media",
        json={"media_ids": [str(p) for p in photos[::-1]]},
    )
    assert response.status_code == 200, response.text
    offered = (await outbox("catalog.media_offered", about=photos[0]))[-1]
    assert [o["name"] for o in offered["offers"]] == ["Web", "Full resolution"]
    snapshot = (await outbox("catalog.gallery_offered", about=uuid.UUID(made["id"])))[-1]
    assert snapshot["whole_gallery_price"] == 25000
    assert [m["media_id"] for m in snapshot["members"]] == [str(p) for p in photos[::-1]]
    read = (await client.get(f"/api/admin/galleries/{made['id']}")).json()
    assert read["media_count"] == 3
    # leaving the gallery: no more of its offers
    await client.put(
        f"/api/admin/galleries/{made['id']}/media", json={"media_ids": [str(photos[1])]}
    )
    assert (await outbox("catalog.media_offered", about=photos[0]))[-1]["offers"] == []
    later = (await outbox("catalog.gallery_offered", about=uuid.UUID(made["id"])))[-1]
    assert later["revision"] > snapshot["revision"]


async def test_bad_galleries_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient, query: Any
) -> None:
    before = (await query("SELECT count(*) AS n FROM galleries"))[0]["n"]
    cases = [
        ({"title": ""}, "title"),
        ({"title": "X", "visibility": "secret"}, "visibility"),
        ({"title": "X", "visibility": "private"}, "password"),
        ({"title": "X", "whole_gallery_price": 10**13}, "whole_gallery_price"),
        ({"title": "X", "pricing_profile_ids": [str(uuid.uuid4())]}, "pricing_profile_ids"),
        ({"title": "X", "allowed_emails": ["not-an-email"]}, "allowed_emails"),
        # a NUL would break PostgreSQL (500 before), a line break an email subject
        ({"title": "\u0000"}, "title"),
        ({"title": "Harbours\r\nBcc: x@example.com"}, "title"),
        ({"title": "X", "description": "a\u0000b"}, "description"),
    ]
    for body, field in cases:
        response = await client.post("/api/admin/galleries", json=body)
        assert response.status_code == 422, (body, response.text)
        assert any(f["field"].startswith(field) for f in response.json()["fields"]), response.json()
    assert (await query("SELECT count(*) AS n FROM galleries"))[0]["n"] == before


async def test_unknown_media_in_a_gallery_are_refused(
    client: httpx.AsyncClient, add_media: AddMedia
) -> None:
    made = await gallery(client)
    photo = await add_media()
    response = await client.put(
        f"/api/admin/galleries/{made['id']}/media",
        json={"media_ids": [str(photo), str(uuid.uuid4())]},
    )
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "media_ids"
    assert (await client.get(f"/api/admin/galleries/{made['id']}/media")).json()["media_ids"] == []


async def test_private_and_unlisted_galleries_get_unguessable_slugs(
    client: httpx.AsyncClient,
) -> None:
    private = await gallery(client, visibility="private", password="s3cret")
    unlisted = await gallery(client, visibility="unlisted")
    for made in (private, unlisted):
        suffix = made["slug"].removeprefix("harbours-")
        assert len(suffix) >= 10, made["slug"]
    assert private["has_password"] is True
    assert private["slug"] != unlisted["slug"]


async def test_an_allowed_email_gets_an_access_link(
    client: httpx.AsyncClient, outbox: Outbox
) -> None:
    made = await gallery(client, visibility="private", allowed_emails=["Ada@Example.com"])
    granted = await outbox("catalog.gallery_access_granted", about=uuid.UUID(made["id"]))
    assert [g["client_email"] for g in granted] == ["ada@example.com"]
    assert granted[0]["access_url"].startswith(f"http://catalog.test/g/{made['slug']}?access=")
    again = await client.post(
        f"/api/admin/galleries/{made['id']}/allowed-emails", json={"email": "ada@example.com"}
    )
    assert again.status_code == 201
    more = await client.post(
        f"/api/admin/galleries/{made['id']}/allowed-emails", json={"email": "bob@example.com"}
    )
    assert more.json()["allowed_emails"] == ["ada@example.com", "bob@example.com"]
    granted = await outbox("catalog.gallery_access_granted", about=uuid.UUID(made["id"]))
    assert [g["client_email"] for g in granted] == ["ada@example.com", "bob@example.com"]


async def test_a_free_download_grant_carries_the_gallery_members(
    client: httpx.AsyncClient, add_media: AddMedia, outbox: Outbox
) -> None:
    photos = [await add_media(f"Free {i}") for i in range(2)]
    made = await gallery(client)
    empty = await client.post(
        f"/api/admin/galleries/{made['id']}/free-downloads", json={"client_email": "c@example.com"}
    )
    assert empty.status_code == 422
    await client.put(
        f"/api/admin/galleries/{made['id']}/media", json={"media_ids": [str(p) for p in photos]}
    )
    response = await client.post(
        f"/api/admin/galleries/{made['id']}/free-downloads",
        json={
            "client_email": "c@example.com",
            "delivery": {
                "mode": "long_edge",
                "long_edge": 2000,
                "link_expiry_days": 5,
                "max_downloads": 2,
            },
        },
    )
    assert response.status_code == 201, response.text
    grant = (await outbox("catalog.free_download_granted", about=uuid.UUID(response.json()["id"])))[
        -1
    ]
    assert grant["client_email"] == "c@example.com"
    assert [m["media_id"] for m in grant["members"]] == [str(p) for p in photos]
    assert grant["delivery"]["link_expiry_days"] == 5
    assert grant["delivery"]["max_downloads"] == 2


async def test_a_selection_is_sent_to_the_client(
    client: httpx.AsyncClient, add_media: AddMedia, outbox: Outbox, anonymous: httpx.AsyncClient
) -> None:
    photos = [await add_media(f"Pick {i}") for i in range(2)]
    response = await client.post(
        "/api/admin/selections",
        json={
            "title": "For Ada",
            "media_ids": [str(p) for p in photos],
            "client_email": "ada@example.com",
        },
    )
    assert response.status_code == 201, response.text
    made = response.json()
    token = made["url"].rsplit("/s/", 1)[1]
    assert made["url"] == f"http://catalog.test/s/{token}"
    assert len(token) >= 30
    sent = (await outbox("catalog.selection_sent", about=uuid.UUID(made["id"])))[-1]
    assert (sent["client_email"], sent["url"], sent["title"]) == (
        "ada@example.com",
        made["url"],
        "For Ada",
    )
    # the client sees the selection's media (and only with the token)
    seen = await anonymous.get(f"/api/media/{photos[0]}?selection={token}")
    assert seen.status_code == 200
    assert (await anonymous.get(f"/api/media/{photos[0]}")).status_code == 404
    bad = await client.post(
        "/api/admin/selections",
        json={"title": "X", "media_ids": [str(uuid.uuid4())], "client_email": "ada@example.com"},
    )
    assert bad.status_code == 422


async def test_deleting_a_gallery_publishes_it_deleted(
    client: httpx.AsyncClient, add_media: AddMedia, outbox: Outbox
) -> None:
    photo = await add_media()
    made = await gallery(
        client, pricing_profile_ids=[await profile(client)], whole_gallery_price=100
    )
    await client.put(f"/api/admin/galleries/{made['id']}/media", json={"media_ids": [str(photo)]})
    assert (await client.delete(f"/api/admin/galleries/{made['id']}")).status_code == 204
    last = (await outbox("catalog.gallery_offered", about=uuid.UUID(made["id"])))[-1]
    assert last["deleted"] is True
    assert last["whole_gallery_price"] is None
    assert (await outbox("catalog.media_offered", about=photo))[-1]["offers"] == []
    assert (await client.get(f"/api/admin/galleries/{made['id']}")).status_code == 404


async def test_a_gallery_cannot_be_inside_itself(client: httpx.AsyncClient) -> None:
    top = await gallery(client)
    inner = await gallery(client, parent_id=top["id"])
    body = {"title": "Harbours", "parent_id": inner["id"]}
    looped = await client.put(f"/api/admin/galleries/{top['id']}", json=body)
    assert looped.status_code == 422
    assert looped.json()["fields"][0]["field"] == "parent_id"
    unknown = await client.post(
        "/api/admin/galleries", json={"title": "X", "parent_id": str(uuid.uuid4())}
    )
    assert unknown.status_code == 422
