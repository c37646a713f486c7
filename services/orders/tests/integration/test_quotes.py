"""Quotations (issue 13): a client asks, the photographer prices and sends, the client's
link accepts (an order at the quote's prices, placed as any order: order.placed, payment
next) or declines; versions, expiry, tokens and the admin's checks."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text, update

from shop_orders.bootstrap import OrdersRoot
from shop_orders.db.quote_tables import quotes
from shop_orders.db.tables import order_lines, orders
from shop_orders.domain.catalog import Media

from .helpers import outbox_rows

ADDRESS = {
    "name": "Ada Client",
    "email": "ada@example.com",
    "line1": "1 Rue X",
    "city": "Paris",
    "postal_code": "75001",
    "country": "FR",
}
WEB_2048 = {"mode": "long_edge", "long_edge": 2048}


@pytest.fixture(autouse=True)
async def no_quotes(service: OrdersRoot) -> None:
    async with service.engine.begin() as conn:
        await conn.execute(text("DELETE FROM quote_lines"))
        await conn.execute(text("DELETE FROM quotes"))


async def ask(client: httpx.AsyncClient, catalog: list[Media]) -> uuid.UUID:
    response = await client.post(
        "/api/quotes",
        json={
            "client": {"name": "Ada Client", "email": "ada@example.com"},
            "media_ids": [str(m.id) for m in catalog],
            "message": "A print run of 5000 brochures, and a portrait session?",
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "requested"
    return uuid.UUID(response.json()["id"])


def lines(catalog: list[Media]) -> list[dict[str, Any]]:
    photo, clip = catalog
    return [
        {
            "media_id": str(photo.id),
            "title": "Alpine Lake, brochure",
            "description": "Print, 5000 copies, Europe, 1 year",
            "price": 45000,
            "delivery": "automatic",
            "format": WEB_2048,
        },
        {"media_id": str(clip.id), "title": "Ridge Drift", "price": 30000, "delivery": "offline"},
        {"media_id": None, "title": "Portrait session", "description": "2 hours", "price": 60000},
    ]


async def priced(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    quote_id: uuid.UUID,
    catalog: list[Media],
    **extra: Any,
) -> dict[str, Any]:
    response = await client.put(
        f"/api/admin/quotes/{quote_id}",
        json={"lines": lines(catalog), **extra},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def send(
    client: httpx.AsyncClient, admin_headers: dict[str, str], quote_id: uuid.UUID | str
) -> dict[str, Any]:
    response = await client.post(f"/api/admin/quotes/{quote_id}/send", headers=admin_headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def link_of(body: dict[str, Any]) -> str:
    return str(body["url"]).removeprefix("http://orders.test")


async def accept(client: httpx.AsyncClient, url: str) -> httpx.Response:
    path, _, query = url.partition("?")
    return await client.post(f"{path}/accept?{query}", data=ADDRESS)


async def messages(service: OrdersRoot, kind: str) -> list[dict[str, Any]]:
    rows = await outbox_rows(service)
    return [row["envelope"]["payload"] for row in rows if row["message_type"] == kind]


async def test_a_client_asks_for_a_quote_and_the_photographer_is_told(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    quote_id = await ask(client, catalog)
    [requested] = await messages(service, "quote.requested")
    assert requested["quote_id"] == str(quote_id)
    assert requested["items"] == ["Alpine Lake", "Ridge Drift"]
    assert requested["seller_email"] == "seller@example.com"
    assert requested["admin_url"] == f"http://orders.test/admin/quotes/{quote_id}"
    assert requested["client"] == {"name": "Ada Client", "email": "ada@example.com"}


async def test_an_unknown_media_is_refused_by_name(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    unknown = uuid.uuid4()
    response = await client.post(
        "/api/quotes",
        json={
            "client": {"name": "Ada", "email": "ada@example.com"},
            "media_ids": [str(catalog[0].id), str(unknown)],
            "message": None,
        },
    )
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "media_ids.1"
    assert str(unknown) in response.json()["detail"]
    assert await outbox_rows(service) == []


async def test_request_send_accept_places_an_order_at_the_quote_prices(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    quote_id = await ask(client, catalog)
    body = await priced(client, admin_headers, quote_id, catalog)
    assert body["total"] == 135000
    assert [line["kind"] for line in body["lines"]] == ["media", "media", "service"]
    body = await send(client, admin_headers, quote_id)
    assert body["status"] == "sent"
    [sent] = await messages(service, "quote.sent")
    assert sent["version"] == 1
    assert sent["total"] == 135000
    assert sent["url"] == body["url"]
    assert [line["title"] for line in sent["lines"]][2] == "Portrait session"

    page = await client.get(link_of(body))
    assert page.status_code == 200
    assert "Portrait session" in page.text
    assert "1,350.00 EUR" in page.text or "1350.00 EUR" in page.text

    response = await accept(client, link_of(body))
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith("http://payments.test/pay/")

    read = (await client.get(f"/api/admin/quotes/{quote_id}", headers=admin_headers)).json()
    assert read["status"] == "accepted"
    order_id = uuid.UUID(read["order_id"])
    async with service.sessions() as s:
        order = (await s.execute(select(orders).where(orders.c.id == order_id))).mappings().one()
        placed_lines = list(
            (
                await s.execute(
                    select(order_lines)
                    .where(order_lines.c.order_id == order_id)
                    .order_by(order_lines.c.position)
                )
            ).mappings()
        )
    assert order["total"] == 135000
    assert order["status"] == "awaiting_payment"
    assert order["number"] == read["order_number"]
    assert [line["price"] for line in placed_lines] == [45000, 30000, 60000]
    photo, clip = catalog
    assert placed_lines[0]["media_id"] == photo.id
    assert placed_lines[0]["media_key"] == photo.media_key
    assert placed_lines[0]["delivery"]["long_edge"] == 2048
    assert (placed_lines[0]["service"], placed_lines[0]["offline_delivery"]) == (False, False)
    assert placed_lines[1]["media_id"] == clip.id
    assert placed_lines[1]["offline_delivery"] is True
    assert placed_lines[2]["service"] is True
    assert placed_lines[2]["media_key"] == ""
    assert placed_lines[2]["license_id"] == quote_id

    [placed] = await messages(service, "order.placed")
    assert placed["total"] == 135000
    flags = [(line["service"], line["offline_delivery"]) for line in placed["lines"]]
    assert flags == [(False, False), (False, True), (True, False)]
    [answered] = await messages(service, "quote.answered")
    assert answered["accepted"] is True
    assert answered["order_id"] == str(order_id)
    assert answered["order_number"] == order["number"]

    again = await accept(client, link_of(body))
    assert again.status_code == 409
    assert "already accepted" in again.text


async def test_editing_a_sent_quote_makes_version_two_and_version_one_is_refused(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    quote_id = await ask(client, catalog)
    await priced(client, admin_headers, quote_id, catalog)
    first = await send(client, admin_headers, quote_id)
    second = await priced(client, admin_headers, quote_id, catalog)
    assert second["id"] != str(quote_id)
    assert (second["version"], second["status"], second["first_id"]) == (
        2,
        "requested",
        str(quote_id),
    )
    old = (await client.get(f"/api/admin/quotes/{quote_id}", headers=admin_headers)).json()
    assert old["status"] == "superseded"
    assert old["superseded_by"] == second["id"]
    edit_old = await client.put(
        f"/api/admin/quotes/{quote_id}", json={"lines": []}, headers=admin_headers
    )
    assert edit_old.status_code == 409

    refused = await accept(client, link_of(first))
    assert refused.status_code == 409
    assert "replaced by a newer version" in refused.text
    assert await messages(service, "order.placed") == []

    second = await send(client, admin_headers, second["id"])
    [_, sent] = await messages(service, "quote.sent")
    assert sent["version"] == 2
    assert (await accept(client, link_of(second))).status_code == 303


async def test_an_expired_quote_is_refused(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    quote_id = await ask(client, catalog)
    soon = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    await priced(client, admin_headers, quote_id, catalog, expires_at=soon)
    body = await send(client, admin_headers, quote_id)
    async with service.engine.begin() as conn:
        past = datetime.now(UTC) - timedelta(minutes=1)
        await conn.execute(update(quotes).where(quotes.c.id == quote_id).values(expires_at=past))
    read = (await client.get(f"/api/admin/quotes/{quote_id}", headers=admin_headers)).json()
    assert read["status"] == "expired"
    page = await client.get(link_of(body))
    assert "This quote has expired" in page.text
    assert 'id="quote-accept"' not in page.text
    refused = await accept(client, link_of(body))
    assert refused.status_code == 409
    assert "expired" in refused.text
    assert await messages(service, "order.placed") == []


async def test_a_declined_quote_is_answered_and_cannot_be_accepted(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    quote_id = await ask(client, catalog)
    await priced(client, admin_headers, quote_id, catalog)
    body = await send(client, admin_headers, quote_id)
    path, _, query = link_of(body).partition("?")
    declined = await client.post(f"{path}/decline?{query}")
    assert declined.status_code == 303
    assert (await client.get(declined.headers["location"])).status_code == 200
    [answered] = await messages(service, "quote.answered")
    assert answered["accepted"] is False
    assert answered["order_id"] is None
    refused = await accept(client, link_of(body))
    assert refused.status_code == 409
    assert "declined" in refused.text
    assert (await client.post(f"{path}/decline?{query}")).status_code == 409


async def test_a_wrong_or_missing_token_is_a_404(
    client: httpx.AsyncClient, catalog: list[Media], admin_headers: dict[str, str]
) -> None:
    quote_id = await ask(client, catalog)
    await priced(client, admin_headers, quote_id, catalog)
    body = await send(client, admin_headers, quote_id)
    token = body["url"].rpartition("token=")[2]
    other = uuid.uuid4()
    for url in (
        f"/quotes/{quote_id}",
        f"/quotes/{quote_id}?token=nope",
        f"/quotes/{other}?token={token}",
    ):
        assert (await client.get(url)).status_code == 404
    assert (
        await client.post(f"/quotes/{quote_id}/accept?token=nope", data=ADDRESS)
    ).status_code == 404
    assert (await client.post(f"/quotes/{quote_id}/decline?token=nope")).status_code == 404
    read = (await client.get(f"/api/admin/quotes/{quote_id}", headers=admin_headers)).json()
    assert read["status"] == "sent"


async def test_the_admin_api_wants_the_bearer_and_refuses_bad_lines(
    client: httpx.AsyncClient, catalog: list[Media], admin_headers: dict[str, str]
) -> None:
    quote_id = await ask(client, catalog)
    for method, url in (
        ("GET", "/api/admin/quotes"),
        ("POST", "/api/admin/quotes"),
        ("GET", f"/api/admin/quotes/{quote_id}"),
        ("PUT", f"/api/admin/quotes/{quote_id}"),
        ("POST", f"/api/admin/quotes/{quote_id}/send"),
    ):
        assert (await client.request(method, url, json={})).status_code == 401, url
    bad = [
        {"title": "Shoot", "price": 1, "format": WEB_2048},
        {"media_id": str(catalog[0].id), "title": "Too much", "price": 10**12 + 1},
        {"media_id": str(catalog[0].id), "title": "X", "price": 1, "delivery": "by pigeon"},
    ]
    for line in bad:
        response = await client.put(
            f"/api/admin/quotes/{quote_id}", json={"lines": [line]}, headers=admin_headers
        )
        assert response.status_code == 422, line
    unknown = {"media_id": str(uuid.uuid4()), "title": "X", "price": 1}
    response = await client.put(
        f"/api/admin/quotes/{quote_id}", json={"lines": [unknown]}, headers=admin_headers
    )
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "lines.0.media_id"
    assert (
        await client.get(f"/api/admin/quotes/{uuid.uuid4()}", headers=admin_headers)
    ).status_code == 404
    empty = await client.put(
        f"/api/admin/quotes/{quote_id}", json={"lines": []}, headers=admin_headers
    )
    assert empty.status_code == 200
    refused = await client.post(f"/api/admin/quotes/{quote_id}/send", headers=admin_headers)
    assert refused.status_code == 409
    assert "at least one line" in refused.json()["detail"]


async def test_the_photographer_makes_a_quote_for_a_client_directly(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    response = await client.post(
        "/api/admin/quotes",
        json={
            "client": {"name": "Bo Client", "email": "bo@example.com"},
            "lines": [{"title": "Wedding coverage", "price": 150000}],
        },
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["requested_by_client"], body["total"]) == (
        "requested",
        False,
        150000,
    )
    assert await messages(service, "quote.requested") == [], "nobody to tell: the admin made it"
    listed = (await client.get("/api/admin/quotes", headers=admin_headers)).json()
    assert [q["id"] for q in listed] == [body["id"]]
    sent = await send(client, admin_headers, body["id"])
    response = await accept(client, link_of(sent))
    assert response.status_code == 303
    [placed] = await messages(service, "order.placed")
    assert placed["total"] == 150000
    assert placed["lines"][0]["service"] is True
    assert re.match(r"^http://payments\.test/pay/", response.headers["location"])


async def test_the_client_api_reads_accepts_and_declines_with_the_token(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    first, second = await ask(client, catalog), await ask(client, catalog)
    tokens = {}
    for quote_id in (first, second):
        await priced(client, admin_headers, quote_id, catalog)
        tokens[quote_id] = (await send(client, admin_headers, quote_id))["url"].rpartition("=")[2]
    wrong = {"X-Quote-Token": "nope"}
    assert (await client.get(f"/api/quotes/{first}", headers=wrong)).status_code == 404
    assert (await client.get(f"/api/quotes/{first}")).status_code == 404
    read = await client.get(f"/api/quotes/{first}", headers={"X-Quote-Token": tokens[first]})
    assert read.status_code == 200
    assert (read.json()["status"], read.json()["total"]) == ("sent", 135000)
    assert "client" not in read.json()

    address = {k: ADDRESS[k] for k in ("line1", "city", "postal_code", "country")}
    body = {"client": {"name": "Ada Client", "email": "ada@example.com", "address": address}}
    url = f"/api/quotes/{first}/accept"
    assert (await client.post(url, json=body, headers=wrong)).status_code == 404
    invalid = await client.post(
        url, json={"client": {"name": "Ada"}}, headers={"X-Quote-Token": tokens[first]}
    )
    assert invalid.status_code == 422
    accepted = await client.post(url, json=body, headers={"X-Quote-Token": tokens[first]})
    assert accepted.status_code == 201, accepted.text
    done = accepted.json()
    assert (done["status"], done["total"]) == ("accepted", 135000)
    assert done["payment_url"].startswith(f"http://payments.test/pay/{done['order_id']}?token=")
    again = await client.post(url, json=body, headers={"X-Quote-Token": tokens[first]})
    assert again.status_code == 409
    assert "already accepted" in again.json()["detail"]

    declined = await client.post(
        f"/api/quotes/{second}/decline", headers={"X-Quote-Token": tokens[second]}
    )
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"
    refused = await client.post(
        f"/api/quotes/{second}/accept", json=body, headers={"X-Quote-Token": tokens[second]}
    )
    assert refused.status_code == 409
    answers = await messages(service, "quote.answered")
    assert [a["accepted"] for a in answers] == [True, False]


async def test_what_postgresql_cannot_store_is_refused_by_name(
    client: httpx.AsyncClient, catalog: list[Media], admin_headers: dict[str, str]
) -> None:
    quote_id = await ask(client, catalog)
    photo = str(catalog[0].id)
    nul_name = {"file_name_template": "a\u0000b"}
    cases = {
        "lines.0.format": {
            "lines": [{"media_id": photo, "title": "x", "price": 1, "format": nul_name}]
        },
        "lines.0.title": {"lines": [{"media_id": photo, "title": "a\u0000", "price": 1}]},
        "expires_at": {"lines": [], "expires_at": "0001-01-01T00:00:00+01:00"},
    }
    for field, body in cases.items():
        response = await client.put(
            f"/api/admin/quotes/{quote_id}", json=body, headers=admin_headers
        )
        assert response.status_code == 422, field
        assert response.json()["fields"][0]["field"] == field
    asked = await client.post(
        "/api/quotes",
        json={
            "client": {"name": "Ada", "email": "ada@example.com"},
            "media_ids": [photo],
            "message": "hello\u0000",
        },
    )
    assert asked.status_code == 422
