"""The admin pages of price lists, galleries and selections: behind the admin session,
forms with the CSRF token (refused without it or from another origin), create and edit
through the forms, refusals shown on the form (422) with nothing saved."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from shop_testkit.admin_sessions import KnownAdminSessions

from .conftest import AddMedia, Outbox

SECRET_KEY = "test-secret-key"
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Origin": "http://catalog.test"}


@pytest.fixture
async def admin(app: Any, admin_sessions: KnownAdminSessions) -> AsyncIterator[httpx.AsyncClient]:
    """A browser logged in as the admin (session cookie, our Origin on posts)."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://catalog.test",
        headers=BROWSER,
        cookies={"shop_admin": admin_sessions.login(SECRET_KEY)},
    ) as browser:
        yield browser


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


async def test_pages_need_the_admin_session(anonymous: httpx.AsyncClient) -> None:
    for path in ("/admin/galleries", "/admin/pricing-profiles", "/admin/selections"):
        response = await anonymous.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 303
        assert response.headers["location"].startswith("http://orders.test/admin/login")


async def test_a_price_list_is_created_and_edited_through_its_form(
    admin: httpx.AsyncClient, query: Any
) -> None:
    form_page = await admin.get("/admin/pricing-profiles/new")
    assert form_page.status_code == 200
    assert 'aria-current="page"' in form_page.text
    csrf = csrf_of(form_page.text)
    name = f"Editorial {uuid.uuid4().hex[:6]}"
    body = {
        "csrf": csrf,
        "rows": "2",
        "name": name,
        "name_0": "Web",
        "price_0": "25.00",
        "mode_0": "long_edge",
        "long_edge_0": "1200",
        "usage_terms_0": "Online only",
        "name_1": "Print",
        "price_1": "90",
        "mode_1": "original",
        "max_downloads_1": "3",
    }
    created = await admin.post("/admin/pricing-profiles/new", data=body)
    assert created.status_code == 303, created.text
    page = await admin.get(created.headers["location"])
    assert "Price list created." in page.text
    rows = await query(
        "SELECT r.name, r.price, r.delivery FROM profile_rows r JOIN pricing_profiles p"
        " ON p.id = r.profile_id WHERE p.name = :n ORDER BY r.position",
        n=name,
    )
    assert [(r["name"], r["price"]) for r in rows] == [("Web", 2500), ("Print", 9000)]
    assert rows[0]["delivery"]["long_edge"] == 1200
    assert rows[1]["delivery"]["max_downloads"] == 3
    listed = await admin.get("/admin/pricing-profiles")
    assert name in listed.text
    assert "25.00 EUR" in listed.text
    bad = await admin.post(
        "/admin/pricing-profiles/new", data={**body, "price_0": "abc", "name": "Bad"}
    )
    assert bad.status_code == 422
    assert "price_0" in bad.text.replace(" ", "_") or "amount" in bad.text
    assert not await query("SELECT 1 FROM pricing_profiles WHERE name = 'Bad'")
    edited = created.headers["location"].split("?")[0]
    mistyped = await admin.post(edited, data={**body, "price_0": "abc"})
    assert mistyped.status_code == 422
    assert f'action="{edited}"' in mistyped.text  # still this price list's form


async def test_a_gallery_is_created_with_media_and_a_whole_price(
    admin: httpx.AsyncClient, client: httpx.AsyncClient, add_media: AddMedia, outbox: Outbox
) -> None:
    photos = [await add_media(f"Page pick {i}") for i in range(3)]
    page = await admin.get("/admin/galleries/new")
    assert page.status_code == 200
    csrf = csrf_of(page.text)
    title = f"Form gallery {uuid.uuid4().hex[:6]}"
    data: dict[str, Any] = {
        "csrf": csrf,
        "title": title,
        "visibility": "public",
        "whole_gallery_price": "150.00",
        "media_id": [str(photos[2]), str(photos[0])],
        f"pos_{photos[2]}": "1",
        f"pos_{photos[0]}": "2",
    }
    created = await admin.post("/admin/galleries/new", data=data)
    assert created.status_code == 303, created.text
    gallery_id = uuid.UUID(created.headers["location"].split("/")[3].split("?")[0])
    snapshot = (await outbox("catalog.gallery_offered", about=gallery_id))[-1]
    assert snapshot["whole_gallery_price"] == 15000
    assert [m["media_id"] for m in snapshot["members"]] == [str(photos[2]), str(photos[0])]
    edit = await admin.get(f"/admin/galleries/{gallery_id}")
    assert title in edit.text
    assert "150.00" in edit.text
    assert f'<option value="{photos[2]}">Page pick 2</option>' in edit.text  # cover choices
    covered = await admin.post(
        f"/admin/galleries/{gallery_id}", data={**data, "cover_media_id": str(photos[0])}
    )
    assert covered.status_code == 303
    read = await client.get(f"/api/admin/galleries/{gallery_id}")
    assert read.json()["cover_media_id"] == str(photos[0])
    refused = await admin.post(
        f"/admin/galleries/{gallery_id}", data={**data, "visibility": "private"}
    )
    assert refused.status_code == 422
    assert "password" in refused.text
    mistyped = await admin.post(
        f"/admin/galleries/{gallery_id}", data={**data, "whole_gallery_price": "abc"}
    )
    assert mistyped.status_code == 422
    assert f'action="/admin/galleries/{gallery_id}"' in mistyped.text  # still this gallery's form
    listed = await admin.get("/admin/galleries")
    assert title in listed.text


async def test_forms_without_the_token_or_from_elsewhere_are_refused(
    admin: httpx.AsyncClient, query: Any
) -> None:
    no_token = await admin.post("/admin/galleries/new", data={"title": "Forged"})
    assert no_token.status_code == 401
    page = await admin.get("/admin/galleries/new")
    elsewhere = await admin.post(
        "/admin/galleries/new",
        data={"csrf": csrf_of(page.text), "title": "Forged"},
        headers={"Origin": "http://evil.test"},
    )
    assert elsewhere.status_code == 403
    assert not await query("SELECT 1 FROM galleries WHERE title = 'Forged'")


async def test_a_selection_is_sent_from_its_page(
    admin: httpx.AsyncClient, add_media: AddMedia, outbox: Outbox
) -> None:
    photo = await add_media("Selected by form")
    page = await admin.get("/admin/selections")
    assert page.status_code == 200
    assert "Selected by form" in page.text
    sent = await admin.post(
        "/admin/selections",
        data={
            "csrf": csrf_of(page.text),
            "title": "Form pick",
            "client_email": "zoe@example.com",
            "media_id": [str(photo)],
        },
    )
    assert sent.status_code == 303, sent.text
    shown = await admin.get(sent.headers["location"])
    assert "Selection sent" in shown.text
    events = [e for e in await outbox("catalog.selection_sent") if e["title"] == "Form pick"]
    assert events[-1]["client_email"] == "zoe@example.com"
    assert events[-1]["url"] in shown.text


async def test_a_media_gets_its_own_price_lists_from_its_page(
    admin: httpx.AsyncClient, client: httpx.AsyncClient, add_media: AddMedia, outbox: Outbox
) -> None:
    photo = await add_media("Own prices")
    profile = await client.post(
        "/api/admin/pricing-profiles",
        json={"name": "Solo", "rows": [{"name": "Full", "price": 4200}]},
    )
    page = await admin.get(f"/admin/media/{photo}/price-lists")
    assert page.status_code == 200
    assert "Not for sale" in page.text
    saved = await admin.post(
        f"/admin/media/{photo}/price-lists",
        data={"csrf": csrf_of(page.text), "profile_id": [profile.json()["id"]]},
    )
    assert saved.status_code == 303
    shown = await admin.get(saved.headers["location"])
    assert "42.00 EUR" in shown.text
    offers = (await outbox("catalog.media_offered", about=photo))[-1]["offers"]
    assert [o["name"] for o in offers] == ["Full"]
