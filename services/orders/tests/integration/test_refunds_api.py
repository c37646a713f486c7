"""Refunds through the admin API (issue 13): refusals, the command in the outbox, payments'
answers applied once per refund id, the payment statuses, refund_due, the offline choice."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from faststream.exceptions import RejectMessage

from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media
from shop_orders.service.refunds import RefundBeforePaymentError

from .after_sale import TOTAL, offline_chosen, paid_order, refund_failed, refunded
from .helpers import handle, history_details, order_body, outbox_rows, pay


def url(order_id: object) -> str:
    return f"/api/admin/orders/{order_id}/refund"


async def order_json(
    client: httpx.AsyncClient, order_id: object, headers: dict[str, str]
) -> dict[str, Any]:
    response = await client.get(f"/api/admin/orders/{order_id}", headers=headers)
    assert response.status_code == 200
    return dict(response.json())


async def refund_commands(service: OrdersRoot, order_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await outbox_rows(service, order_id)
    return [r["envelope"]["payload"] for r in rows if r["message_type"] == "payment.refund"]


async def test_a_refund_needs_the_admin_token(client: httpx.AsyncClient) -> None:
    response = await client.post(url(uuid.uuid4()), json={"amount": None})
    assert response.status_code == 401


async def test_refusals(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    unpaid = (await client.post("/api/orders", json=order_body(catalog))).json()
    nothing = await client.post(url(unpaid["id"]), json={"amount": None}, headers=admin_headers)
    assert nothing.status_code == 409
    assert "nothing is paid" in nothing.json()["detail"]

    order = await paid_order(client, catalog, service)
    for amount in (0, -100):
        bad = await client.post(url(order["id"]), json={"amount": amount}, headers=admin_headers)
        assert bad.status_code == 422
        assert "amount" in bad.text
    stranger = str(uuid.uuid4())
    line = await client.post(
        url(order["id"]), json={"amount": 100, "line_ids": [stranger]}, headers=admin_headers
    )
    assert line.status_code == 422
    assert line.json()["fields"][0]["field"] == "line_ids"
    assert stranger in line.json()["detail"]
    too_much = await client.post(
        url(order["id"]), json={"amount": TOTAL + 1}, headers=admin_headers
    )
    assert too_much.status_code == 409
    assert "exceeds what is left" in too_much.json()["detail"]
    missing = await client.post(url(uuid.uuid4()), json={"amount": 1}, headers=admin_headers)
    assert missing.status_code == 404
    assert await refund_commands(service, uuid.UUID(order["id"])) == [], "nothing was asked"


async def test_partial_refund_failure_then_refunds_applied_once(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    order = await paid_order(client, catalog, service)
    order_id = uuid.UUID(order["id"])
    line_id = order["items"][0]["id"]
    body = {"amount": 5000, "line_ids": [line_id], "reason": "one file was wrong"}
    asked = await client.post(url(order_id), json=body, headers=admin_headers)
    assert asked.status_code == 202
    assert asked.json()["refundable"] == TOTAL - 5000
    assert asked.json()["history"][-1]["detail"] == (
        "Refund of 50.00 EUR requested: one file was wrong"
    )
    [command] = await refund_commands(service, order_id)
    assert (command["amount"], command["line_ids"]) == (5000, [line_id])
    assert command["reason"] == "one file was wrong"
    first = uuid.UUID(command["refund_id"])

    # the refund on its way counts: only 95.00 is left to ask for
    over = await client.post(url(order_id), json={"amount": 10000}, headers=admin_headers)
    assert over.status_code == 409

    assert await handle(service, refund_failed(order_id, first, "card expired"))
    assert (await history_details(service, order_id))[-1] == (
        "Refund of 50.00 EUR failed: card expired"
    )
    assert (await order_json(client, order_id, admin_headers))["refundable"] == TOTAL

    again = await client.post(url(order_id), json={"amount": 5000}, headers=admin_headers)
    assert again.status_code == 202
    second = uuid.UUID((await refund_commands(service, order_id))[-1]["refund_id"])
    assert second != first, "a new refund id for each refund"
    assert await handle(service, refunded(order_id, second, 5000))
    after = await order_json(client, order_id, admin_headers)
    assert (after["payment_status"], after["refunded"]) == ("partially_refunded", 5000)
    assert after["status"] == "paid"
    assert after["history"][-1]["detail"] == "Refunded 50.00 EUR (partial refund)"
    # the same refund reported again (another event id): nothing changes
    count = len(after["history"])
    assert await handle(service, refunded(order_id, second, 5000))
    again_after = await order_json(client, order_id, admin_headers)
    assert (again_after["refunded"], len(again_after["history"])) == (5000, count)
    # a failure reported late for a refund that went through changes nothing either
    assert await handle(service, refund_failed(order_id, second, "late"))
    assert len((await order_json(client, order_id, admin_headers))["history"]) == count

    rest = await client.post(url(order_id), json={"amount": None}, headers=admin_headers)
    assert rest.status_code == 202
    assert (
        rest.json()["history"][-1]["detail"] == "Refund of 95.00 EUR requested (all that was left)"
    )
    last = (await refund_commands(service, order_id))[-1]
    assert last["amount"] is None, "payments refunds all that is still refundable"
    nothing_left = await client.post(url(order_id), json={"amount": 1}, headers=admin_headers)
    assert nothing_left.status_code == 409
    full = refunded(order_id, uuid.UUID(last["refund_id"]), 9500, total=TOTAL, full=True)
    assert await handle(service, full)
    done = await order_json(client, order_id, admin_headers)
    assert (done["payment_status"], done["refunded"], done["refundable"]) == (
        "refunded",
        TOTAL,
        0,
    )
    assert done["history"][-1]["detail"] == "Refunded 95.00 EUR (everything paid is refunded)"
    assert done["allowed_actions"] == ["force-delivery", "cancel"]


async def test_a_refund_made_in_the_processor_dashboard(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    order = await paid_order(client, catalog, service)
    order_id = uuid.UUID(order["id"])
    refund_id = uuid.uuid4()
    dashboard = refunded(order_id, refund_id, 2000, origin="processor", reason="goodwill")
    assert await handle(service, dashboard)
    assert not await handle(service, dashboard), "redelivered: the inbox skips it"
    # payments reports it again (another event id): the refund id is applied once
    assert await handle(service, refunded(order_id, refund_id, 2000, origin="processor"))
    after = await order_json(client, order_id, admin_headers)
    assert (after["payment_status"], after["refunded"]) == ("partially_refunded", 2000)
    assert after["refundable"] == TOTAL - 2000
    details = [h["detail"] for h in after["history"]]
    assert (
        details.count("Refunded 20.00 EUR in the processor's dashboard (partial refund): goodwill")
        == 1
    )


async def test_a_payment_confirmed_again_does_not_undo_a_refund(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    order = await paid_order(client, catalog, service)
    order_id = uuid.UUID(order["id"])
    assert await handle(
        service, refunded(order_id, uuid.uuid4(), TOTAL, full=True, origin="processor")
    )
    assert await pay(service, order_id)  # another event id: handled, and a no-op
    after = await order_json(client, order_id, admin_headers)
    assert (after["payment_status"], after["refunded"]) == ("refunded", TOTAL)


async def test_a_payment_after_cancellation_is_owed_back(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    order_id = uuid.UUID(placed["id"])
    cancelled = await client.post(f"/api/admin/orders/{order_id}/cancel", headers=admin_headers)
    assert cancelled.status_code == 202
    assert cancelled.json()["refund_due"] is False
    assert await pay(service, order_id)  # the card payment landed after the cancellation
    due = await order_json(client, order_id, admin_headers)
    assert (due["status"], due["payment_status"]) == ("cancelled", "paid")
    assert (due["refund_due"], due["refundable"]) == (True, TOTAL)
    asked = await client.post(url(order_id), json={"amount": None}, headers=admin_headers)
    assert asked.status_code == 202
    assert (asked.json()["refund_due"], asked.json()["refundable"]) == (False, 0)
    assert len(await refund_commands(service, order_id)) == 1


async def test_the_offline_choice_is_noted(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    order_id = uuid.UUID(placed["id"])
    assert await handle(service, offline_chosen(order_id, "Cheque"))
    assert (await history_details(service, order_id))[-1] == "Client chose Cheque (offline)"
    with pytest.raises(RejectMessage):  # an order never placed: dead-lettered
        await handle(service, offline_chosen(uuid.uuid4()))
    with pytest.raises(RejectMessage):
        await handle(service, refunded(uuid.uuid4(), uuid.uuid4(), 100))


async def test_concurrent_refunds_never_exceed_what_was_paid(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    order = await paid_order(client, catalog, service)
    asks = [
        client.post(url(order["id"]), json={"amount": 6000}, headers=admin_headers)
        for _ in range(6)
    ]
    statuses = sorted(r.status_code for r in await asyncio.gather(*asks))
    assert statuses == [202, 202, 409, 409, 409, 409], "2 x 60.00 fit in 145.00, a third not"
    assert len(await refund_commands(service, uuid.UUID(order["id"]))) == 2


async def test_a_reason_is_text(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    order = await paid_order(client, catalog, service)
    for reason in ("bad\x00byte", "x" * 1001):
        refused = await client.post(
            url(order["id"]), json={"amount": 100, "reason": reason}, headers=admin_headers
        )
        assert refused.status_code == 422
    extra = await client.post(
        url(order["id"]), json={"amount": 100, "by_hand": True}, headers=admin_headers
    )
    assert extra.status_code == 422, "unknown fields are refused"


async def test_a_refund_reported_before_the_payment_waits_for_it(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    order_id = uuid.UUID(placed["id"])
    early = refunded(order_id, uuid.uuid4(), 1000, origin="processor")
    with pytest.raises(RefundBeforePaymentError):  # retried by the broker, nothing written
        await handle(service, early)
    assert await pay(service, order_id)
    assert await handle(service, early)  # the retry, once paid
    after = await order_json(client, order_id, admin_headers)
    assert (after["status"], after["payment_status"], after["refunded"]) == (
        "paid",
        "partially_refunded",
        1000,
    )

    # a cancelled order orders never saw paid takes it as it comes (money received after
    # the cancellation, given back in the dashboard)
    other = (await client.post("/api/orders", json=order_body(catalog))).json()
    other_id = uuid.UUID(other["id"])
    await client.post(f"/api/admin/orders/{other_id}/cancel", headers=admin_headers)
    assert await handle(service, refunded(other_id, uuid.uuid4(), TOTAL, full=True))
    got = await order_json(client, other_id, admin_headers)
    assert (got["status"], got["payment_status"], got["refund_due"]) == (
        "cancelled",
        "refunded",
        False,
    )
