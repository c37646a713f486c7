"""Refunds over a real RabbitMQ vhost (issue 13): the relay sends RefundPayment to payments'
queue; payment.refunded published by payments is consumed and applied to the order."""

from __future__ import annotations

import uuid

import httpx

from shop_contracts.routing import EVENTS_EXCHANGE
from shop_messaging.broker import make_broker, publish_envelope
from shop_messaging.runtime import MessagingRuntime
from shop_messaging.topology import declare_topology
from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media
from shop_testkit.waiting import eventually

from .after_sale import TOTAL, paid_order, refunded
from .helpers import outbox_rows
from .test_broker_wiring import amqp_url, queue_message_ids

__all__ = ["amqp_url"]


async def test_refund_asked_and_answered_over_the_broker(
    amqp_url: str,
    service: OrdersRoot,
    client: httpx.AsyncClient,
    catalog: list[Media],
    admin_headers: dict[str, str],
) -> None:
    setup = make_broker(amqp_url)
    await setup.connect()
    await declare_topology(setup)
    order = await paid_order(client, catalog, service)  # before the relay: its rows go first
    order_id = uuid.UUID(order["id"])
    runtime = MessagingRuntime("orders", amqp_url, service.engine, router=service.router)
    await runtime.start()
    try:
        asked = await client.post(
            f"/api/admin/orders/{order_id}/refund", json={"amount": None}, headers=admin_headers
        )
        assert asked.status_code == 202
        rows = await outbox_rows(service, order_id)
        [command] = [r for r in rows if r["message_type"] == "payment.refund"]

        async def published() -> bool:
            return not await outbox_rows(service)

        await eventually(published, timeout=20, what="the outbox relayed")
        assert str(command["event_id"]) in await queue_message_ids(amqp_url, "shop.payments")

        refund_id = uuid.UUID(command["envelope"]["payload"]["refund_id"])
        answer = refunded(order_id, refund_id, TOTAL, full=True)
        await publish_envelope(
            setup, answer, exchange_name=EVENTS_EXCHANGE, routing_key=answer.type
        )

        async def applied() -> bool:
            got = await client.get(f"/api/admin/orders/{order_id}", headers=admin_headers)
            return bool(got.json()["payment_status"] == "refunded")

        await eventually(applied, timeout=20, what="payment.refunded consumed")
    finally:
        await runtime.stop()
        await setup.stop()
