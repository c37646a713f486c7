"""The MessageRouter's handlers against the real database (the router's `handle`, no broker)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from faststream.exceptions import RejectMessage
from sqlalchemy import func, select, text

from shop_contracts.events import DeliveryFailed, PaymentFailed
from shop_messaging.tables import inbox
from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media

from .helpers import (
    deliver,
    delivery_completed,
    handle,
    history_details,
    order_body,
    pay,
    payment_confirmed,
)


async def place(client: httpx.AsyncClient, catalog: list[Media]) -> uuid.UUID:
    response = await client.post("/api/orders", json=order_body(catalog))
    return uuid.UUID(response.json()["id"])


async def statuses(client: httpx.AsyncClient, order_id: uuid.UUID) -> dict[str, Any]:
    from shop_platform.security import order_access_token

    from .conftest import SECRET_KEY

    token = order_access_token(SECRET_KEY, order_id)
    body = (await client.get(f"/api/orders/{order_id}", headers={"X-Order-Token": token})).json()
    return {k: body[k] for k in ("status", "payment_status", "delivery_status", "downloads_url")}


def consumer_names(service: OrdersRoot) -> list[str]:
    return service.router.message_types


def test_the_router_consumes_what_routing_subscribes_orders_to(service: OrdersRoot) -> None:
    from shop_contracts.routing import SUBSCRIPTIONS

    assert service.router.consumer == "orders"
    assert consumer_names(service) == sorted(m.TYPE for m in SUBSCRIPTIONS["orders"].messages)


async def test_paid_then_delivered(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    order_id = await place(client, catalog)
    assert await pay(service, order_id, "card")
    assert await statuses(client, order_id) == {
        "status": "paid",
        "payment_status": "paid",
        "delivery_status": "pending",
        "downloads_url": None,
    }
    assert await deliver(service, order_id)
    after = await statuses(client, order_id)
    assert after["status"] == "delivered"
    assert after["delivery_status"] == "delivered"
    assert after["downloads_url"] == f"http://delivery.test/orders/{order_id}/downloads?token=t"
    assert await history_details(service, order_id) == ["placed", "paid (card)", "delivered"]


async def test_forced_delivery_then_payment(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    order_id = await place(client, catalog)
    await deliver(service, order_id, forced=True)
    forced = await statuses(client, order_id)
    assert (forced["status"], forced["payment_status"], forced["delivery_status"]) == (
        "delivered",
        "unpaid",
        "delivered",
    )
    await pay(service, order_id, "offline")
    paid = await statuses(client, order_id)
    assert (paid["status"], paid["payment_status"]) == ("delivered", "paid")
    assert await history_details(service, order_id) == [
        "placed",
        "delivered (forced)",
        "paid (offline)",
    ]


async def test_the_same_message_twice_has_one_effect(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    order_id = await place(client, catalog)
    async with service.sessions() as s:
        before = await s.scalar(select(func.count()).select_from(inbox))  # catalog's too
    envelope = payment_confirmed(order_id)
    assert await handle(service, envelope) is True
    assert await handle(service, envelope) is False
    delivered = delivery_completed(order_id)
    assert await handle(service, delivered) is True
    assert await handle(service, delivered) is False
    assert await history_details(service, order_id) == ["placed", "paid (card)", "delivered"]
    async with service.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(inbox)) == before + 2


async def test_a_second_confirmation_of_a_paid_order_is_a_no_op(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    order_id = await place(client, catalog)
    await pay(service, order_id, "card")
    await pay(service, order_id, "offline")  # another event id: already paid
    assert await history_details(service, order_id) == ["placed", "paid (card)"]


async def test_a_payment_after_cancellation(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot, admin_headers
) -> None:
    order_id = await place(client, catalog)
    await client.post(f"/api/admin/orders/{order_id}/cancel", headers=admin_headers)
    await pay(service, order_id)
    after = await statuses(client, order_id)
    assert (after["status"], after["payment_status"]) == ("cancelled", "paid")
    assert (await history_details(service, order_id))[-1] == "paid (card) after cancellation"


async def test_failures_go_to_the_history(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    order_id = await place(client, catalog)
    for message in (
        PaymentFailed(order_id=order_id, reason="card declined"),
        DeliveryFailed(order_id=order_id, reason="original missing"),
    ):
        assert await handle(service, message.envelope(correlation_id=order_id))
    assert await history_details(service, order_id) == [
        "placed",
        "payment failed: card declined",
        "delivery failed: original missing",
    ]
    assert (await statuses(client, order_id))["status"] == "awaiting_payment"


@pytest.mark.parametrize("make", [payment_confirmed, delivery_completed])
async def test_a_message_for_an_order_never_placed_is_poison(
    service: OrdersRoot, make: Any
) -> None:
    order_id = uuid.uuid4()
    with pytest.raises(RejectMessage):  # the router dead-letters a PoisonMessageError at once
        await handle(service, make(order_id))
    async with service.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(inbox)) == 0, "rolled back"


async def test_a_fact_waiting_on_a_concurrent_change_of_the_order_applies_after_it(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    """The fact's statement (which also claims the message) locks the order's row: when another
    transaction changed the row meanwhile, the fact waits, then applies to the row as it is now
    (the chaos suite had payments dead-lettered as "never placed" here)."""
    order_id = await place(client, catalog)
    async with service.engine.connect() as other:
        await other.execute(
            text("UPDATE orders SET updated_at = now() WHERE id = :id"), {"id": order_id}
        )
        paying = asyncio.ensure_future(pay(service, order_id, "card"))
        await asyncio.sleep(0.5)
        assert not paying.done(), "the payment waits for the order's row"
        await other.commit()
    assert await paying is True
    assert (await statuses(client, order_id))["payment_status"] == "paid"
