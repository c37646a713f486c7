"""The storefront's pages render (200 and what they should show): home, gallery (lazy
thumbnails, whole-gallery offer, pages), media (offers, Add to cart to orders), search,
selection; private galleries: unlock form (403 when wrong), cookie, access link."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from shop_catalog.bootstrap import CatalogRoot
from shop_testkit.admin_sessions import KnownAdminSessions

from .conftest import WEB, AddMedia, Outbox, row

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


async def make_gallery(
    client: httpx.AsyncClient, media_ids: list[uuid.UUID], **body: Any
) -> dict[str, Any]:
    profile = await client.post(
        "/api/admin/pricing-profiles",
        json={
            "name": "Web and print",
            "rows": [
                row("Web", 2500, WEB, description="For websites", usage_terms="Online only"),
                row("Full resolution", 9000),
            ],
        },
    )
    response = await client.post(
        "/api/admin/galleries",
        json={"title": "Night Harbours", "pricing_profile_ids": [profile.json()["id"]]} | body,
    )
    made = response.json()
    await client.put(
        f"/api/admin/galleries/{made['id']}/media", json={"media_ids": [str(m) for m in media_ids]}
    )
    return made


def visitor(root: CatalogRoot) -> httpx.AsyncClient:
    app = root.http_app(admin_sessions=KnownAdminSessions())
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://catalog.test", headers=BROWSER
    )


async def test_home_gallery_media_and_search_pages(
    client: httpx.AsyncClient, root: CatalogRoot, add_media: AddMedia
) -> None:
    word = uuid.uuid4().hex[:8]
    photo = await add_media(f"Lantern {word}", keywords=["harbour", word])
    made = await make_gallery(client, [photo], whole_gallery_price=12345, description="Boats")
    async with visitor(root) as browser:
        home = await browser.get("/")
        assert home.status_code == 200
        assert "Night Harbours" in home.text
        assert f'href="/g/{made["slug"]}"' in home.text
        page = await browser.get(f"/g/{made['slug']}")
        assert page.status_code == 200
        assert 'loading="lazy"' in page.text
        assert f"/previews/{photo}/thumb.jpg?v=1" in page.text
        assert "123.45 EUR" in page.text
        assert 'action="http://orders.test/cart/lines"' in page.text
        assert f'name="gallery_id" value="{made["id"]}"' in page.text
        assert "Add the whole gallery to cart" in page.text
        media = await browser.get(f"/media/{photo}")
        assert media.status_code == 200
        for text in ("Web", "25.00 EUR", "For websites", "Online only", "90.00 EUR", "Add to cart"):
            assert text in media.text
        assert f"/previews/{photo}/large.jpg?v=1" in media.text
        assert f'name="media_id" value="{photo}"' in media.text
        assert "<script>" not in media.text  # no inline script (CSP)
        search = await browser.get("/search", params={"q": word})
        assert search.status_code == 200
        assert f"Lantern {word}" in search.text
        missing = await browser.get(f"/media/{uuid.uuid4()}")
        assert missing.status_code == 404
        assert "text/html" in missing.headers["content-type"]


async def test_a_gallery_page_has_pages(
    client: httpx.AsyncClient, root: CatalogRoot, add_media: AddMedia
) -> None:
    photos = [await add_media(f"Frame {i:03d}") for i in range(61)]
    made = await make_gallery(client, photos)
    async with visitor(root) as browser:
        first = await browser.get(f"/g/{made['slug']}")
        assert "Next page" in first.text
        assert "Frame 060" not in first.text
        second = await browser.get(f"/g/{made['slug']}?page=2")
        assert "Frame 060" in second.text
        assert "Previous page" in second.text


async def test_a_private_gallery_opens_with_its_password_or_access_link(
    client: httpx.AsyncClient, root: CatalogRoot, add_media: AddMedia, outbox: Outbox
) -> None:
    photo = await add_media("Secret Cove")
    made = await make_gallery(
        client,
        [photo],
        title="Hidden Coves",
        visibility="private",
        password="letmein",
        allowed_emails=["ada@example.com"],
    )
    slug = made["slug"]
    async with visitor(root) as browser:
        assert "Hidden Coves" not in (await browser.get("/")).text
        locked = await browser.get(f"/g/{slug}")
        assert locked.status_code == 303
        assert locked.headers["location"] == f"/g/{slug}/unlock"
        form = await browser.get(f"/g/{slug}/unlock")
        assert form.status_code == 200
        assert 'type="password"' in form.text
        assert (await browser.get(f"/media/{photo}")).status_code == 404
        wrong = await browser.post(f"/g/{slug}/unlock", data={"password": "nope"})
        assert wrong.status_code == 403
        assert "not right" in wrong.text
        right = await browser.post(f"/g/{slug}/unlock", data={"password": "letmein"})
        assert right.status_code == 303
        opened = await browser.get(f"/g/{slug}")
        assert opened.status_code == 200
        assert "Secret Cove" in opened.text
        assert (await browser.get(f"/media/{photo}")).status_code == 200
        api = await browser.get(f"/api/galleries/{slug}")  # the cookie opens the API too
        assert api.status_code == 200

    link = (await outbox("catalog.gallery_access_granted", about=uuid.UUID(made["id"])))[-1]
    path = link["access_url"].removeprefix("http://catalog.test")
    async with visitor(root) as browser:
        assert (await browser.get(f"/g/{slug}?access=wrong-token")).status_code == 303
        assert (await browser.get(f"/g/{slug}")).status_code == 303  # still locked
        followed = await browser.get(path)
        assert followed.status_code == 303
        assert followed.headers["location"] == f"/g/{slug}"
        assert (await browser.get(f"/g/{slug}")).status_code == 200


async def test_wrong_passwords_on_the_unlock_page_are_rate_limited(
    client: httpx.AsyncClient, root: CatalogRoot, add_media: AddMedia
) -> None:
    made = await make_gallery(client, [await add_media()], visibility="private", password="pw")
    async with visitor(root) as browser:
        for _ in range(root.settings.unlock_rate_limit_per_minute):
            answer = await browser.post(f"/g/{made['slug']}/unlock", data={"password": "x"})
            assert answer.status_code == 403
        limited = await browser.post(f"/g/{made['slug']}/unlock", data={"password": "pw"})
        assert limited.status_code == 429
        assert "Retry-After" in limited.headers


async def test_a_selection_page_shows_its_media(
    client: httpx.AsyncClient, root: CatalogRoot, add_media: AddMedia
) -> None:
    photos = [await add_media(f"Chosen {i}") for i in range(2)]
    made = (
        await client.post(
            "/api/admin/selections",
            json={
                "title": "Your picks, Ada",
                "media_ids": [str(p) for p in photos],
                "client_email": "ada@example.com",
                "message": "As discussed.",
            },
        )
    ).json()
    token = made["url"].rsplit("/", 1)[1]
    async with visitor(root) as browser:
        page = await browser.get(f"/s/{token}")
        assert page.status_code == 200
        for text in ("Your picks, Ada", "As discussed.", "Chosen 0", "Chosen 1"):
            assert text in page.text
        assert f"/media/{photos[0]}?selection={token}" in page.text
        assert (await browser.get(f"/media/{photos[0]}?selection={token}")).status_code == 200
        assert (await browser.get("/s/not-a-token")).status_code == 404


async def test_nested_galleries_show_on_their_parents_page(
    client: httpx.AsyncClient, root: CatalogRoot, add_media: AddMedia
) -> None:
    parent = (await client.post("/api/admin/galleries", json={"title": "Travels"})).json()
    child = (
        await client.post(
            "/api/admin/galleries", json={"title": "Iceland 2024", "parent_id": parent["id"]}
        )
    ).json()
    await client.put(
        f"/api/admin/galleries/{child['id']}/media", json={"media_ids": [str(await add_media())]}
    )
    async with visitor(root) as browser:
        home = await browser.get("/")
        assert f'href="/g/{parent["slug"]}"' in home.text
        assert f'href="/g/{child["slug"]}"' not in home.text
        page = await browser.get(f"/g/{parent['slug']}")
        assert "Galleries inside" in page.text
        assert f'href="/g/{child["slug"]}"' in page.text
        api = (await browser.get(f"/api/galleries/{parent['slug']}")).json()
        assert [g["slug"] for g in api["galleries"]] == [child["slug"]]


async def test_a_video_page_plays_the_silent_clip_with_a_captions_track(
    client: httpx.AsyncClient, root: CatalogRoot, add_media: AddMedia
) -> None:
    clip = await add_media("Waves clip", kind="video", width=640, height=360)
    await make_gallery(client, [clip], title="Clips")
    async with visitor(root) as browser:
        page = await browser.get(f"/media/{clip}")
        assert page.status_code == 200
        assert f"/previews/{clip}/clip.mp4?v=1" in page.text
        assert f"/previews/{clip}/poster.jpg?v=1" in page.text
        assert '<track kind="captions" src="/static/catalog/silent.vtt"' in page.text
        captions = await browser.get("/static/catalog/silent.vtt")
        assert captions.status_code == 200
        assert captions.text.startswith("WEBVTT")
