"""Force delivery before payment, a later payment, and cancellations."""

from __future__ import annotations

import asyncio


async def test_forced_delivery_then_payment_delivers_once(shop, web_item):
    client = shop.new_email("forced")
    order = await shop.client.place_order([web_item], email=client)

    response = await shop.client.admin_command(order["id"], "force-delivery")
    assert response.status_code == 202, response.text
    await shop.client.wait_for_order(
        order, status="delivered", payment_status="unpaid", delivery_status="delivered"
    )
    downloads = f"/orders/{order['id']}/downloads"
    await shop.email_to(client, containing=downloads)

    response = await shop.client.admin_command(order["id"], "mark-paid")
    assert response.status_code == 202, response.text
    await shop.client.wait_for_order(
        order, status="delivered", payment_status="paid", delivery_status="delivered"
    )
    await asyncio.sleep(3)  # time for a wrong second delivery to show up
    assert len(shop.emails_to(client, containing=downloads)) == 1


async def test_cancel_an_unpaid_order(shop, web_item):
    await shop.client.settings("payments", card_processor="sandbox")
    order = await shop.client.place_order([web_item], email=shop.new_email("cancel"))
    await shop.client.payment_page(order, until=lambda p: p.has_button("Secure payment"))

    response = await shop.client.admin_command(order["id"], "cancel")
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "cancelled"
    await shop.client.wait_for_order(order, status="cancelled")
    await shop.client.payment_page(order, until=lambda p: not p.has_button("Secure payment"))


async def test_cancel_after_delivery_is_refused_with_a_reason(shop, web_item):
    order = await shop.client.place_order([web_item], email=shop.new_email("late-cancel"))
    assert (await shop.client.admin_command(order["id"], "force-delivery")).status_code == 202
    await shop.client.wait_for_order(order, status="delivered")

    response = await shop.client.admin_command(order["id"], "cancel")
    assert response.status_code == 409
    body = response.json()
    assert body.get("detail") or body.get("error"), body
    assert (await shop.client.get_order(order))["status"] == "delivered"


async def test_same_idempotency_key_same_order(shop, web_item):
    body = {
        "client": {
            "name": "Ada Client",
            "email": shop.new_email("idem"),
            "address": {
                "line1": "1 Rue X",
                "line2": None,
                "city": "Paris",
                "postal_code": "75001",
                "country": "FR",
            },
        },
        "items": [web_item],
    }
    first = await shop.client.post_order(body, idempotency_key="e2e-key-1")
    second = await shop.client.post_order(body, idempotency_key="e2e-key-1")
    assert first.status_code == 201, first.text
    assert second.status_code in (200, 201), second.text
    assert second.json()["id"] == first.json()["id"]
