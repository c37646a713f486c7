"""The shop's branding (issue 10): name, contact email and phone, accent colour and logo, set
in the shop settings (API and page), answered publicly at `GET /api/shop` for the other
services' pages, and shown by every orders page."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text

from shop_orders.bootstrap import ALEMBIC_INI
from shop_platform.db import make_engine, migrate
from shop_testkit.databases import database_at
from shop_web import Branding

from .test_pages import csrf_of, login, note_of

STUDIO = {
    "manual_validation": False,
    "seller_email": "seller@example.com",
    "shop_name": "Studio Nord",
    "contact_email": "hello@studio-nord.example",
    "contact_phone": "+33 1 23 45 67 89",
    "accent_colour": "#1F4E8C",
    "logo_url": "https://studio-nord.example/logo.png",
}


async def test_the_branding_is_set_in_the_settings_and_answered_at_api_shop(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    before = (await client.get("/api/shop")).json()
    assert before == {
        "name": "Photo license shop",
        "contact_email": "seller@example.com",  # the contact email starts as the seller's
        "contact_phone": None,
        "accent_colour": None,
        "logo_url": None,
    }
    put = await client.put("/api/admin/settings", json=STUDIO, headers=admin_headers)
    assert put.status_code == 200, put.text
    assert put.json()["accent_colour"] == "#1f4e8c"
    shop = await client.get("/api/shop")  # public: no token
    assert shop.status_code == 200
    assert shop.json() == {
        "name": "Studio Nord",
        "contact_email": "hello@studio-nord.example",
        "contact_phone": "+33 1 23 45 67 89",
        "accent_colour": "#1f4e8c",
        "logo_url": "https://studio-nord.example/logo.png",
    }
    seen = Branding.of(shop.json())  # what the other services' pages make of it
    assert (seen.name, seen.accent_colour, seen.phone_link) == (
        "Studio Nord",
        "#1f4e8c",
        "tel:+33123456789",
    )
    blank = {**STUDIO, "contact_phone": " ", "accent_colour": "", "logo_url": None}
    cleared = (await client.put("/api/admin/settings", json=blank, headers=admin_headers)).json()
    assert (cleared["contact_phone"], cleared["accent_colour"], cleared["logo_url"]) == (
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("accent_colour", "#ffff00", "too light"),
        ("accent_colour", "#12345", "pattern"),
        ("contact_phone", "call me maybe", "phone number"),
        ("logo_url", "javascript:alert(1)", "image address"),
        ("shop_name", "  ", "shop_name"),
        ("contact_email", "nope", "contact_email"),
    ],
)
async def test_a_wrong_branding_value_is_refused_and_nothing_changes(
    client: httpx.AsyncClient, admin_headers: dict[str, str], field: str, value: str, reason: str
) -> None:
    before = (await client.get("/api/admin/settings", headers=admin_headers)).json()
    refused = await client.put(
        "/api/admin/settings", json={**STUDIO, field: value}, headers=admin_headers
    )
    assert refused.status_code == 422
    assert reason in refused.text
    assert (await client.get("/api/admin/settings", headers=admin_headers)).json() == before


async def test_every_orders_page_shows_the_branding(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await client.put("/api/admin/settings", json=STUDIO, headers=admin_headers)
    await login(client)
    for path in ("/cart", "/checkout", "/admin", "/admin/settings", "/no/such/page"):
        page = await client.get(path, headers={"Accept": "text/html"})
        assert "Studio Nord" in page.text, path
        assert "--accent: #1f4e8c" in page.text, path
        assert 'src="https://studio-nord.example/logo.png"' in page.text or "admin" in path
    storefront = (await client.get("/cart")).text
    assert 'href="mailto:hello@studio-nord.example"' in storefront
    assert 'href="tel:+33123456789"' in storefront


async def test_the_settings_page_sets_the_branding_with_a_sentence_next_to_a_wrong_field(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await login(client)
    page = (await client.get("/admin/settings")).text
    for name in ("shop_name", "contact_email", "contact_phone", "accent_colour", "logo_url"):
        assert f'name="{name}"' in page, name
    form = {**STUDIO, "manual_validation": "", "csrf": csrf_of(page)}
    too_light = await client.post("/admin/settings", data={**form, "accent_colour": "#f0f0f0"})
    assert too_light.status_code == 422
    assert "too light" in note_of(too_light.text, "accent_colour")
    assert 'value="#f0f0f0"' in too_light.text, "what was typed is kept"
    assert 'value="Studio Nord"' in too_light.text
    assert "Value error" not in too_light.text
    saved = await client.post("/admin/settings", data=form)
    assert saved.status_code == 303
    current = (await client.get("/api/admin/settings", headers=admin_headers)).json()
    assert current["shop_name"] == "Studio Nord"
    assert current["contact_phone"] == "+33 1 23 45 67 89"
    assert "Studio Nord" in (await client.get("/admin/settings")).text, "shown at once"


@pytest.fixture
async def database_at_0003() -> AsyncIterator[str]:
    async with database_at("shop_orders_upgrade", ALEMBIC_INI, "0003") as url:
        yield url


async def test_migration_0004_starts_the_contact_email_as_the_seller_email(
    database_at_0003: str,
) -> None:
    engine = make_engine(database_at_0003)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO shop_settings (id, seller_email) VALUES (1, 'me@studio.test')")
            )
        await asyncio.to_thread(migrate, ALEMBIC_INI, database_at_0003)
        async with engine.connect() as conn:
            row = (
                await conn.execute(text("SELECT shop_name, contact_email FROM shop_settings"))
            ).one()
        assert tuple(row) == ("Photo license shop", "me@studio.test")
    finally:
        await engine.dispose()
