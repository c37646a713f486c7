"""POST /api/orders, GET /api/catalog and GET /api/orders/{id} on the real database."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from shop_contracts.events import OrderPlaced
from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media
from shop_platform.security import order_access_token

from .conftest import SECRET_KEY
from .helpers import counts, history_details, order_body, outbox_rows


async def test_catalog_lists_media_with_prices(client: httpx.AsyncClient, catalog: list[Media]):
    response = await client.get("/api/catalog")
    assert response.status_code == 200
    body = response.json()
    assert body["currency"] == "EUR"
    photo = next(m for m in body["media"] if m["kind"] == "image")
    assert photo["title"] == "Alpine Lake"
    assert (photo["width"], photo["height"]) == (4000, 2667)
    assert [(lic["name"], lic["price"]) for lic in photo["licenses"]] == [
        ("Web", 2500),
        ("Full resolution", 9000),
    ]
    assert photo["licenses"][0]["delivery"] == {"mode": "long_edge", "long_edge": 1024}


async def test_placing_an_order(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    response = await client.post("/api/orders", json=order_body(catalog))
    assert response.status_code == 201, response.text
    body = response.json()
    order_id = uuid.UUID(body["id"])
    token = order_access_token(SECRET_KEY, order_id)
    assert body == {
        "id": str(order_id),
        "number": body["number"],
        "status": "awaiting_payment",
        "payment_status": "unpaid",
        "delivery_status": "pending",
        "subtotal": 2500 + 12000,
        "discount": 0,
        "tax": 0,
        "total": 2500 + 12000,
        "currency": "EUR",
        "tax_rate": None,
        "prices_include_tax": False,
        "reverse_charge": False,
        "vat_number": None,
        "coupon": None,
        "fields": {},
        "invoice_number": None,
        "items": body["items"],
        "access_token": token,
        "next": {"action": "pay", "url": f"http://payments.test/pay/{order_id}?token={token}"},
    }
    assert [(item["price"], item["discount"], item["usage"]) for item in body["items"]] == [
        (2500, 0, None),
        (12000, 0, None),
    ]
    assert body["number"].startswith("PL-20")
    assert len(body["number"]) == 14
    assert await history_details(service, order_id) == ["placed"]

    [row] = await outbox_rows(service, order_id)
    assert row["message_type"] == "order.placed"
    assert row["exchange"] == "shop.events"
    envelope = row["envelope"]
    assert envelope["correlation_id"] == str(order_id)
    event = OrderPlaced.model_validate(envelope["payload"])
    assert event.total == 14500
    assert event.currency == "EUR"
    assert event.seller_email == "seller@example.com"
    assert event.manual_validation is False
    assert event.note == "for my blog"
    assert event.client.address.country == "FR"
    assert event.payment_url == f"http://payments.test/pay/{order_id}?token={token}"
    assert event.order_url == f"http://orders.test/orders/{order_id}?token={token}"
    assert [(line.media_key, line.license_name, line.price) for line in event.lines] == [
        ("demo/alpine-lake.jpg", "Web", 2500),
        ("demo/ridge-drift.mp4", "Full clip", 12000),
    ]
    assert event.lines[0].delivery.mode == "long_edge"
    assert event.lines[0].delivery.long_edge == 1024
    assert event.lines[1].media_kind == "video"


async def test_prices_come_from_the_catalog_never_from_the_client(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    body = order_body(catalog)
    body["items"][0]["price"] = 1
    response = await client.post("/api/orders", json=body)
    assert response.status_code == 422, "a price sent by the client is refused, not used"
    assert "items.0.price" in response.json()["detail"]
    body["items"][0].pop("price")
    body["total"] = 1
    assert (await client.post("/api/orders", json=body)).status_code == 422


async def test_manual_validation_holds_the_order(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot, admin_headers
) -> None:
    put = await client.put(
        "/api/admin/settings",
        json={"manual_validation": True, "seller_email": "photo@example.com"},
        headers=admin_headers,
    )
    assert put.status_code == 200
    response = await client.post("/api/orders", json=order_body(catalog))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "awaiting_validation"
    assert body["next"] == {"action": "wait_for_seller", "url": None}
    [row] = await outbox_rows(service, uuid.UUID(body["id"]))
    assert row["envelope"]["payload"]["manual_validation"] is True
    assert row["envelope"]["payload"]["seller_email"] == "photo@example.com"


def _client_with(**address: Any) -> dict[str, Any]:
    base = {"line1": "1 Rue X", "line2": None, "city": "Paris", "postal_code": "75001"}
    return {"name": "Ada", "email": "ada@example.com", "address": {**base, **address}}


BAD_BODIES: list[tuple[str, Any, str]] = [
    # (case, how to spoil the body, the field the 422 must name)
    (
        "unknown media",
        lambda b, c: b["items"][0].update(media_id=str(uuid.uuid4())),
        "items.0.media_id",
    ),
    (
        "unknown license",
        lambda b, c: b["items"][1].update(license_id=str(uuid.uuid4())),
        "items.1.license_id",
    ),
    (
        "license of another media",
        lambda b, c: b["items"][1].update(license_id=str(c[0].licenses[1].id)),
        "items.1.license_id",
    ),
    ("empty items", lambda b, c: b.update(items=[]), "items"),
    ("duplicate item", lambda b, c: b["items"].append(dict(b["items"][0])), "items.2"),
    ("bad email", lambda b, c: b["client"].update(email="not-an-email"), "client.email"),
    ("missing city", lambda b, c: b["client"]["address"].pop("city"), "client.address.city"),
    ("empty line1", lambda b, c: b["client"]["address"].update(line1=""), "client.address.line1"),
    (
        "lower-case country",
        lambda b, c: b["client"]["address"].update(country="fr"),
        "client.address.country",
    ),
    (
        "unknown country",
        lambda b, c: b["client"]["address"].update(country="XX"),
        "client.address.country",
    ),
    ("missing client", lambda b, c: b.pop("client"), "client"),
]


@pytest.mark.parametrize(("case", "spoil", "field"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
async def test_invalid_orders_are_refused_naming_the_field_and_nothing_is_written(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    case: str,
    spoil: Any,
    field: str,
) -> None:
    body = order_body(catalog)
    body["client"]["address"]["country"] = "FR"
    spoil(body, catalog)
    before = await counts(service)
    response = await client.post("/api/orders", json=body, headers={"Idempotency-Key": case})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["error"] == "invalid_input"
    assert field in problem["detail"]
    assert any(f["field"] == field for f in problem["fields"])
    assert await counts(service) == before


async def test_the_same_idempotency_key_returns_the_same_order(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    headers = {"Idempotency-Key": "checkout-123"}
    first = await client.post("/api/orders", json=order_body(catalog), headers=headers)
    second = await client.post("/api/orders", json=order_body(catalog), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers.get("idempotent-replayed") == "true"
    other = await client.post(
        "/api/orders", json=order_body(catalog), headers={"Idempotency-Key": "x"}
    )
    assert other.json()["id"] != first.json()["id"]
    assert (await counts(service))["orders"] == 2
    assert len(await outbox_rows(service)) == 2


async def test_concurrent_requests_with_one_key_make_one_order(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    import asyncio

    headers = {"Idempotency-Key": "double-click"}
    responses = await asyncio.gather(
        *(client.post("/api/orders", json=order_body(catalog), headers=headers) for _ in range(5))
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert (await counts(service))["orders"] == 1
    assert len(await outbox_rows(service)) == 1


async def test_the_client_reads_its_order_with_its_token_only(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    url = f"/api/orders/{placed['id']}"
    ok = await client.get(url, headers={"X-Order-Token": placed["access_token"]})
    assert ok.status_code == 200
    body = ok.json()
    assert body["status"] == "awaiting_payment"
    assert [i["license_name"] for i in body["items"]] == ["Web", "Full clip"]
    assert body["downloads_url"] is None
    assert (await client.get(url)).status_code == 404
    assert (await client.get(url, headers={"X-Order-Token": "wrong"})).status_code == 404
    other = order_access_token(SECRET_KEY, uuid.uuid4())
    assert (await client.get(url, headers={"X-Order-Token": other})).status_code == 404
    unknown = uuid.uuid4()
    token = order_access_token(SECRET_KEY, unknown)
    assert (
        await client.get(f"/api/orders/{unknown}", headers={"X-Order-Token": token})
    ).status_code == 404


async def test_openapi_documents_the_errors(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert "422" in spec["paths"]["/api/orders"]["post"]["responses"]
    assert "404" in spec["paths"]["/api/orders/{order_id}"]["get"]["responses"]
    cancel = spec["paths"]["/api/admin/orders/{order_id}/cancel"]["post"]["responses"]
    assert {"202", "401", "404", "409"} <= set(cancel)


async def test_openapi_shows_the_pricing_fields(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert {"200", "404", "422"} <= set(spec["paths"]["/api/orders/quote"]["post"]["responses"])
    schemas = spec["components"]["schemas"]
    assert {"profile_id", "options"} <= set(schemas["ItemIn"]["properties"])
    assert {"coupon", "vat_number", "fields"} <= set(schemas["OrderCreate"]["properties"])
    assert "pattern" in str(schemas["AddressIn"]["properties"]["region"])
    assert "FR" in str(schemas["QuoteAddressIn"]["properties"]["country"])
    placed = schemas["OrderPlacedRead"]["properties"]
    assert {"subtotal", "discount", "tax", "tax_rate", "coupon", "fields", "items"} <= set(placed)
    assert {"price", "discount", "usage", "profile_id"} <= set(
        schemas["OrderItemRead"]["properties"]
    )
