"""The CSV exports (issue 14, item 3), read back with `csv`: orders placed with a coupon, tax,
quantity tiers, a rights-managed usage, information fields and three photographers (the
media's credit line until the agency exists), hostile names, notes and credits that a
spreadsheet would run; filters by range, status and paid; the header alone for an empty
range; 422 for `from` after `to`; the admin session's download behind the page's form."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from shop_contracts.events import MediaOffered
from shop_orders.bootstrap import OrdersRoot
from shop_orders.db.export_queries import SqlExportSource
from shop_orders.db.tables import orders
from shop_orders.service.exports import LINE_COLUMNS, ORDER_COLUMNS, ExportFilter, export_csv

from .after_sale import offline_chosen
from .helpers import deliver, handle, pay
from .pricing import (
    RM_PROFILE,
    body,
    coupon,
    empty_pricing_tables,
    rights_managed,
    royalty_free,
    tax,
)
from .read_model import NOW
from .test_pages import login

__all__ = ["empty_pricing_tables"]

EXPORT = "/api/admin/orders/export.csv"
HOSTILE_CREDIT = "=cmd|' /C calc'!A0"
CREDITS = ["Ana Berg", "Leo Marin", HOSTILE_CREDIT]
TITLES = ['Lake, "North"', "Ridge", "Dune"]
PRICES = [4000, 6000, 5000]


class Shelf:
    def __init__(self) -> None:
        self.photos = [uuid.uuid4() for _ in CREDITS]
        self.rows = [uuid.uuid4() for _ in CREDITS]

    def snapshots(self) -> list[MediaOffered]:
        return [
            MediaOffered(
                media_id=photo,
                revision=1,
                title=TITLES[i],
                kind="image",
                media_key=f"demo/export-{i}.jpg",
                width=4000,
                height=3000,
                credit=CREDITS[i],
                offers=[royalty_free(self.rows[i], PRICES[i]), rights_managed()],
                created_at=NOW,
                updated_at=NOW,
            )
            for i, photo in enumerate(self.photos)
        ]

    def rf(self, i: int) -> dict[str, str]:
        return {"media_id": str(self.photos[i]), "license_id": str(self.rows[i])}

    def rm(self, i: int, **options: str) -> dict[str, Any]:
        return {"media_id": str(self.photos[i]), "profile_id": str(RM_PROFILE), "options": options}


@pytest.fixture
async def shelf(service: OrdersRoot) -> Shelf:
    offered = Shelf()
    for snapshot in offered.snapshots():
        await handle(service, snapshot.envelope(correlation_id=snapshot.media_id))
    return offered


def records(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text, newline="")))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def major(minor: int) -> str:
    return str(Decimal(minor).scaleb(-2))


async def place(client: httpx.AsyncClient, payload: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/api/orders", json=payload)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
async def placed(
    client: httpx.AsyncClient, admin_headers: dict[str, str], shelf: Shelf, service: OrdersRoot
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Order A: two tiered RF lines and an RM line, coupon, 20 % tax, an information field,
    paid and delivered; order B: one line, unpaid. Names and notes a spreadsheet would run."""
    await tax(client, admin_headers, [{"country": "FR", "rate": "20.0"}])
    await coupon(client, admin_headers, code="SAVE10", percent_off=10)
    fields = [{"name": "project", "label": "Project", "kind": "text"}]
    saved = await client.put("/api/admin/order-fields", json=fields, headers=admin_headers)
    assert saved.status_code == 200, saved.text
    a = body(
        [shelf.rf(0), shelf.rf(1), shelf.rm(2, Usage="Print", Size="A3")],
        coupon="SAVE10",
        note='+SUM(1,2)\n"quoted", line two',
        fields={"project": "-dash, project"},
    )
    a["client"]["name"] = '=HYPERLINK("http://evil.example","click")'
    first = await place(client, a)
    b = body([shelf.rf(2)], note="-2+3 was the deal", email="mallory@example.com")
    b["client"]["name"] = "@Mallory"
    second = await place(client, b)
    order_id = uuid.UUID(first["id"])
    assert await pay(service, order_id, method="card")
    assert await deliver(service, order_id)
    return first, second


async def test_one_row_per_order_reads_back_with_every_figure(
    client: httpx.AsyncClient, admin_headers: dict[str, str], placed: tuple[dict[str, Any], ...]
) -> None:
    first, second = placed
    assert first["discount"] > 0
    assert first["tax"] > 0
    response = await client.get(EXPORT, params={"shape": "orders"}, headers=admin_headers)
    assert response.text.split("\r\n")[0] == ",".join([*ORDER_COLUMNS, "fields.project"])
    assert response.text.endswith("\r\n")
    assert "attachment" in response.headers["content-disposition"]
    a, b = records(response)
    assert (a["number"], b["number"]) == (first["number"], second["number"])
    for row, order in ((a, first), (b, second)):
        figures = [row[k] for k in ("subtotal", "discount", "tax", "total")]
        expected = [order[k] for k in ("subtotal", "discount", "tax", "total")]
        assert figures == [major(v) for v in expected]
        assert row["currency"] == "EUR"
        assert row["client_country"] == "FR"
    assert a["coupon"] == "SAVE10"
    assert b["coupon"] == ""
    assert a["client_name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert a["note"] == '\'+SUM(1,2)\n"quoted", line two'
    assert a["fields.project"] == "'-dash, project"
    assert b["fields.project"] == ""
    assert b["client_name"] == "'@Mallory"
    assert b["note"] == "'-2+3 was the deal"
    assert (a["status"], a["payment_method"], b["status"]) == (
        "delivered",
        "card",
        "awaiting_payment",
    )
    placed_at = datetime.strptime(a["placed_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs((placed_at - datetime.now(UTC)).total_seconds()) < 120
    assert a["paid_at"].endswith("Z")
    assert a["delivered_at"].endswith("Z")
    assert a["paid_at"] >= a["placed_at"]
    assert (b["paid_at"], b["delivered_at"], b["payment_method"]) == ("", "", "")


async def test_one_row_per_line_with_each_photographer(
    client: httpx.AsyncClient, admin_headers: dict[str, str], placed: tuple[dict[str, Any], ...]
) -> None:
    first, second = placed
    response = await client.get(EXPORT, params={"shape": "lines"}, headers=admin_headers)
    assert response.text.split("\r\n")[0] == ",".join(LINE_COLUMNS)
    rows = records(response)
    assert [r["order_number"] for r in rows] == [first["number"]] * 3 + [second["number"]]
    hostile = "'" + HOSTILE_CREDIT  # neutralised
    assert [r["photographer"] for r in rows] == ["Ana Berg", "Leo Marin", hostile, hostile]
    assert [r["media"] for r in rows] == [*TITLES, "Dune"]
    assert rows[2]["usage"] == "Usage: Print; Size: A3"
    assert rows[0]["usage"] == ""
    assert rows[2]["license"] == "Editorial RM"
    # the lines add up to the order: prices to its subtotal, their discounts to its discount
    a_lines = rows[:3]
    assert sum(Decimal(r["price"]) for r in a_lines) == Decimal(major(first["subtotal"]))
    assert sum(Decimal(r["discount"]) for r in a_lines) == Decimal(major(first["discount"]))
    assert all(Decimal(r["discount"]) > 0 for r in a_lines)
    assert [r["delivery"] for r in rows] == ["delivered"] * 3 + ["pending"]
    assert {r["currency"] for r in rows} == {"EUR"}


async def test_filters_the_range_status_and_paid_flag(
    client: httpx.AsyncClient, admin_headers: dict[str, str], placed: tuple[dict[str, Any], ...]
) -> None:
    first, second = placed
    today = datetime.now(UTC).date().isoformat()

    async def numbers(**params: str) -> list[str]:
        found = await client.get(EXPORT, params=params, headers=admin_headers)
        return [row["number"] for row in records(found)]

    assert await numbers(**{"from": today, "to": today}) == [first["number"], second["number"]]
    assert await numbers(status="delivered") == [first["number"]]
    assert await numbers(paid="true") == [first["number"]]
    assert await numbers(paid="false", status="") == [second["number"]]
    assert await numbers(**{"from": today}) == [first["number"], second["number"]]


async def test_an_empty_range_gives_the_header_only(
    client: httpx.AsyncClient, admin_headers: dict[str, str], placed: tuple[dict[str, Any], ...]
) -> None:
    for shape, columns in (("orders", ORDER_COLUMNS), ("lines", LINE_COLUMNS)):
        params = {"from": "2020-01-01", "to": "2020-01-31", "shape": shape}
        response = await client.get(EXPORT, params=params, headers=admin_headers)
        assert response.status_code == 200
        assert response.text == ",".join(columns) + "\r\n"


async def test_from_after_to_and_nonsense_are_422_naming_them(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    refused = await client.get(
        EXPORT, params={"from": "2026-12-02", "to": "2026-12-01"}, headers=admin_headers
    )
    assert refused.status_code == 422
    [problem] = refused.json()["fields"]
    assert problem["field"] == "from"
    assert "2026-12-01" in problem["message"]
    for name, value in (("to", "yesterday"), ("shape", "rows"), ("status", "lost"), ("paid", "x")):
        wrong = await client.get(EXPORT, params={name: value}, headers=admin_headers)
        assert wrong.status_code == 422, (name, wrong.text)
        assert wrong.json()["fields"][0]["field"] == name


async def test_the_export_is_for_the_admin_only(
    client: httpx.AsyncClient, placed: tuple[dict[str, Any], ...]
) -> None:
    assert (await client.get(EXPORT)).status_code == 401
    wrong = {"Authorization": "Bearer wrong"}
    assert (await client.get(EXPORT, headers=wrong)).status_code == 401
    page = await client.get("/admin/orders/export.csv")
    assert page.status_code == 303
    assert page.headers["location"] == "/admin/login"


async def test_the_orders_page_exports_under_the_admin_session(
    client: httpx.AsyncClient, placed: tuple[dict[str, Any], ...]
) -> None:
    first, _second = placed
    await login(client)
    html = (await client.get("/admin")).text
    assert 'action="/admin/orders/export.csv"' in html
    for name in ('name="from"', 'name="to"', 'name="shape"', 'name="status"', 'name="paid"'):
        assert name in html
    # what the form sends: every field, the empty ones empty
    form = {"from": "", "to": "", "shape": "lines", "status": "", "paid": "true"}
    rows = records(await client.get("/admin/orders/export.csv", params=form))
    assert {r["order_number"] for r in rows} == {first["number"]}
    refused = await client.get(
        "/admin/orders/export.csv", params={**form, "from": "2026-12-09", "to": "2026-12-08"}
    )
    assert refused.status_code == 422


async def test_rows_stream_through_a_cursor_in_chunks(
    client: httpx.AsyncClient, service: OrdersRoot, shelf: Shelf
) -> None:
    placed = [
        await place(client, body([shelf.rf(i % 3)], email=f"c{i}@example.com")) for i in range(7)
    ]
    source = SqlExportSource(service.engine, fetch_rows=2)
    today = datetime.now(UTC).date()
    chosen = ExportFilter(start=today, end=today)
    chunks = [chunk async for chunk in export_csv(source, chosen, chunk_rows=3)]
    assert len(chunks) == 1 + 3  # the header, then 3 + 3 + 1 records
    rows = list(csv.reader(io.StringIO("".join(chunks), newline="")))
    assert [row[0] for row in rows[1:]] == [order["number"] for order in placed]


async def test_no_row_cap(
    client: httpx.AsyncClient, admin_headers: dict[str, str], service: OrdersRoot
) -> None:
    """More orders than the old admin list's 200 (written straight into the table: only the
    export is under test here), every one exported, in placing order."""
    now = datetime.now(UTC)
    rows = [
        {
            "id": uuid.uuid4(),
            "number": f"BULK-{n:05d}",
            "status": "awaiting_payment",
            "payment_status": "unpaid",
            "delivery_status": "pending",
            "client_name": f"Client {n}",
            "client_email": f"c{n}@example.com",
            "address_line1": "1 Rue X",
            "address_city": "Paris",
            "address_postal_code": "75001",
            "address_country": "FR",
            "total": 1000 + n,
            "currency": "EUR",
            "manual_validation": False,
            "created_at": now - timedelta(seconds=1000 - n),
            "updated_at": now,
        }
        for n in range(750)
    ]
    async with service.engine.begin() as conn:
        await conn.execute(orders.insert(), rows)
    response = await client.get(EXPORT, headers=admin_headers)
    found = records(response)
    assert [r["number"] for r in found] == [r["number"] for r in rows]
    assert found[-1]["total"] == "17.49"


async def test_openapi_documents_the_export(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    export = spec["paths"][EXPORT]["get"]
    assert {"200", "401", "422"} <= set(export["responses"])
    assert "text/csv" in export["responses"]["200"]["content"]
    assert {p["name"] for p in export["parameters"]} == {
        "from",
        "to",
        "shape",
        "status",
        "paid",
        "photographer",
    }
    assert "/admin/orders/export.csv" not in spec["paths"]  # the page's route is not the API


async def test_an_offline_payment_names_the_method_chosen(
    client: httpx.AsyncClient, admin_headers: dict[str, str], service: OrdersRoot, shelf: Shelf
) -> None:
    order = await place(client, body([shelf.rf(0)]))
    order_id = uuid.UUID(order["id"])
    assert await handle(service, offline_chosen(order_id, "Cheque, to the studio"))
    assert await pay(service, order_id, method="offline")
    [row] = records(await client.get(EXPORT, headers=admin_headers))
    assert row["payment_method"] == "offline (Cheque, to the studio)"
