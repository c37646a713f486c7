"""The agency (issue 14): every media, gallery, price list and selection belongs to a
photographer (or to the shop owner). A photographer lists, searches, reads and changes only
their own; another's id answers 404 (in a path) or a 422 naming it (in a body), exactly as
an unknown id. New things are their creator's; a photographer's upload without a credit
line is credited to them; the snapshots name the photographer."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from shop_platform.accounts import Principal, Role
from shop_testkit.admin_sessions import KnownAdminSessions

from ... import media_factories as files
from .conftest import WEB, AddMedia, Outbox, row


@dataclass
class Person:
    who: Principal
    http: httpx.AsyncClient

    @property
    def id(self) -> str:
        return str(self.who.account_id)


@pytest.fixture
async def team(
    app: Any, admin_sessions: KnownAdminSessions, client: httpx.AsyncClient
) -> AsyncIterator[dict[str, Person]]:
    """Two photographers (Ana, Ben), an assistant, and the owner (ADMIN_TOKEN)."""
    people: dict[str, Person] = {}
    for name, role in (
        ("Ana Lima", Role.PHOTOGRAPHER),
        ("Ben Okoro", Role.PHOTOGRAPHER),
        ("Sue Assistant", Role.ASSISTANT),
    ):
        email = f"{name.split()[0].lower()}.{uuid.uuid4().hex[:6]}@example.com"
        who = Principal(uuid.uuid4(), name, email, role, "token")
        token = f"shp_{uuid.uuid4().hex}"
        admin_sessions.add_token(token, who)
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://catalog.test",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        people[name.split()[0].lower()] = Person(who, http)
    yield people
    for p in people.values():
        await p.http.aclose()


async def upload(http: httpx.AsyncClient, seed: int, **meta: Any) -> dict[str, Any]:
    jpeg = files.jpeg_bytes(360, 240, seed=seed, **meta)
    response = await http.post("/api/admin/media", files={"file": (f"p{seed}.jpg", jpeg)})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def owned_media(query: Any, add_media: AddMedia, owner: Person, title: str) -> uuid.UUID:
    """A media row of `owner`'s (written straight into the table)."""
    media_id = await add_media(title, keywords=["agency"])
    await query(
        "UPDATE media SET photographer_id = :p, photographer_name = :n, photographer_email = :e"
        " WHERE id = :id",
        p=owner.who.account_id,
        n=owner.who.name,
        e=owner.who.email,
        id=media_id,
    )
    return media_id


async def make_profile(http: httpx.AsyncClient, name: str = "Web") -> str:
    body = {"name": name, "rows": [row("Web", 2500, WEB)]}
    response = await http.post("/api/admin/pricing-profiles", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def make_gallery(http: httpx.AsyncClient, title: str = "Harbours", **body: Any) -> str:
    response = await http.post("/api/admin/galleries", json={"title": title, **body})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_uploads_are_their_photographers_with_credit_and_snapshot(
    team: dict[str, Person], client: httpx.AsyncClient, query: Any, outbox: Outbox
) -> None:
    ana = team["ana"]
    mine = await upload(ana.http, 1401)
    assert mine["credit"] == "Ana Lima"  # the file had no credit line
    assert mine["photographer"] == {
        "photographer_id": ana.id,
        "name": "Ana Lima",
        "email": ana.who.email,
    }
    row_ = (await query("SELECT * FROM media WHERE id = :id", id=uuid.UUID(mine["id"])))[0]
    assert (row_["photographer_id"], row_["photographer_name"], row_["photographer_email"]) == (
        ana.who.account_id,
        "Ana Lima",
        ana.who.email,
    )
    offered = (await outbox("catalog.media_offered", about=uuid.UUID(mine["id"])))[-1]
    assert offered["photographer"] == {
        "photographer_id": ana.id,
        "name": "Ana Lima",
        "email": ana.who.email,
    }
    assert offered["credit"] == "Ana Lima"
    credited = await upload(ana.http, 1402, title="Dunes", credit="Studio Lima")
    assert credited["credit"] == "Studio Lima"  # the file's own credit line is kept
    shops = await upload(client, 1403)
    assert shops["credit"] is None
    assert shops["photographer"] is None
    shop_row = (await query("SELECT * FROM media WHERE id = :id", id=uuid.UUID(shops["id"])))[0]
    assert shop_row["photographer_id"] is None
    assert shop_row["photographer_name"] is None
    shop_offered = (await outbox("catalog.media_offered", about=uuid.UUID(shops["id"])))[-1]
    assert shop_offered["photographer"] is None


async def test_a_photographer_sees_only_their_media(
    team: dict[str, Person],
    client: httpx.AsyncClient,
    query: Any,
    add_media: AddMedia,
) -> None:
    ana, ben, sue = team["ana"], team["ben"], team["sue"]
    word = f"kw{uuid.uuid4().hex[:8]}"
    anas = [await owned_media(query, add_media, ana, f"Ana {word} {i}") for i in range(3)]
    bens = await owned_media(query, add_media, ben, f"Ben {word}")
    shops = await add_media(f"Shop {word}")

    async def every(http: httpx.AsyncClient, q: str) -> list[str]:
        """All pages of the list (limit 2: the cursor is followed to the end)."""
        found: list[str] = []
        cursor = None
        while True:
            params = {"q": q, "limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await http.get("/api/admin/media", params=params)).json()
            found += [m["id"] for m in page["media"]]
            cursor = page["next_cursor"]
            if cursor is None:
                return found

    assert set(await every(ana.http, word)) == {str(m) for m in anas}
    assert set(await every(ben.http, word)) == {str(bens)}
    everyone = {str(m) for m in [*anas, bens, shops]}
    assert set(await every(client, word)) == everyone
    assert set(await every(sue.http, word)) == everyone  # the assistant reads all
    # keywords are searched too, and the search stays within the photographer's own
    by_keyword = await every(ana.http, "agency")
    assert {str(m) for m in anas} <= set(by_keyword)
    assert str(bens) not in by_keyword
    # another's media: 404 for reading, changing, deleting, replacing, its price lists
    other = f"/api/admin/media/{bens}"
    assert (await ana.http.get(other)).status_code == 404
    assert (await ana.http.patch(other, json={"title": "Mine now"})).status_code == 404
    assert (await ana.http.delete(other)).status_code == 404
    replaced = await ana.http.put(
        f"{other}/file", files={"file": ("x.jpg", files.jpeg_bytes(200, 100, seed=1404))}
    )
    assert replaced.status_code == 404
    assert (await ana.http.get(f"{other}/pricing-profiles")).status_code == 404
    attach = await ana.http.put(f"{other}/pricing-profiles", json={"profile_ids": []})
    assert attach.status_code == 404
    assert (await ana.http.get(f"/api/admin/media/{shops}")).status_code == 404
    unchanged = await query("SELECT title, withdrawn_at FROM media WHERE id = :id", id=bens)
    assert unchanged[0]["title"] == f"Ben {word}"
    assert unchanged[0]["withdrawn_at"] is None
    # their own: read and changed; the owner changes anyone's (the owner stays the same)
    assert (await ana.http.patch(f"/api/admin/media/{anas[0]}", json={"title": "A"})).is_success
    assert (await client.patch(other, json={"title": "Ben's, by the owner"})).is_success
    kept = await query("SELECT photographer_id FROM media WHERE id = :id", id=bens)
    assert kept[0]["photographer_id"] == ben.who.account_id
    assert (await sue.http.patch(other, json={"title": "x"})).status_code == 403


async def test_galleries_are_their_photographers(
    team: dict[str, Person],
    client: httpx.AsyncClient,
    query: Any,
    add_media: AddMedia,
    outbox: Outbox,
) -> None:
    ana, ben = team["ana"], team["ben"]
    anas = await owned_media(query, add_media, ana, "Ana's harbour")
    bens = await owned_media(query, add_media, ben, "Ben's dunes")
    gallery = await make_gallery(ana.http, "Ana's harbours", whole_gallery_price=9000)
    put = await ana.http.put(
        f"/api/admin/galleries/{gallery}/media", json={"media_ids": [str(anas)]}
    )
    assert put.status_code == 200, put.text
    snapshot = (await outbox("catalog.gallery_offered", about=uuid.UUID(gallery)))[-1]
    assert snapshot["photographer"]["photographer_id"] == ana.id
    assert snapshot["photographer"]["name"] == "Ana Lima"
    # only their own media go into their gallery (another's is named as unknown)
    refused = await ana.http.put(
        f"/api/admin/galleries/{gallery}/media", json={"media_ids": [str(anas), str(bens)]}
    )
    assert refused.status_code == 422
    assert str(bens) in refused.json()["detail"]
    # the owner cannot mix another photographer's media into it either
    mixed = await client.put(
        f"/api/admin/galleries/{gallery}/media", json={"media_ids": [str(bens)]}
    )
    assert mixed.status_code == 422
    assert "another photographer" in mixed.json()["detail"]
    # Ben cannot reach Ana's gallery in any way
    path = f"/api/admin/galleries/{gallery}"
    assert (await ben.http.get(path)).status_code == 404
    assert (await ben.http.get(f"{path}/media")).status_code == 404
    assert (await ben.http.put(path, json={"title": "Ben's now"})).status_code == 404
    assert (await ben.http.put(f"{path}/media", json={"media_ids": []})).status_code == 404
    emails = await ben.http.post(f"{path}/allowed-emails", json={"email": "c@example.com"})
    assert emails.status_code == 404
    free = await ben.http.post(f"{path}/free-downloads", json={"client_email": "c@example.com"})
    assert free.status_code == 404
    assert (await ben.http.delete(path)).status_code == 404
    assert not await outbox("catalog.free_download_granted", about=uuid.UUID(gallery))
    # nor nest his gallery in hers, nor use her media as his cover
    nested = await ben.http.post(
        "/api/admin/galleries", json={"title": "Inside", "parent_id": gallery}
    )
    assert nested.status_code == 422
    assert gallery in nested.json()["detail"]
    cover = await ben.http.post(
        "/api/admin/galleries", json={"title": "Cover", "cover_media_id": str(anas)}
    )
    assert cover.status_code == 422
    assert str(anas) in cover.json()["detail"]
    # lists: each photographer theirs; the owner all
    bens_gallery = await make_gallery(ben.http, "Ben's dunes")
    listed = {g["id"] for g in (await ben.http.get("/api/admin/galleries")).json()}
    assert bens_gallery in listed
    assert gallery not in listed
    everything = {g["id"]: g for g in (await client.get("/api/admin/galleries")).json()}
    assert {gallery, bens_gallery} <= set(everything)
    assert everything[bens_gallery]["photographer"]["photographer_id"] == ben.id
    # the owner may nest her gallery in the shop's: she keeps saving it (the parent she
    # cannot see is kept), but cannot move it into another gallery she cannot see
    shelf = await make_gallery(client, "Agency shelf")
    other_shelf = await make_gallery(client, "Other shelf")
    nest = await client.put(path, json={"title": "Ana's harbours", "parent_id": shelf})
    assert nest.status_code == 200, nest.text
    kept = await ana.http.put(path, json={"title": "Ana's ports", "parent_id": shelf})
    assert kept.status_code == 200, kept.text
    moved = await ana.http.put(path, json={"title": "Ana's ports", "parent_id": other_shelf})
    assert moved.status_code == 422
    assert other_shelf in moved.json()["detail"]
    # her own free download: allowed
    granted = await ana.http.post(
        f"{path}/free-downloads", json={"client_email": "client@example.com"}
    )
    assert granted.status_code == 201, granted.text
    # the owner's gallery is the shop's
    shops = await make_gallery(client, "The shop's")
    row_ = (await query("SELECT * FROM galleries WHERE id = :id", id=uuid.UUID(shops)))[0]
    assert row_["photographer_id"] is None
    shop_snapshot = (await outbox("catalog.gallery_offered", about=uuid.UUID(shops)))[-1]
    assert shop_snapshot["photographer"] is None
    assert (await ana.http.get(f"/api/admin/galleries/{shops}")).status_code == 404


async def test_price_lists_are_their_photographers(
    team: dict[str, Person], client: httpx.AsyncClient, query: Any, add_media: AddMedia
) -> None:
    ana, ben = team["ana"], team["ben"]
    anas_profile = await make_profile(ana.http, "Ana's web")
    bens_profile = await make_profile(ben.http, "Ben's web")
    shops_profile = await make_profile(client, "Shop web")
    rows = await query(
        "SELECT id, photographer_id FROM pricing_profiles WHERE id IN (:a, :b, :s)",
        a=uuid.UUID(anas_profile),
        b=uuid.UUID(bens_profile),
        s=uuid.UUID(shops_profile),
    )
    owners = {str(r["id"]): r["photographer_id"] for r in rows}
    assert owners == {
        anas_profile: ana.who.account_id,
        bens_profile: ben.who.account_id,
        shops_profile: None,
    }
    listed = {p["id"] for p in (await ana.http.get("/api/admin/pricing-profiles")).json()}
    assert anas_profile in listed
    assert not {bens_profile, shops_profile} & listed
    everything = {p["id"] for p in (await client.get("/api/admin/pricing-profiles")).json()}
    assert {anas_profile, bens_profile, shops_profile} <= everything
    path = f"/api/admin/pricing-profiles/{bens_profile}"
    assert (await ana.http.get(path)).status_code == 404
    body = {"name": "Mine", "rows": [row("Web", 100, WEB)]}
    assert (await ana.http.put(path, json=body)).status_code == 404
    assert (await ana.http.delete(path)).status_code == 404
    shop_path = f"/api/admin/pricing-profiles/{shops_profile}"
    assert (await ana.http.delete(shop_path)).status_code == 404
    # attaching: her own profiles to her own media only
    anas = await owned_media(query, add_media, ana, "Ana's cliff")
    attach = f"/api/admin/media/{anas}/pricing-profiles"
    ok = await ana.http.put(attach, json={"profile_ids": [anas_profile]})
    assert ok.status_code == 200, ok.text
    for other in (bens_profile, shops_profile):
        refused = await ana.http.put(attach, json={"profile_ids": [other]})
        assert refused.status_code == 422
        assert other in refused.json()["detail"]
    # the owner attaches her price lists to her media, not the shop's nor Ben's: what is
    # attached to her work is always hers to see (and her forms keep it)
    assert (await client.put(attach, json={"profile_ids": [anas_profile]})).is_success
    for other, whose in ((shops_profile, "the shop's"), (bens_profile, "another photographer")):
        mixed = await client.put(attach, json={"profile_ids": [other]})
        assert mixed.status_code == 422
        assert whose in mixed.json()["detail"]
    # nor can Ben give his gallery her price list
    refused_gallery = await ben.http.post(
        "/api/admin/galleries", json={"title": "B", "pricing_profile_ids": [anas_profile]}
    )
    assert refused_gallery.status_code == 422
    assert anas_profile in refused_gallery.text


async def test_selections_are_their_photographers(
    team: dict[str, Person],
    client: httpx.AsyncClient,
    query: Any,
    add_media: AddMedia,
    outbox: Outbox,
) -> None:
    ana, ben = team["ana"], team["ben"]
    anas = await owned_media(query, add_media, ana, "Ana's boat")
    bens = await owned_media(query, add_media, ben, "Ben's boat")
    body = {"title": "For you", "client_email": "client@example.com"}
    refused = await ana.http.post(
        "/api/admin/selections", json={**body, "media_ids": [str(anas), str(bens)]}
    )
    assert refused.status_code == 422
    assert str(bens) in refused.json()["detail"]
    sent = await ana.http.post("/api/admin/selections", json={**body, "media_ids": [str(anas)]})
    assert sent.status_code == 201, sent.text
    selection = sent.json()["id"]
    stored = await query(
        "SELECT photographer_id, photographer_name FROM selections WHERE id = :id",
        id=uuid.UUID(selection),
    )
    assert stored[0]["photographer_id"] == ana.who.account_id
    assert stored[0]["photographer_name"] == "Ana Lima"
    assert [s["id"] for s in (await ana.http.get("/api/admin/selections")).json()].count(
        selection
    ) == 1
    assert selection not in {s["id"] for s in (await ben.http.get("/api/admin/selections")).json()}
    assert selection in {s["id"] for s in (await client.get("/api/admin/selections")).json()}
    by_owner = await client.post(
        "/api/admin/selections", json={**body, "media_ids": [str(anas), str(bens)]}
    )
    assert by_owner.status_code == 201  # the owner sends anyone's


async def test_pages_show_a_photographer_only_their_own(
    team: dict[str, Person],
    app: Any,
    admin_sessions: KnownAdminSessions,
    root: Any,
    query: Any,
    add_media: AddMedia,
) -> None:
    ana, ben = team["ana"], team["ben"]
    word = f"page{uuid.uuid4().hex[:8]}"
    anas = await owned_media(query, add_media, ana, f"Ana {word}")
    bens = await owned_media(query, add_media, ben, f"Ben {word}")
    bens_gallery = await make_gallery(ben.http, f"Ben's gallery {word}")
    bens_profile = await make_profile(ben.http, f"Ben's list {word}")
    cookie = admin_sessions.login(root.settings.secret_key, who=ana.who)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://catalog.test",
        cookies={"shop_admin": cookie},
        headers={"Accept": "text/html"},
    ) as web:
        library = await web.get("/admin/media", params={"q": word})
        assert library.status_code == 200
        assert f"Ana {word}" in library.text
        assert f"Ben {word}" not in library.text
        assert (await web.get(f"/admin/media/{anas}")).status_code == 200
        for path in (
            f"/admin/media/{bens}",
            f"/admin/media/{bens}/price-lists",
            f"/admin/galleries/{bens_gallery}",
            f"/admin/pricing-profiles/{bens_profile}",
        ):
            assert (await web.get(path)).status_code == 404, path
        galleries = await web.get("/admin/galleries")
        assert f"Ben's gallery {word}" not in galleries.text
        profiles = await web.get("/admin/pricing-profiles")
        assert f"Ben's list {word}" not in profiles.text
        picker = await web.get("/admin/selections")
        assert f"Ana {word}" in picker.text
        assert f"Ben {word}" not in picker.text


async def walk(http: httpx.AsyncClient, path: str, items: str) -> list[str]:
    """Every id of a list paged 2 at a time (issue 14: keyset paging): each page full but
    the last, whose `next_cursor` is null."""
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await http.get(path, params=params)).json()
        cursor = page["next_cursor"]
        assert len(page[items]) == 2 or cursor is None
        seen += [item["id"] for item in page[items]]
        if cursor is None:
            return seen


async def test_the_admin_lists_page_by_cursor_within_a_photographers_own(
    team: dict[str, Person], client: httpx.AsyncClient, query: Any, add_media: AddMedia
) -> None:
    ana, ben = team["ana"], team["ben"]
    anas = await owned_media(query, add_media, ana, "Ana's boat")
    bens = await owned_media(query, add_media, ben, "Ben's boat")
    for n in range(5):  # two galleries and two price lists of one name: the id decides
        await make_gallery(ana.http, f"Harbour {n // 2}")
        await make_profile(ana.http, f"Web {n // 2}")
        sent = await ana.http.post(
            "/api/admin/selections",
            json={
                "title": f"For you {n}",
                "client_email": "c@example.com",
                "media_ids": [str(anas)],
            },
        )
        assert sent.status_code == 201, sent.text
    await make_gallery(ben.http, "Ben's")
    await make_profile(ben.http, "Ben's")
    sent = await ben.http.post(
        "/api/admin/selections",
        json={"title": "Ben's", "client_email": "c@example.com", "media_ids": [str(bens)]},
    )
    assert sent.status_code == 201, sent.text

    for path, items in (
        ("/api/admin/galleries", "galleries"),
        ("/api/admin/pricing-profiles", "profiles"),
        ("/api/admin/selections", "selections"),
    ):
        plain = (await ana.http.get(path)).json()
        assert isinstance(plain, list), path
        assert len(plain) == 5, (path, plain)
        assert await walk(ana.http, path, items) == [item["id"] for item in plain], path
        everyone = [item["id"] for item in (await client.get(path)).json()]
        assert await walk(client, path, items) == everyone, path  # the owner: all of them
        assert len(everyone) >= 6
        for bad in ("nope", "bm9wZQ", "x" * 301):
            answer = await ana.http.get(path, params={"cursor": bad})
            assert answer.status_code == 422, (path, bad)
            assert "cursor" in str(answer.json()["detail"])
        assert (await ana.http.get(path, params={"limit": 201})).status_code == 422
    plain_titles = [g["title"] for g in (await ana.http.get("/api/admin/galleries")).json()]
    assert plain_titles == sorted(plain_titles)
    selections = (await ana.http.get("/api/admin/selections")).json()
    assert [s["title"] for s in selections] == [f"For you {n}" for n in reversed(range(5))]
