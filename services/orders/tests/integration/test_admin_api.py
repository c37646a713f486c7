"""The admin API: bearer auth, listing, the four commands (202 / 409), settings."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media

from .helpers import deliver, history_details, order_body, outbox_rows, pay


async def place(client: httpx.AsyncClient, catalog: list[Media]) -> dict[str, Any]:
    response = await client.post("/api/orders", json=order_body(catalog))
    assert response.status_code == 201
    return dict(response.json())


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/admin/orders"),
        ("GET", f"/api/admin/orders/{uuid.uuid4()}"),
        ("POST", f"/api/admin/orders/{uuid.uuid4()}/cancel"),
        ("POST", f"/api/admin/orders/{uuid.uuid4()}/mark-paid"),
        ("GET", "/api/admin/settings"),
        ("PUT", "/api/admin/settings"),
    ],
)
@pytest.mark.parametrize("auth", [None, "Bearer wrong-token", "Basic dGVzdA=="])
async def test_admin_calls_need_the_token(
    client: httpx.AsyncClient, method: str, path: str, auth: str | None
) -> None:
    headers = {"Authorization": auth} if auth else {}
    response = await client.request(method, path, headers=headers, json={})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


async def test_list_is_newest_first_and_filters_by_status(
    client: httpx.AsyncClient, catalog: list[Media], admin_headers: dict[str, str]
) -> None:
    first, second, third = [await place(client, catalog) for _ in range(3)]
    await client.post(f"/api/admin/orders/{second['id']}/cancel", headers=admin_headers)
    listed = (await client.get("/api/admin/orders", headers=admin_headers)).json()
    assert [o["id"] for o in listed] == [third["id"], second["id"], first["id"]]
    assert listed[0]["client"]["email"] == "ada@example.com"
    cancelled = await client.get("/api/admin/orders?status=cancelled", headers=admin_headers)
    assert [o["id"] for o in cancelled.json()] == [second["id"]]
    bad = await client.get("/api/admin/orders?status=lost", headers=admin_headers)
    assert bad.status_code == 422


async def test_get_order_with_history(
    client: httpx.AsyncClient, catalog: list[Media], admin_headers: dict[str, str]
) -> None:
    placed = await place(client, catalog)
    response = await client.get(f"/api/admin/orders/{placed['id']}", headers=admin_headers)
    assert response.status_code == 200
    body = response.json()
    assert [h["detail"] for h in body["history"]] == ["placed"]
    assert body["allowed_actions"] == ["mark-paid", "force-delivery", "cancel"]
    missing = await client.get(f"/api/admin/orders/{uuid.uuid4()}", headers=admin_headers)
    assert missing.status_code == 404


async def test_validate(
    client: httpx.AsyncClient,
    catalog: list[Media],
    admin_headers: dict[str, str],
    service: OrdersRoot,
) -> None:
    await client.put(
        "/api/admin/settings",
        json={"manual_validation": True, "seller_email": "seller@example.com"},
        headers=admin_headers,
    )
    placed = await place(client, catalog)
    url = f"/api/admin/orders/{placed['id']}/validate"
    response = await client.post(url, headers=admin_headers)
    assert response.status_code == 202
    assert response.json()["status"] == "awaiting_payment"
    rows = await outbox_rows(service, uuid.UUID(placed["id"]))
    assert [r["message_type"] for r in rows] == ["order.placed", "order.validated"]
    payload = rows[1]["envelope"]["payload"]
    assert payload["client"] == {"name": "Ada Client", "email": "ada@example.com"}
    assert payload["total"] == 14500
    assert payload["payment_url"].startswith(f"http://payments.test/pay/{placed['id']}?token=")
    again = await client.post(url, headers=admin_headers)
    assert again.status_code == 409
    assert "awaiting validation" in again.json()["detail"]


async def test_mark_paid_is_a_request_until_payments_confirms(
    client: httpx.AsyncClient,
    catalog: list[Media],
    admin_headers: dict[str, str],
    service: OrdersRoot,
) -> None:
    placed = await place(client, catalog)
    order_id = uuid.UUID(placed["id"])
    url = f"/api/admin/orders/{order_id}/mark-paid"
    response = await client.post(url, headers=admin_headers)
    assert response.status_code == 202
    assert response.json()["status"] == "awaiting_payment"
    [_, command] = await outbox_rows(service, order_id)
    assert command["message_type"] == "payment.mark_paid"
    assert command["exchange"] == "shop.commands"
    assert command["envelope"]["payload"]["amount"] == 14500
    assert command["envelope"]["payload"]["currency"] == "EUR"
    assert (await history_details(service, order_id))[-1] == "mark paid requested"
    await pay(service, order_id, method="offline")
    again = await client.post(url, headers=admin_headers)
    assert again.status_code == 409
    assert again.json() == {"error": "conflict", "detail": "the order is already paid"}


async def test_force_delivery(
    client: httpx.AsyncClient,
    catalog: list[Media],
    admin_headers: dict[str, str],
    service: OrdersRoot,
) -> None:
    placed = await place(client, catalog)
    order_id = uuid.UUID(placed["id"])
    url = f"/api/admin/orders/{order_id}/force-delivery"
    response = await client.post(url, headers=admin_headers)
    assert response.status_code == 202
    rows = await outbox_rows(service, order_id)
    assert rows[-1]["message_type"] == "delivery.force"
    assert (await history_details(service, order_id))[-1] == "delivery forced"
    await deliver(service, order_id, forced=True)
    again = await client.post(url, headers=admin_headers)
    assert again.status_code == 409
    assert again.json()["detail"] == "the order is already delivered"


async def test_cancel_and_its_refusals(
    client: httpx.AsyncClient,
    catalog: list[Media],
    admin_headers: dict[str, str],
    service: OrdersRoot,
) -> None:
    placed = await place(client, catalog)
    order_id = uuid.UUID(placed["id"])
    url = f"/api/admin/orders/{order_id}/cancel"
    response = await client.post(url, headers=admin_headers)
    assert response.status_code == 202
    assert response.json()["status"] == "cancelled"
    rows = await outbox_rows(service, order_id)
    assert rows[-1]["message_type"] == "order.cancelled"
    assert (await client.post(url, headers=admin_headers)).json()["detail"] == (
        "the order is already cancelled"
    )
    for action in ("mark-paid", "force-delivery", "validate"):
        refused = await client.post(f"/api/admin/orders/{order_id}/{action}", headers=admin_headers)
        assert refused.status_code == 409, action

    delivered = await place(client, catalog)
    await deliver(service, uuid.UUID(delivered["id"]), forced=True)
    refused = await client.post(
        f"/api/admin/orders/{delivered['id']}/cancel", headers=admin_headers
    )
    assert refused.status_code == 409
    assert refused.json()["detail"] == "cannot cancel a delivered order"

    paid = await place(client, catalog)
    await pay(service, uuid.UUID(paid["id"]))
    refused = await client.post(f"/api/admin/orders/{paid['id']}/cancel", headers=admin_headers)
    assert refused.status_code == 422  # a paid order: refund or keep (test_refunds_api.py)
    assert refused.json()["fields"][0]["field"] == "after_payment"
    unknown = await client.post(f"/api/admin/orders/{uuid.uuid4()}/cancel", headers=admin_headers)
    assert unknown.status_code == 404


BRANDING_DEFAULTS = {
    "shop_name": "Photo license shop",
    "contact_email": "seller@example.com",  # starts as the seller email
    "contact_phone": None,
    "accent_colour": None,
    "logo_url": None,
    "currency": "EUR",  # ORDERS_CURRENCY until the photographer changes it (issue 12)
    "remind_unpaid_after_days": None,  # abandoned orders off (issue 13)
    "cancel_unpaid_after_days": None,
}


async def test_settings_round_trip_and_validation(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    got = await client.get("/api/admin/settings", headers=admin_headers)
    assert got.json() == {
        "manual_validation": False,
        "seller_email": "seller@example.com",
        "terms_text": None,
        **BRANDING_DEFAULTS,
    }
    new = {"manual_validation": True, "seller_email": "me@localhost", "terms_text": "Be nice."}
    put = await client.put("/api/admin/settings", json=new, headers=admin_headers)
    assert put.status_code == 200
    assert put.json() == {**new, **BRANDING_DEFAULTS}, "the branding is kept when left out"
    assert (await client.get("/api/admin/settings", headers=admin_headers)).json() == put.json()
    old_shape = {"manual_validation": False, "seller_email": "me@localhost"}
    kept = await client.put("/api/admin/settings", json=old_shape, headers=admin_headers)
    assert kept.status_code == 200
    assert kept.json() == {**old_shape, "terms_text": "Be nice.", **BRANDING_DEFAULTS}
    cleared = {**old_shape, "terms_text": "  "}
    put = await client.put("/api/admin/settings", json=cleared, headers=admin_headers)
    assert put.json()["terms_text"] is None
    for bad in ({"manual_validation": True, "seller_email": "nope"}, {"manual_validation": True}):
        refused = await client.put("/api/admin/settings", json=bad, headers=admin_headers)
        assert refused.status_code == 422
        assert "seller_email" in refused.json()["detail"]
