"""The storefront API: public galleries listed, unlisted reachable by address only,
private ones neither listed nor searchable, opened by password (403 otherwise, 429 past the
limit), media visible only through what the visitor may see, paging."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from shop_catalog.bootstrap import CatalogRoot
from shop_testkit.admin_sessions import KnownAdminSessions

from .conftest import WEB, AddMedia, row


async def gallery_with(
    client: httpx.AsyncClient, media_ids: list[uuid.UUID], **body: Any
) -> dict[str, Any]:
    response = await client.post("/api/admin/galleries", json={"title": "Coastlines", **body})
    assert response.status_code == 201, response.text
    made = response.json()
    await client.put(
        f"/api/admin/galleries/{made['id']}/media", json={"media_ids": [str(m) for m in media_ids]}
    )
    return made


async def test_visibility_public_unlisted_private(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient, add_media: AddMedia
) -> None:
    word = uuid.uuid4().hex[:8]
    shown, hidden, secret = [await add_media(f"{word} {n}") for n in ("shown", "hidden", "secret")]
    public = await gallery_with(client, [shown])
    unlisted = await gallery_with(client, [hidden], visibility="unlisted")
    private = await gallery_with(client, [secret], visibility="private", password="open sesame")
    listed = {g["id"] for g in (await anonymous.get("/api/galleries")).json()}
    assert public["id"] in listed
    assert unlisted["id"] not in listed
    assert private["id"] not in listed
    assert (await anonymous.get(f"/api/galleries/{unlisted['slug']}")).status_code == 200
    found = (await anonymous.get("/api/search", params={"q": word})).json()["media"]
    assert [m["title"] for m in found] == [f"{word} shown"]
    assert (await anonymous.get(f"/api/galleries/{private['slug']}")).status_code == 403
    wrong = await anonymous.get(
        f"/api/galleries/{private['slug']}", headers={"X-Gallery-Password": "guess"}
    )
    assert wrong.status_code == 403
    right = await anonymous.get(
        f"/api/galleries/{private['slug']}", headers={"X-Gallery-Password": "open sesame"}
    )
    assert right.status_code == 200
    assert [m["title"] for m in right.json()["media"]] == [f"{word} secret"]
    # a guessed address answers like no gallery at all
    assert (await anonymous.get("/api/galleries/coastlines-0123456789")).status_code == 404
    secret_id = right.json()["media"][0]["id"]
    assert (await anonymous.get(f"/api/media/{secret_id}")).status_code == 404


async def test_wrong_passwords_are_rate_limited(
    root: CatalogRoot, client: httpx.AsyncClient, add_media: AddMedia
) -> None:
    private = await gallery_with(client, [await add_media()], visibility="private", password="pw")
    app = root.http_app(admin_sessions=KnownAdminSessions())  # its own limiter
    limit = root.settings.unlock_rate_limit_per_minute
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://catalog.test"
    ) as visitor:
        url = f"/api/galleries/{private['slug']}"
        for _ in range(limit):
            answer = await visitor.get(url, headers={"X-Gallery-Password": "wrong"})
            assert answer.status_code == 403
        limited = await visitor.get(url, headers={"X-Gallery-Password": "pw"})
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) >= 1


async def test_a_gallery_shows_its_media_with_offers_and_pages(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient, add_media: AddMedia
) -> None:
    profile = await client.post(
        "/api/admin/pricing-profiles",
        json={"name": "Web", "rows": [row("Web", 2500, WEB, usage_terms="Online use")]},
    )
    photos = [await add_media(f"Wave {i:03d}") for i in range(65)]
    made = await gallery_with(
        client, photos, pricing_profile_ids=[profile.json()["id"]], whole_gallery_price=30000
    )
    first = (await anonymous.get(f"/api/galleries/{made['slug']}")).json()
    assert first["whole_gallery_price"] == 30000
    assert len(first["media"]) == 60
    assert first["next_page"] == 2
    item = first["media"][0]
    assert item["title"] == "Wave 000"
    assert item["thumbnail_url"] == f"http://catalog.test/previews/{item['id']}/thumb.jpg?v=1"
    assert [(o["name"], o["price"], o["usage_terms"]) for o in item["offers"]] == [
        ("Web", 2500, "Online use")
    ]
    second = (await anonymous.get(f"/api/galleries/{made['slug']}?page=2")).json()
    assert [m["title"] for m in second["media"]] == [f"Wave {i:03d}" for i in range(60, 65)]
    assert second["next_page"] is None
    one = (await anonymous.get(f"/api/media/{item['id']}")).json()
    assert one["offers"][0]["license_id"] == profile.json()["rows"][0]["id"]


async def test_a_gallery_page_shows_every_change_at_once(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient, add_media: AddMedia, query: Any
) -> None:
    """Pages are kept per gallery revision: each change publishes a new one."""
    profile = (
        await client.post(
            "/api/admin/pricing-profiles", json={"name": "Web", "rows": [row("Web", 2500, WEB)]}
        )
    ).json()
    first, second = await add_media("First"), await add_media("Second")
    made = await gallery_with(client, [first, second], pricing_profile_ids=[profile["id"]])
    url = f"/api/galleries/{made['slug']}"

    def prices(page: dict[str, Any]) -> list[int]:
        return [o["price"] for m in page["media"] for o in m["offers"]]

    assert prices((await anonymous.get(url)).json()) == [2500, 2500]
    assert prices((await anonymous.get(url)).json()) == [2500, 2500]  # from the cache
    edited = {"name": "Web", "rows": [{**row("Web", 3100, WEB), "id": profile["rows"][0]["id"]}]}
    await client.put(f"/api/admin/pricing-profiles/{profile['id']}", json=edited)
    assert prices((await anonymous.get(url)).json()) == [3100, 3100]
    await client.put(f"/api/admin/galleries/{made['id']}/media", json={"media_ids": [str(second)]})
    assert [m["title"] for m in (await anonymous.get(url)).json()["media"]] == ["Second"]
    await client.put(
        f"/api/admin/galleries/{made['id']}",
        json={"title": "Coastlines", "whole_gallery_price": 999, "pricing_profile_ids": []},
    )
    page = (await anonymous.get(url)).json()
    assert page["whole_gallery_price"] == 999
    assert prices(page) == []
