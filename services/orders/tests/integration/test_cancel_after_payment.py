"""Cancelling a paid order (issue 13): the photographer says refund or keep. Without the
choice 422 naming after_payment; keep needs a reason and records it; refund cancels and
asks payments for everything (RefundPayment); the coupon use is given back either way."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media

from .after_sale import TOTAL, paid_order, refunded
from .helpers import handle, history_details, order_body, outbox_rows, pay
from .pricing import Shelf, body, coupon, coupon_uses, empty_pricing_tables, shelf

__all__ = ["empty_pricing_tables", "shelf"]


def url(order_id: object) -> str:
    return f"/api/admin/orders/{order_id}/cancel"


async def types(service: OrdersRoot, order_id: uuid.UUID) -> list[str]:
    return [r["message_type"] for r in await outbox_rows(service, order_id)]


async def test_a_paid_order_needs_the_choice(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    order = await paid_order(client, catalog, service)
    for sent in ({}, None, {"reason": "changed my mind"}):
        refused = await client.post(url(order["id"]), json=sent, headers=admin_headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["fields"][0]["field"] == "after_payment"
    unknown = await client.post(
        url(order["id"]), json={"after_payment": "later"}, headers=admin_headers
    )
    assert unknown.status_code == 422
    no_reason = await client.post(
        url(order["id"]), json={"after_payment": "keep", "reason": "  "}, headers=admin_headers
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["fields"][0]["field"] == "reason"
    got = await client.get(f"/api/admin/orders/{order['id']}", headers=admin_headers)
    assert got.json()["status"] == "paid", "nothing changed"
    assert await types(service, uuid.UUID(order["id"])) == ["order.placed", "order.invoice_issued"]


async def test_keep_records_the_reason(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    order = await paid_order(client, catalog, service)
    order_id = uuid.UUID(order["id"])
    choice = {"after_payment": "keep", "reason": "the shoot took place"}
    kept = await client.post(url(order_id), json=choice, headers=admin_headers)
    assert kept.status_code == 202, kept.text
    body_: dict[str, Any] = kept.json()
    assert (body_["status"], body_["payment_status"]) == ("cancelled", "paid")
    assert (body_["refund_due"], body_["refunded"]) == (False, 0)
    assert body_["history"][-1]["detail"] == "cancelled, payment kept: the shoot took place"
    assert (await types(service, order_id))[-1] == "order.cancelled"
    assert "payment.refund" not in await types(service, order_id)
    # the money kept can still be refunded later, on purpose
    later = await client.post(
        f"/api/admin/orders/{order_id}/refund", json={"amount": 1000}, headers=admin_headers
    )
    assert later.status_code == 202


async def test_refund_cancels_and_asks_for_everything(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    order = await paid_order(client, catalog, service)
    order_id = uuid.UUID(order["id"])
    choice = {"after_payment": "refund", "reason": "client asked"}
    done = await client.post(url(order_id), json=choice, headers=admin_headers)
    assert done.status_code == 202, done.text
    assert (done.json()["status"], done.json()["refundable"]) == ("cancelled", 0)
    assert done.json()["refund_due"] is False, "the refund is on its way"
    rows = await outbox_rows(service, order_id)
    assert [r["message_type"] for r in rows][-2:] == ["order.cancelled", "payment.refund"]
    command = rows[-1]["envelope"]["payload"]
    assert (command["amount"], command["reason"]) == (None, "client asked")
    assert (await history_details(service, order_id))[-2:] == [
        "cancelled: client asked",
        "Refund of 145.00 EUR requested (all that was left): client asked",
    ]
    refund_id = uuid.UUID(command["refund_id"])
    assert await handle(service, refunded(order_id, refund_id, TOTAL, full=True))
    got = (await client.get(f"/api/admin/orders/{order_id}", headers=admin_headers)).json()
    assert (got["status"], got["payment_status"], got["refunded"]) == (
        "cancelled",
        "refunded",
        TOTAL,
    )
    again = await client.post(url(order_id), json=choice, headers=admin_headers)
    assert again.status_code == 409


async def test_an_unpaid_order_ignores_the_choice(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    done = await client.post(
        url(placed["id"]), json={"after_payment": "refund"}, headers=admin_headers
    )
    assert done.status_code == 202
    assert "payment.refund" not in await types(service, uuid.UUID(placed["id"]))


async def test_the_coupon_use_is_given_back_both_ways(
    client: httpx.AsyncClient, shelf: Shelf, service: OrdersRoot, admin_headers: dict[str, str]
) -> None:
    made = await coupon(client, admin_headers, code="TWICE", amount_off=1000, max_uses=2)
    for choice in ({"after_payment": "refund"}, {"after_payment": "keep", "reason": "kept"}):
        order = (await client.post("/api/orders", json=body([shelf.rf(1)], coupon="TWICE"))).json()
        assert await pay(service, uuid.UUID(order["id"]))
        assert await coupon_uses(client, admin_headers, made["id"]) == 1
        cancelled = await client.post(url(order["id"]), json=choice, headers=admin_headers)
        assert cancelled.status_code == 202, cancelled.text
        assert await coupon_uses(client, admin_headers, made["id"]) == 0
