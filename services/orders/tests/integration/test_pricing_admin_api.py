"""The pricing settings' admin API (issue 12): coupons, tax, order information fields, the
shop's currency. Bearer auth, validations naming the field, conflicts."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

import httpx
import pytest
from sqlalchemy import insert, text

from shop_orders.bootstrap import OrdersRoot
from shop_orders.db.settings_repository import SqlSettingsRepository
from shop_orders.db.tables import orders

from .helpers import outbox_rows

PRICING_TABLES = ("coupon_uses", "coupons", "tax_rates", "tax_settings", "order_fields")


@pytest.fixture(autouse=True)
async def empty_pricing_tables(service: OrdersRoot) -> None:
    async with service.engine.begin() as conn:
        for table in PRICING_TABLES:
            await conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
async def admin(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    client.headers.update(admin_headers)
    yield client
    client.headers.pop("Authorization", None)


def field_of(response: httpx.Response) -> str:
    assert response.status_code == 422, response.text
    return str(response.json()["fields"][0]["field"])


# -- auth ---------------------------------------------------------------------------------------

SOME_ID = uuid.uuid4()
WRITABLE = (
    "code",
    "kind",
    "value",
    "amount_off",
    "percent_off",
    "minimum_order",
    "profile_ids",
    "starts_at",
    "ends_at",
    "max_uses",
    "once_per_client",
    "active",
)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/admin/coupons"),
        ("POST", "/api/admin/coupons"),
        ("GET", f"/api/admin/coupons/{SOME_ID}"),
        ("PUT", f"/api/admin/coupons/{SOME_ID}"),
        ("DELETE", f"/api/admin/coupons/{SOME_ID}"),
        ("GET", "/api/admin/tax"),
        ("PUT", "/api/admin/tax"),
        ("GET", "/api/admin/order-fields"),
        ("PUT", "/api/admin/order-fields"),
    ],
)
@pytest.mark.parametrize("auth", [None, "Bearer wrong-token"])
async def test_pricing_admin_calls_need_the_token(
    client: httpx.AsyncClient, method: str, path: str, auth: str | None
) -> None:
    headers = {"Authorization": auth} if auth else {}
    response = await client.request(method, path, headers=headers, json={})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


# -- coupons ------------------------------------------------------------------------------------


async def test_create_list_get_update_delete_a_coupon(admin: httpx.AsyncClient) -> None:
    created = await admin.post(
        "/api/admin/coupons",
        json={
            "code": " spring10 ",
            "percent_off": 10,
            "minimum_order": 5000,
            "starts_at": "2026-03-01T00:00:00Z",
            "ends_at": "2026-06-01T00:00:00+02:00",
            "max_uses": 100,
            "once_per_client": True,
        },
    )
    assert created.status_code == 201, created.text
    coupon = created.json()
    assert coupon["code"] == "SPRING10"
    assert (coupon["kind"], coupon["value"], coupon["percent_off"]) == ("percent", 10, 10)
    assert coupon["amount_off"] is None
    assert (coupon["uses"], coupon["code_frozen"], coupon["active"]) == (0, False, True)
    assert [c["id"] for c in (await admin.get("/api/admin/coupons")).json()] == [coupon["id"]]
    assert (await admin.get(f"/api/admin/coupons/{coupon['id']}")).json() == coupon
    writable = {k: v for k, v in coupon.items() if k in WRITABLE}
    put_back = await admin.put(f"/api/admin/coupons/{coupon['id']}", json=writable)
    assert put_back.status_code == 200, put_back.text
    assert put_back.json()["percent_off"] == 10

    profile = str(uuid.uuid4())
    updated = await admin.put(
        f"/api/admin/coupons/{coupon['id']}",
        json={"code": "SPRING15", "kind": "amount", "value": 1500, "profile_ids": [profile]},
    )
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert (body["code"], body["amount_off"], body["percent_off"]) == ("SPRING15", 1500, None)
    assert body["profile_ids"] == [profile]
    assert body["starts_at"] is None  # PUT replaces the terms
    assert body["once_per_client"] is False

    assert (await admin.delete(f"/api/admin/coupons/{coupon['id']}")).status_code == 204
    assert (await admin.get(f"/api/admin/coupons/{coupon['id']}")).status_code == 404
    assert (await admin.delete(f"/api/admin/coupons/{coupon['id']}")).status_code == 404
    missing = await admin.put(
        f"/api/admin/coupons/{uuid.uuid4()}", json={"code": "X", "percent_off": 5}
    )
    assert missing.status_code == 404


async def test_a_code_is_unique_whatever_its_case(admin: httpx.AsyncClient) -> None:
    first = await admin.post("/api/admin/coupons", json={"code": "WELCOME", "amount_off": 500})
    other = await admin.post("/api/admin/coupons", json={"code": "OTHER", "amount_off": 500})
    again = await admin.post("/api/admin/coupons", json={"code": "welcome", "percent_off": 5})
    assert again.status_code == 409
    assert again.json()["error"] == "conflict"
    assert "WELCOME" in again.json()["detail"]
    renamed = await admin.put(
        f"/api/admin/coupons/{other.json()['id']}", json={"code": "Welcome", "amount_off": 500}
    )
    assert renamed.status_code == 409
    assert first.status_code == 201
    assert len((await admin.get("/api/admin/coupons")).json()) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "SPRING-10", "percent_off": 10}, "code"),
        ({"code": "ÉTÉ", "percent_off": 10}, "code"),
        ({"code": "   ", "percent_off": 10}, "code"),
        ({"code": "A" * 65, "percent_off": 10}, "code"),
        ({"code": "X", "percent_off": 0}, "percent_off"),
        ({"code": "X", "percent_off": 101}, "percent_off"),
        ({"code": "X", "kind": "percent", "value": 150}, "percent_off"),
        ({"code": "X", "amount_off": 0}, "amount_off"),
        ({"code": "X", "amount_off": 10**12 + 1}, "amount_off"),
        ({"code": "X", "amount_off": 100, "percent_off": 10}, "amount_off"),
        ({"code": "X"}, "amount_off"),
        ({"code": "X", "kind": "amount"}, "value"),
        ({"code": "X", "kind": "amount", "value": 5, "percent_off": 5}, "kind"),
        ({"code": "X", "kind": "amount", "value": 5, "amount_off": 6}, "kind"),
        ({"code": "X", "percent_off": 10.5}, "percent_off"),
        ({"code": "X", "percent_off": "10"}, "percent_off"),
        ({"code": "X", "percent_off": 10, "minimum_order": -1}, "minimum_order"),
        ({"code": "X", "percent_off": 10, "max_uses": 0}, "max_uses"),
        ({"code": "X", "percent_off": 10, "profile_ids": ["nope"]}, "profile_ids.0"),
        (
            {
                "code": "X",
                "percent_off": 10,
                "starts_at": "2026-06-01T00:00:00Z",
                "ends_at": "2026-06-01T00:00:00Z",
            },
            "ends_at",
        ),
        ({"code": "X", "percent_off": 10, "ends_at": "2026-06-01T00:00:00"}, "ends_at"),
        ({"code": "X", "percent_off": 10, "starts_at": "0001-01-01T00:00:00+05:00"}, "starts_at"),
        ({"code": "X", "percent_off": 10, "ends_at": "9999-12-31T23:59:59-05:00"}, "ends_at"),
        ({"code": "X", "percent_off": 10, "once_per_client": "yes"}, "once_per_client"),
        ({"code": "X", "percent_off": 10, "surprise": 1}, "surprise"),
    ],
)
async def test_coupon_validations_name_the_field(
    admin: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    assert field_of(await admin.post("/api/admin/coupons", json=body)) == field
    assert (await admin.get("/api/admin/coupons")).json() == []


async def take_use(service: OrdersRoot, coupon_id: str) -> uuid.UUID:
    order_id = uuid.uuid4()
    async with service.transaction() as repos:
        refusal = await repos.coupons.take_use(
            uuid.UUID(coupon_id), order_id, "ada@example.com", False
        )
    assert refusal is None
    return order_id


async def test_a_used_coupon_keeps_its_code_and_is_not_deleted(
    admin: httpx.AsyncClient, service: OrdersRoot
) -> None:
    coupon = (
        await admin.post("/api/admin/coupons", json={"code": "FROZEN", "percent_off": 20})
    ).json()
    order_id = await take_use(service, coupon["id"])
    url = f"/api/admin/coupons/{coupon['id']}"
    stored = (await admin.get(url)).json()
    assert (stored["uses"], stored["code_frozen"]) == (1, True)
    assert stored["first_used_at"] is not None

    renamed = await admin.put(url, json={"code": "THAWED", "percent_off": 20})
    assert renamed.status_code == 409
    assert "frozen" in renamed.json()["detail"]
    deleted = await admin.delete(url)
    assert deleted.status_code == 409
    assert '"active": false' in deleted.json()["detail"]

    # The same code, lower case (normalized: unchanged), other terms: fine; disable it.
    disabled = await admin.put(url, json={"code": "frozen", "percent_off": 25, "active": False})
    assert disabled.status_code == 200, disabled.text
    assert (disabled.json()["active"], disabled.json()["uses"]) == (False, 1)
    async with service.transaction() as repos:
        assert await repos.coupons.get_by_code("FROZEN") is None  # disabled: unknown
        assert await repos.coupons.give_back(order_id)
    given_back = (await admin.get(url)).json()
    assert (given_back["uses"], given_back["code_frozen"]) == (0, True)
    assert (await admin.delete(url)).status_code == 409


async def test_max_uses_cannot_go_below_the_uses_taken(
    admin: httpx.AsyncClient, service: OrdersRoot
) -> None:
    coupon = (await admin.post("/api/admin/coupons", json={"code": "FEW", "percent_off": 5})).json()
    for _ in range(3):
        await take_use(service, coupon["id"])
    url = f"/api/admin/coupons/{coupon['id']}"
    refused = await admin.put(url, json={"code": "FEW", "percent_off": 5, "max_uses": 2})
    assert field_of(refused) == "max_uses"
    kept = await admin.put(url, json={"code": "FEW", "percent_off": 5, "max_uses": 3})
    assert kept.status_code == 200


# -- tax ------------------------------------------------------------------------------------------


async def test_tax_settings_round_trip(admin: httpx.AsyncClient, service: OrdersRoot) -> None:
    before = (await admin.get("/api/admin/tax")).json()
    assert before == {
        "prices_include_tax": False,
        "rates": [],
        "seller_country": None,
        "configured": False,
    }
    async with service.transaction() as repos:
        assert await repos.tax.get() is None
    body = {
        "prices_include_tax": True,
        "rates": [
            {"country": "fr", "rate": "20.0"},
            {"country": "US", "region": "ny", "rate": "8.875"},
            {"country": "DE", "region": None, "rate": 19},
            {"country": "CH", "rate": 8.1},
        ],
        "seller_country": "fr",
    }
    saved = await admin.put("/api/admin/tax", json=body)
    assert saved.status_code == 200, saved.text
    expected = {
        "prices_include_tax": True,
        "rates": [
            {"country": "FR", "region": None, "rate": "20.0"},
            {"country": "US", "region": "NY", "rate": "8.875"},
            {"country": "DE", "region": None, "rate": "19.0"},
            {"country": "CH", "region": None, "rate": "8.1"},
        ],
        "seller_country": "FR",
        "configured": True,
    }
    assert saved.json() == expected
    assert (await admin.get("/api/admin/tax")).json() == expected
    async with service.transaction() as repos:
        settings = await repos.tax.get()
    assert settings is not None
    assert settings.home_country == "FR"
    assert settings.prices_include_tax
    assert settings.rate_for("US", "ny") == Fraction(8875, 1000)
    assert settings.rate_for("FR") == 20
    # What GET answers may be put back as is.
    again = await admin.put("/api/admin/tax", json=saved.json())
    assert again.json() == expected
    # Replaced as a whole.
    emptied = await admin.put("/api/admin/tax", json={"rates": []})
    assert emptied.json()["rates"] == []
    assert emptied.json()["configured"] is True


@pytest.mark.parametrize(
    ("body", "field", "named"),
    [
        ({"rates": [{"country": "XX", "rate": "20"}]}, "rates[0].country", "XX"),
        (
            {"rates": [{"country": "FR", "rate": "20"}, {"country": "Frr", "rate": "5"}]},
            "rates[1].country",
            "Frr",
        ),
        ({"rates": [{"country": "FR", "rate": "150"}]}, "rates[0].rate", "150"),
        ({"rates": [{"country": "FR", "rate": "-1"}]}, "rates[0].rate", "-1"),
        ({"rates": [{"country": "FR", "rate": "abc"}]}, "rates[0].rate", "number"),
        ({"rates": [{"country": "FR", "rate": "NaN"}]}, "rates[0].rate", "NaN"),
        ({"rates": [{"country": "FR", "rate": "1e999"}]}, "rates[0].rate", "1e999"),
        ({"rates": [{"country": "FR", "rate": "5.00001"}]}, "rates[0].rate", "decimals"),
        (
            {"rates": [{"country": "FR", "rate": "20"}, {"country": "fr", "rate": "5"}]},
            "rates[1].country",
            "already",
        ),
        ({"rates": [], "seller_country": "ZZ"}, "seller_country", "ZZ"),
        ({"rates": [{"country": "DE", "region": "ß" * 60, "rate": "5"}]}, "rates[0].region", ""),
        ({"rates": [{"country": "DE", "region": "a\u0000", "rate": "5"}]}, "rates[0].region", ""),
        ({"rates": [{"country": "FR", "rate": True}]}, "rates.0.rate.str", ""),
    ],
)
async def test_tax_refusals_name_the_country_or_rate(
    admin: httpx.AsyncClient, body: dict[str, Any], field: str, named: str
) -> None:
    response = await admin.put("/api/admin/tax", json=body)
    got = field_of(response)
    assert got == field or got.startswith(field), response.text
    assert named in response.json()["detail"]
    assert (await admin.get("/api/admin/tax")).json()["configured"] is False


# -- order information fields -------------------------------------------------------------------


FIELDS = [
    {
        "name": "project",
        "label": "Project name",
        "kind": "text",
        "required": True,
        "max_length": 80,
    },
    {"name": "brief", "label": "How will you use it?", "kind": "long_text"},
    {
        "name": "sector",
        "label": "Sector",
        "kind": "choice",
        "choices": ["Press", "Advertising", "Education"],
    },
    {"name": "accept", "label": "I accept the usage terms", "kind": "checkbox", "required": True},
]


async def test_order_fields_round_trip(admin: httpx.AsyncClient, service: OrdersRoot) -> None:
    assert (await admin.get("/api/admin/order-fields")).json() == []
    saved = await admin.put("/api/admin/order-fields", json=FIELDS)
    assert saved.status_code == 200, saved.text
    expected = [{"required": False, "max_length": None, "choices": [], **field} for field in FIELDS]
    assert saved.json() == expected
    assert (await admin.get("/api/admin/order-fields")).json() == expected
    async with service.transaction() as repos:
        definitions = await repos.order_fields.list()
    assert [f.name for f in definitions] == ["project", "brief", "sector", "accept"]
    assert definitions[2].choices == ("Press", "Advertising", "Education")
    reordered = await admin.put("/api/admin/order-fields", json=FIELDS[::-1][:2])
    assert [f["name"] for f in reordered.json()] == ["accept", "sector"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ([{"name": "x", "label": "X", "kind": "date"}], "0.kind"),
        ([{"name": "Bad Name", "label": "X", "kind": "text"}], "0.name"),
        ([{"name": "x", "label": "X", "kind": "choice"}], "0.choices"),
        ([{"name": "x", "label": "X", "kind": "choice", "choices": ["a", "a"]}], "0.choices"),
        ([{"name": "x", "label": "X", "kind": "text", "choices": ["a"]}], "0.choices"),
        ([{"name": "x", "label": "X", "kind": "checkbox", "max_length": 5}], "0.max_length"),
        ([{"name": "x", "label": "X", "kind": "text", "max_length": 0}], "0.max_length"),
        ([{"name": "x", "label": "X", "kind": "text", "max_length": 10**6}], "0.max_length"),
        ([{"name": "x", "label": " ", "kind": "text"}], "0.label"),
        ([{"name": "x", "label": "lone \ud800", "kind": "text"}], "0.label"),
        (
            [
                {"name": "x", "label": "X", "kind": "text"},
                {"name": "x", "label": "Y", "kind": "text"},
            ],
            "1.name",
        ),
        ([{"name": "x", "label": "X", "kind": "text", "required": "yes"}], "0.required"),
    ],
)
async def test_order_field_refusals_name_the_field(
    admin: httpx.AsyncClient, fields: list[dict[str, Any]], field: str
) -> None:
    raw = json.dumps(fields)  # ASCII: a lone surrogate travels as its escape, as a client may
    sent = await admin.put(
        "/api/admin/order-fields", content=raw, headers={"Content-Type": "application/json"}
    )
    assert field_of(sent) == field
    assert (await admin.get("/api/admin/order-fields")).json() == []


# -- the shop's currency -----------------------------------------------------------------------


def order_row(status: str, payment_status: str) -> dict[str, Any]:
    order_id = uuid.uuid4()
    now = datetime.now(UTC)
    return {
        "id": order_id,
        "number": f"T-{order_id.hex[:12]}",
        "status": status,
        "payment_status": payment_status,
        "delivery_status": "pending",
        "client_name": "Ada Client",
        "client_email": "ada@example.com",
        "address_line1": "1 Rue X",
        "address_city": "Paris",
        "address_postal_code": "75001",
        "address_country": "FR",
        "total": 1000,
        "currency": "EUR",
        "manual_validation": False,
        "created_at": now,
        "updated_at": now,
    }


async def add_order(service: OrdersRoot, *, status: str, payment_status: str) -> None:
    async with service.engine.begin() as conn:
        await conn.execute(insert(orders).values(**order_row(status, payment_status)))


SETTINGS = {"manual_validation": False, "seller_email": "seller@example.com"}


async def currency_events(service: OrdersRoot) -> list[dict[str, Any]]:
    return [
        dict(row["envelope"]["payload"])
        for row in await outbox_rows(service)
        if row["message_type"] == "order.currency_changed"
    ]


async def test_the_currency_changes_when_no_order_is_unpaid(
    admin: httpx.AsyncClient, service: OrdersRoot
) -> None:
    assert (await admin.get("/api/admin/settings")).json()["currency"] == "EUR"
    await add_order(service, status="cancelled", payment_status="unpaid")
    await add_order(service, status="paid", payment_status="paid")
    changed = await admin.put("/api/admin/settings", json={**SETTINGS, "currency": "usd"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["currency"] == "USD"
    assert (await admin.get("/api/admin/settings")).json()["currency"] == "USD"
    events = await currency_events(service)
    assert [e["currency"] for e in events] == ["USD"]
    async with service.transaction() as repos:
        assert await repos.settings.currency() == "USD"
    # The same again, or left out: nothing published.
    same = await admin.put("/api/admin/settings", json={**SETTINGS, "currency": "USD"})
    assert same.status_code == 200
    left_out = await admin.put("/api/admin/settings", json=SETTINGS)
    assert left_out.json()["currency"] == "USD"
    assert len(await currency_events(service)) == 1


async def test_the_currency_change_is_refused_while_orders_are_unpaid(
    admin: httpx.AsyncClient, service: OrdersRoot
) -> None:
    await add_order(service, status="awaiting_payment", payment_status="unpaid")
    refused = await admin.put(
        "/api/admin/settings", json={**SETTINGS, "shop_name": "Renamed", "currency": "JPY"}
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == "conflict"
    assert "1 order is unpaid" in refused.json()["detail"]
    await add_order(service, status="awaiting_validation", payment_status="unpaid")
    twice = await admin.put("/api/admin/settings", json={**SETTINGS, "currency": "JPY"})
    assert "2 orders are unpaid" in twice.json()["detail"]
    after = (await admin.get("/api/admin/settings")).json()
    assert (after["currency"], after["shop_name"]) == ("EUR", "Photo license shop")  # nothing
    assert await currency_events(service) == []
    # Other settings still change while orders are unpaid.
    renamed = await admin.put("/api/admin/settings", json={**SETTINGS, "shop_name": "Renamed"})
    assert renamed.status_code == 200


@pytest.mark.parametrize("currency", ["XYZ", "EU", "€", "eur1", ""])
async def test_an_unknown_currency_is_refused(admin: httpx.AsyncClient, currency: str) -> None:
    response = await admin.put("/api/admin/settings", json={**SETTINGS, "currency": currency})
    assert field_of(response) == "currency"


async def test_a_settings_row_without_a_currency_reads_as_the_configured_one(
    admin: httpx.AsyncClient, service: OrdersRoot
) -> None:
    async with service.engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO shop_settings (id, seller_email) VALUES (1, 'me@studio.test')")
        )
    assert (await admin.get("/api/admin/settings")).json()["currency"] == "EUR"


async def test_a_currency_change_waits_for_an_order_being_placed_and_counts_it(
    admin: httpx.AsyncClient, service: OrdersRoot
) -> None:
    """Placing reads the currency FOR SHARE: the change (FOR UPDATE) waits for it to commit,
    then sees its unpaid order."""
    async with service.transaction() as repos:
        await repos.settings.get()  # the row exists
    placing_has_read = asyncio.Event()
    may_commit = asyncio.Event()

    async def place() -> None:
        async with service.sessions.begin() as session:
            settings = SqlSettingsRepository(session, default_seller_email="seller@example.com")
            assert await settings.currency(for_share=True) == "EUR"
            placing_has_read.set()
            await may_commit.wait()
            await session.execute(insert(orders).values(**order_row("awaiting_payment", "unpaid")))

    placing = asyncio.create_task(place())
    await placing_has_read.wait()
    change = asyncio.create_task(
        admin.put("/api/admin/settings", json={**SETTINGS, "currency": "USD"})
    )
    await asyncio.sleep(0.3)
    assert not change.done()  # waiting for the placing transaction
    may_commit.set()
    await placing
    refused = await change
    assert refused.status_code == 409, refused.text
    assert "1 order is unpaid" in refused.json()["detail"]
