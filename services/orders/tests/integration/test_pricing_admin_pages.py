"""The admin's pricing pages (issue 12): coupons, tax, order information fields, and the
currency on the settings page. Each saves through the same use cases as the admin API, says a
refusal next to its field, and is the admin's only (login, CSRF, own origin)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import text

from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media

from .helpers import order_body
from .test_pages import login, note_of

PRICING_TABLES = ("coupon_uses", "coupons", "tax_rates", "tax_settings", "order_fields")
PAGES = ("/admin/coupons", "/admin/coupons/new", "/admin/tax", "/admin/order-fields")


@pytest.fixture(autouse=True)
async def empty_pricing_tables(service: OrdersRoot) -> None:
    async with service.engine.begin() as conn:
        for table in PRICING_TABLES:
            await conn.execute(text(f"DELETE FROM {table}"))


async def coupons_api(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> list[dict]:
    listed = (await client.get("/api/admin/coupons", headers=admin_headers)).json()
    return listed if isinstance(listed, list) else listed["coupons"]


def coupon_form(csrf: str, **overrides: str) -> dict[str, str]:
    form = {"csrf": csrf, "code": "summer15", "kind": "percent", "value": "15", "active": "on"}
    form.update({"max_uses": "3"})
    form.update(overrides)
    return form


async def test_pricing_pages_are_the_admins_only(client: httpx.AsyncClient) -> None:
    coupon = f"/admin/coupons/{uuid.uuid4()}"
    for path in (*PAGES, coupon):
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/admin/login"
    for path in (*PAGES[:1], *PAGES[2:], coupon, f"{coupon}/disable", f"{coupon}/delete"):
        response = await client.post(path, data={"code": "X"})
        assert response.status_code == 303, path
        assert response.headers["location"] == "/admin/login"
    csrf = await login(client)
    forged = await client.post("/admin/coupons", data=coupon_form("forged"))
    assert forged.status_code == 401, "no CSRF token, no change"
    other_site = await client.post(
        "/admin/tax", data={"csrf": csrf}, headers={"Origin": "https://evil.example"}
    )
    assert other_site.status_code == 403, "another origin, no change"


async def test_the_admin_navigation_links_the_pricing_pages(client: httpx.AsyncClient) -> None:
    await login(client)
    html = (await client.get("/admin/coupons")).text
    for href, label in (
        ("/admin/coupons", "Coupons"),
        ("/admin/tax", "Tax"),
        ("/admin/order-fields", "Order fields"),
        ("/admin/invoice-settings", "Invoice settings"),
    ):
        assert re.search(rf'href="[^"]*{href}"[^>]*>{label}</a>', html), label
    assert 'aria-current="page">Coupons</a>' in html


async def test_a_coupon_made_edited_disabled_in_the_admin(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    csrf = await login(client)
    empty = await client.get("/admin/coupons")
    assert "No coupons yet." in empty.text
    new = await client.get("/admin/coupons/new")
    assert new.status_code == 200
    for name in ("code", "kind", "value", "minimum_order", "max_uses", "starts_at", "ends_at"):
        assert f'name="{name}"' in new.text, name
    created = await client.post("/admin/coupons", data=coupon_form(csrf, minimum_order="50"))
    assert created.status_code == 303, created.text
    [coupon] = await coupons_api(client, admin_headers)
    assert coupon["code"] == "SUMMER15"
    assert (coupon.get("percent_off"), coupon.get("max_uses")) == (15, 3)
    assert coupon["minimum_order"] == 5000
    assert created.headers["location"] == f"/admin/coupons/{coupon['id']}?done=created"
    page = await client.get(created.headers["location"])
    assert "Coupon created." in page.text
    assert 'value="SUMMER15"' in page.text
    assert 'value="50.00"' in page.text
    listing = (await client.get("/admin/coupons")).text
    assert "SUMMER15" in listing
    assert "15 % off" in listing
    assert "50.00 EUR" in listing
    assert "0 of 3" in listing

    edited = await client.post(
        f"/admin/coupons/{coupon['id']}",
        data=coupon_form(
            csrf,
            code="summer15",
            kind="amount",
            value="10,50",
            starts_at="2026-12-01",
            ends_at="2026-12-31",
            once_per_client="on",
        ),
    )
    assert edited.status_code == 303, edited.text
    [coupon] = await coupons_api(client, admin_headers)
    assert coupon.get("amount_off") == 1050
    assert coupon["starts_at"].startswith("2026-12-01T00:00:00")
    assert coupon["ends_at"].startswith("2027-01-01T00:00:00"), "the last day is inclusive"
    assert coupon["once_per_client"] is True
    listing = (await client.get("/admin/coupons")).text
    assert "10.50 EUR off" in listing
    assert "From 2026-12-01 until 2026-12-31" in listing

    disabled = await client.post(f"/admin/coupons/{coupon['id']}/disable", data={"csrf": csrf})
    assert disabled.headers["location"] == "/admin/coupons?done=disabled"
    assert (await coupons_api(client, admin_headers))[0]["active"] is False
    listing = (await client.get(disabled.headers["location"])).text
    assert "Coupon disabled" in listing
    assert ">Enable<" in listing
    await client.post(f"/admin/coupons/{coupon['id']}/enable", data={"csrf": csrf})
    assert (await coupons_api(client, admin_headers))[0]["active"] is True

    deleted = await client.post(f"/admin/coupons/{coupon['id']}/delete", data={"csrf": csrf})
    assert deleted.headers["location"] == "/admin/coupons?done=deleted"
    assert await coupons_api(client, admin_headers) == []


async def test_coupon_refusals_are_said_next_to_their_field(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    csrf = await login(client)
    cases = [
        ({"value": "abc"}, "value", "whole percentage"),
        ({"kind": "amount", "value": "1.234"}, "value", "at most 2 decimals"),
        ({"value": "150"}, "value", "from 1 to 100"),
        ({"code": "no spaces!"}, "code", "letters (A to Z) and digits"),
        ({"max_uses": "-2"}, "max_uses", "whole number"),
        ({"ends_at": "someday"}, "ends_at", "a date"),
        ({"starts_at": "2026-12-10", "ends_at": "2026-12-01"}, "ends_at", "on or after"),
        ({"profile_ids": "web prices"}, "profile_ids", "not a price list id"),
    ]
    for overrides, field, sentence in cases:
        refused = await client.post("/admin/coupons", data=coupon_form(csrf, **overrides))
        assert refused.status_code == 422, (field, refused.status_code)
        assert sentence in note_of(refused.text, field), field
        assert 'aria-invalid="true"' in refused.text
        for typed in overrides.values():
            assert typed.replace("!", "") in refused.text, "what was typed is kept"
    assert await coupons_api(client, admin_headers) == []
    assert (await client.post("/admin/coupons", data=coupon_form(csrf))).status_code == 303
    taken = await client.post("/admin/coupons", data=coupon_form(csrf, code="SUMMER15"))
    assert taken.status_code == 409
    assert "Another coupon has this code" in note_of(taken.text, "code")
    assert len(await coupons_api(client, admin_headers)) == 1


async def test_a_used_coupon_keeps_its_code_and_cannot_be_deleted(
    client: httpx.AsyncClient, service: OrdersRoot, admin_headers: dict[str, str]
) -> None:
    csrf = await login(client)
    await client.post("/admin/coupons", data=coupon_form(csrf))
    [coupon] = await coupons_api(client, admin_headers)
    async with service.transaction() as repos:
        taken = await repos.coupons.take_use(
            uuid.UUID(coupon["id"]), uuid.uuid4(), "ada@example.com", False, datetime.now(UTC)
        )
    assert taken is None
    page = (await client.get(f"/admin/coupons/{coupon['id']}")).text
    assert "The code is frozen" in page
    assert "readonly" in page
    assert "Delete this coupon" not in page
    assert "1 of 3" in (await client.get("/admin/coupons")).text
    renamed = await client.post(
        f"/admin/coupons/{coupon['id']}", data=coupon_form(csrf, code="WINTER15")
    )
    assert renamed.status_code == 409
    assert "frozen" in note_of(renamed.text, "code")
    kept = await client.post(f"/admin/coupons/{coupon['id']}", data=coupon_form(csrf, value="20"))
    assert kept.status_code == 303, "other terms may still change"
    refused = await client.post(f"/admin/coupons/{coupon['id']}/delete", data={"csrf": csrf})
    assert refused.headers["location"] == "/admin/coupons?refused=delete"
    assert "disable it instead" in (await client.get(refused.headers["location"])).text
    [coupon] = await coupons_api(client, admin_headers)
    assert (coupon["code"], coupon.get("percent_off")) == ("SUMMER15", 20)
    gone = await client.get(f"/admin/coupons/{uuid.uuid4()}")
    assert gone.status_code == 404


async def test_tax_rates_in_the_admin(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    csrf = await login(client)
    page = await client.get("/admin/tax")
    assert page.status_code == 200
    assert 'name="rates-0-country"' in page.text
    assert 'name="prices_include_tax"' in page.text
    form = {
        "csrf": csrf,
        "prices_include_tax": "on",
        "seller_country": "fr",
        "rates-0-country": "fr",
        "rates-0-region": "",
        "rates-0-rate": "20",
        "rates-1-country": "CA",
        "rates-1-region": "QC",
        "rates-1-rate": "14,975",
        "rates-2-country": "DE",
        "rates-2-region": "",
        "rates-2-rate": "19",
        "rates-2-remove": "on",
        "rates-3-country": "",
        "rates-3-region": "",
        "rates-3-rate": "",
    }
    saved = await client.post("/admin/tax", data=form)
    assert saved.status_code == 303, saved.text
    tax = (await client.get("/api/admin/tax", headers=admin_headers)).json()
    assert tax["prices_include_tax"] is True
    assert tax["seller_country"] == "FR"
    rates = {(r["country"], r["region"]): float(r["rate"]) for r in tax["rates"]}
    assert rates == {("FR", None): 20.0, ("CA", "QC"): 14.975}
    shown = (await client.get(saved.headers["location"])).text
    assert "Tax settings saved." in shown
    assert 'value="14.975"' in shown
    assert 'name="rates-2-country" value=""' in shown, "an empty row to add a rate"

    for overrides, field, sentence in (
        ({"rates-0-rate": "twenty"}, "rates-0-rate", "rate from 0 to 100"),
        ({"rates-0-rate": "120"}, "rates-0-rate", "rate from 0 to 100"),
        ({"rates-1-country": "ZZ"}, "rates-1-country", "two-letter country code"),
        ({"rates-1-country": "FR", "rates-1-region": ""}, "rates-1-country", "once per region"),
        ({"seller_country": "France"}, "seller_country", "two-letter code"),
    ):
        refused = await client.post("/admin/tax", data={**form, **overrides})
        assert refused.status_code == 422, field
        assert sentence in note_of(refused.text, field), field
    assert (await client.get("/api/admin/tax", headers=admin_headers)).json() == tax


async def test_order_information_fields_in_the_admin(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    csrf = await login(client)
    page = await client.get("/admin/order-fields")
    assert page.status_code == 200
    assert 'name="fields-0-label"' in page.text
    form = {
        "csrf": csrf,
        "fields-0-label": "Project name",
        "fields-0-name": "project",
        "fields-0-kind": "text",
        "fields-0-max_length": "80",
        "fields-0-required": "on",
        "fields-0-choices": "",
        "fields-1-label": "Medium",
        "fields-1-name": "medium",
        "fields-1-kind": "choice",
        "fields-1-max_length": "",
        "fields-1-choices": "Print\r\nWeb\r\n\r\n",
        "fields-2-label": "",
        "fields-2-name": "",
        "fields-2-kind": "text",
        "fields-2-max_length": "",
        "fields-2-choices": "",
    }
    saved = await client.post("/admin/order-fields", data=form)
    assert saved.status_code == 303, saved.text
    fields = (await client.get("/api/admin/order-fields", headers=admin_headers)).json()
    fields = fields if isinstance(fields, list) else fields["fields"]
    assert [(f["name"], f["kind"], f["required"]) for f in fields] == [
        ("project", "text", True),
        ("medium", "choice", False),
    ]
    assert fields[0]["max_length"] == 80
    assert fields[1]["choices"] == ["Print", "Web"]
    shown = (await client.get(saved.headers["location"])).text
    assert "Order information fields saved." in shown
    assert 'value="Project name"' in shown
    assert "Print\nWeb</textarea>" in shown

    for overrides, field, sentence in (
        ({"fields-0-name": "Project Name"}, "fields-0-name", "lower case letters"),
        ({"fields-1-name": "project"}, "fields-1-name", "each name once"),
        ({"fields-1-choices": ""}, "fields-1-choices", "needs 1 to 50"),
        ({"fields-0-max_length": "many"}, "fields-0-max_length", "whole number"),
        ({"fields-0-label": ""}, "fields-0-label", "question"),
    ):
        refused = await client.post("/admin/order-fields", data={**form, **overrides})
        assert refused.status_code == 422, field
        assert sentence in note_of(refused.text, field), field
    removed = await client.post("/admin/order-fields", data={**form, "fields-0-remove": "on"})
    assert removed.status_code == 303
    fields = (await client.get("/api/admin/order-fields", headers=admin_headers)).json()
    fields = fields if isinstance(fields, list) else fields["fields"]
    assert [f["name"] for f in fields] == ["medium"]


async def test_the_currency_on_the_settings_page(
    client: httpx.AsyncClient, catalog: list[Media], admin_headers: dict[str, str]
) -> None:
    csrf = await login(client)
    page = await client.get("/admin/settings")
    assert "Prices are not converted: the amounts stay as entered" in page.text
    assert 'name="currency" value="EUR"' in page.text
    form = {"csrf": csrf, "seller_email": "photo@example.com"}
    unknown = await client.post("/admin/settings", data={**form, "currency": "XYZ"})
    assert unknown.status_code == 422
    assert "ISO 4217" in note_of(unknown.text, "currency")
    changed = await client.post("/admin/settings", data={**form, "currency": "usd"})
    assert changed.status_code == 303
    assert (await client.get("/api/admin/settings", headers=admin_headers)).json()[
        "currency"
    ] == "USD"
    await client.post("/admin/settings", data={**form, "currency": "EUR"})

    placed = await client.post("/api/orders", json=order_body(catalog))
    assert placed.status_code == 201, placed.text
    refused = await client.post(
        "/admin/settings",
        data={**form, "currency": "JPY", "seller_email": "new@example.com"},
    )
    assert refused.status_code == 409
    sentence = note_of(refused.text, "currency")
    assert "1 order is not paid yet" in sentence
    assert "prices are not converted" in sentence
    assert 'value="JPY"' in refused.text, "what was typed is kept"
    current = (await client.get("/api/admin/settings", headers=admin_headers)).json()
    assert (current["currency"], current["seller_email"]) == ("EUR", "photo@example.com")
    no_currency = await client.post("/admin/settings", data=form)
    assert no_currency.status_code == 303, "a form without the currency keeps it"
