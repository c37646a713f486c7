"""Issue 14 item 4: the admin orders list searched (number, client name or email, status,
dates, photographer = the account id of a line's photographer, the agency) and paged by
cursor, on the API (`GET /api/admin/orders`) and on the admin orders page (`/admin`)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from html import unescape
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media

from .agency import ANA, LEO, with_photographers
from .conftest import ADMIN_TOKEN
from .helpers import order_body

URL = "/api/admin/orders"
ANA_ID, LEO_ID = str(ANA.id), str(LEO.id)


@pytest.fixture
async def catalog(catalog: list[Media], service: OrdersRoot) -> list[Media]:
    """The photo is Ana Berg's, the clip Leo Marin's (the agency, issue 14)."""
    return await with_photographers(service, catalog)


def client_of(name: str, email: str) -> dict[str, Any]:
    address = {"line1": "1 Rue X", "line2": None, "city": "Paris", "postal_code": "75001"}
    return {"name": name, "email": email, "address": {**address, "country": "FR"}}


async def place(
    client: httpx.AsyncClient, catalog: list[Media], *, name: str, email: str, which: str
) -> dict[str, Any]:
    """An order of the photo (Ana Berg's), the clip (Leo Marin's) or both."""
    photo, clip = catalog
    items = {
        "photo": [photo],
        "clip": [clip],
        "both": [photo, clip],
    }[which]
    lines = [{"media_id": str(m.id), "license_id": str(m.licenses[0].id)} for m in items]
    body = order_body(catalog, client=client_of(name, email), items=lines)
    response = await client.post("/api/orders", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def set_placed(service: OrdersRoot, order_id: str, when: datetime) -> None:
    async with service.engine.begin() as conn:
        await conn.execute(
            text("UPDATE orders SET created_at = :at WHERE id = :id"),
            {"at": when, "id": uuid.UUID(order_id)},
        )


async def ids(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> list[str]:
    response = await client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [o["id"] for o in response.json()]


async def test_search_by_each_field(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    grace = await place(
        client, catalog, name="Grace Hopper", email="grace@navy.example", which="photo"
    )
    ada = await place(client, catalog, name="Ada Client", email="ada@example.com", which="clip")
    zoe = await place(client, catalog, name="Zoë 100%_off", email="zoe@example.org", which="both")
    a, b, c = grace["id"], ada["id"], zoe["id"]
    await set_placed(service, a, datetime(2026, 1, 10, 12, 0, tzinfo=UTC))
    await set_placed(service, b, datetime(2026, 1, 11, 23, 59, 59, tzinfo=UTC))
    await set_placed(service, c, datetime(2026, 1, 12, 0, 0, tzinfo=UTC))
    h = admin_headers

    assert await ids(client, h) == [c, b, a], "newest first, nothing asked: all"
    # q: the order number (whole or a part), the client's name or email, trimmed, any case
    assert await ids(client, h, q=grace["number"]) == [a]
    assert await ids(client, h, q=f"  {ada['number'][-4:]} ") == [b]
    assert await ids(client, h, q="  HOPPER ") == [a]
    assert await ids(client, h, q="ADA@EXAMPLE.COM") == [b]
    assert await ids(client, h, q="@example.") == [c, b]
    assert await ids(client, h, q="zoë") == [c]
    assert await ids(client, h, q="%") == [c], "LIKE wildcards are taken literally"
    assert await ids(client, h, q="0%_") == [c]
    assert await ids(client, h, q="nobody") == []
    assert await ids(client, h, q="   ") == [c, b, a], "blank: no filter"
    # status
    cancelled = await client.post(f"{URL}/{b}/cancel", headers=h)
    assert cancelled.status_code == 202
    assert await ids(client, h, status="cancelled") == [b]
    assert await ids(client, h, status="awaiting_payment") == [c, a]
    # dates: UTC days, both included
    assert await ids(client, h, **{"from": "2026-01-11", "to": "2026-01-11"}) == [b]
    assert await ids(client, h, **{"from": "2026-01-11"}) == [c, b]
    assert await ids(client, h, to="2026-01-11") == [b, a]
    assert await ids(client, h, **{"from": "2026-01-12", "to": "2026-12-31"}) == [c]
    assert await ids(client, h, **{"from": "0001-01-01", "to": "9999-12-31"}) == [c, b, a]
    # photographer: the account id of a line's photographer
    assert await ids(client, h, photographer=ANA_ID) == [c, a]
    assert await ids(client, h, photographer=LEO_ID) == [c, b]
    assert await ids(client, h, photographer=str(uuid.uuid4())) == []
    # together: every filter must match
    both = {"q": "example", "photographer": LEO_ID, "status": "awaiting_payment"}
    assert await ids(client, h, **both) == [c]

    backwards = await client.get(URL, params={"from": "2026-02-01", "to": "2026-01-01"}, headers=h)
    assert backwards.status_code == 422
    assert "from" in backwards.text
    assert "to" in backwards.text
    refused = (
        {"from": "01/02/2026"},
        {"status": "lost"},
        {"q": "x" * 201},
        {"q": "a\x00b"},
        {"photographer": "\x1b"},
        {"photographer": "Ana Berg"},
        {"cursor": "not-ours"},
        {"limit": "0"},
        {"limit": "201"},
    )
    for bad in refused:
        assert (await client.get(URL, params=bad, headers=h)).status_code == 422, bad


async def test_paging_through_120_orders_without_loss_or_duplicate(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    placed = [
        await place(client, catalog, name=f"Client {i}", email=f"c{i}@example.com", which="photo")
        for i in range(120)
    ]
    # many orders share a second: the cursor must tell them apart (by id)
    async with service.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE orders SET created_at = timestamptz '2026-03-01 10:00:00+00'"
                " + (abs(hashtext(id::text)) % 7) * interval '1 second'"
            )
        )
        expected = [
            str(row[0])
            for row in await conn.execute(
                text("SELECT id FROM orders ORDER BY created_at DESC, id DESC")
            )
        ]
    assert len(expected) == 120
    assert set(expected) == {o["id"] for o in placed}

    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 17}
        if cursor:
            params["cursor"] = cursor
        response = await client.get(URL, params=params, headers=admin_headers)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"orders", "next_cursor"}
        seen += [o["id"] for o in body["orders"]]
        pages += 1
        if pages == 2:  # a new order meanwhile is newest: it moves no later page
            await place(client, catalog, name="Late", email="late@example.com", which="clip")
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 8  # 7 pages of 17, one of 1
    assert seen == expected, "every order once, in order"

    # the default page is 50, a filter holds across pages
    first = (await client.get(URL, params={"limit": 50}, headers=admin_headers)).json()
    assert len(first["orders"]) == 50
    assert first["next_cursor"]
    cursor_only = {"cursor": first["next_cursor"]}
    second = (await client.get(URL, params=cursor_only, headers=admin_headers)).json()
    assert len(second["orders"]) == 50
    assert [o["id"] for o in second["orders"]] == expected[49:99], "after the late order"
    filtered: list[str] = []
    cursor = None
    while True:
        params = {"photographer": ANA_ID, "limit": 50, **({"cursor": cursor} if cursor else {})}
        body = (await client.get(URL, params=params, headers=admin_headers)).json()
        filtered += [o["id"] for o in body["orders"]]
        if (cursor := body["next_cursor"]) is None:
            break
    assert filtered == expected, "the late order (a clip) is not Ana Berg's"

    # without cursor or limit the answer is still the plain list
    plain = await client.get(URL, headers=admin_headers)
    assert isinstance(plain.json(), list)
    assert len(plain.json()) == 121
    assert "link" not in plain.headers, "everything fits in one list"


async def test_the_plain_list_links_its_next_page_past_200(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    """The old answer (a list) is no longer capped at 200 silently: a `Link` names the rest."""
    first = await place(client, catalog, name="Copy Me", email="copy@example.com", which="photo")
    async with service.engine.begin() as conn:  # 204 more, cheaply: copies without lines
        await conn.execute(
            text(
                "INSERT INTO orders SELECT (jsonb_populate_record(NULL::orders, to_jsonb(o)"
                " || jsonb_build_object('id', gen_random_uuid(), 'number', 'COPY-' || g,"
                " 'idempotency_key', 'copy-' || g,"
                " 'created_at', o.created_at - g * interval '1 minute'))).*"
                " FROM orders o, generate_series(1, 204) g WHERE o.id = :id"
            ),
            {"id": uuid.UUID(first["id"])},
        )
    listed = await client.get(URL, headers=admin_headers)
    assert len(listed.json()) == 200
    assert listed.json()[0]["id"] == first["id"]
    link = re.fullmatch(r'<([^>]+)>; rel="next"', listed.headers["link"])
    assert link is not None
    rest = await client.get(link.group(1), headers=admin_headers)
    assert rest.status_code == 200
    body = rest.json()
    assert [o["number"] for o in body["orders"]] == [f"COPY-{g}" for g in range(200, 205)]
    assert body["next_cursor"] is None
    seen = [o["id"] for o in listed.json()] + [o["id"] for o in body["orders"]]
    assert len(set(seen)) == 205
    # a filtered list keeps its filter in the link
    filtered = await client.get(URL, params={"q": "copy"}, headers=admin_headers)
    assert "q=copy" in filtered.headers["link"]


def links_of(html: str) -> dict[str, str]:
    """The page's pagination links: label -> href."""
    nav = re.search(r'<nav class="actions" aria-label="Pages of orders">(.*?)</nav>', html, re.S)
    if nav is None:
        return {}
    found = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1))
    return {label: unescape(href) for href, label in found}


def numbers_of(html: str) -> list[str]:
    return re.findall(r'<a href="/admin/orders/[0-9a-f-]+">([^<]+)</a>', html)


async def test_the_admin_page_searches_and_pages(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
) -> None:
    assert (await client.get("/admin?q=x")).status_code == 303, "the session first"
    grace = await place(
        client, catalog, name="Grace Hopper", email="grace@navy.example", which="photo"
    )
    ada = await place(client, catalog, name="Ada Client", email="ada@example.com", which="clip")
    await client.post("/admin/login", data={"token": ADMIN_TOKEN})

    home = (await client.get("/admin")).text
    for field in ('name="q"', 'name="status"', 'name="from"', 'name="to"', 'name="photographer"'):
        assert field in home, field
    assert 'role="search"' in home
    assert 'type="date"' in home
    assert links_of(home) == {}, "one page: no Next page"
    assert set(numbers_of(home)) == {grace["number"], ada["number"]}

    found = (await client.get("/admin", params={"q": " hopper "})).text
    assert numbers_of(found) == [grace["number"]]
    assert 'value="hopper"' in found or 'value=" hopper "' in found
    assert ">All orders</a>" in found
    by_leo = (await client.get("/admin", params={"photographer": LEO_ID})).text
    assert numbers_of(by_leo) == [ada["number"]]
    assert f'value="{LEO_ID}"' in by_leo
    not_an_id = (await client.get("/admin", params={"photographer": "Leo"})).text
    assert "Could not search: photographer: not an account id." in not_an_id
    today = datetime.now(UTC).date().isoformat()
    dated = (await client.get("/admin", params={"from": today, "to": today})).text
    assert set(numbers_of(dated)) == {grace["number"], ada["number"]}
    none = (await client.get("/admin", params={"to": "2020-01-01"})).text
    assert numbers_of(none) == []
    assert "No orders match this search." in none
    backwards = await client.get("/admin", params={"from": "2026-02-01", "to": "2026-01-01"})
    assert backwards.status_code == 200
    assert "Could not search: from: 2026-02-01 is after to (2026-01-01)." in backwards.text
    bad_day = (await client.get("/admin", params={"from": "yesterday"})).text
    assert "Could not search: from: not a day (YYYY-MM-DD)." in bad_day
    nul = (await client.get("/admin", params={"q": "a\x00"})).text
    assert "Could not search: q: control characters are not allowed." in nul
    bad_cursor = (await client.get("/admin", params={"cursor": "nope"})).text
    assert "Could not search: cursor: not a cursor this list gave." in bad_cursor

    # 120 orders more: three pages of 50, followed by their Next page links, filters kept
    for i in range(118):
        await place(client, catalog, name=f"Client {i}", email=f"c{i}@example.com", which="photo")
    everything = [grace["number"], ada["number"]]
    seen: list[str] = []
    url: str | None = "/admin"
    pages = 0
    while url is not None:
        html = (await client.get(url)).text
        pages += 1
        seen += numbers_of(html)
        links = links_of(html)
        if pages > 1:
            assert links["First page"] == "/admin"
        url = links.get("Next page")
    assert pages == 3
    assert len(seen) == 120
    assert len(set(seen)) == 120
    assert set(everything) <= set(seen)

    photo_only: list[str] = []
    filters = f"/admin?status=awaiting_payment&photographer={ANA_ID}"
    url = filters
    while url is not None:
        html = (await client.get(url)).text
        photo_only += numbers_of(html)
        links = links_of(html)
        if url != filters:
            assert links["First page"] == filters, "the first page of the same search"
        if "Next page" in links:
            assert links["Next page"].startswith(f"{filters}&cursor=")
        url = links.get("Next page")
    assert len(photo_only) == 119
    assert ada["number"] not in photo_only


async def test_the_search_needs_the_admin(client: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = await client.get(URL, params={"q": "a", "limit": 5}, headers=headers)
        assert response.status_code == 401
    assert (await client.get("/admin", params={"photographer": "a"})).status_code == 303
