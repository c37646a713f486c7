"""Manual validation: the seller validates, the client gets the payment link, pays off-line."""

from __future__ import annotations

import re

OFFLINE = re.compile(r"off-?line|get back to you|will contact you", re.IGNORECASE)


async def test_manual_validation_then_payment_link_then_mark_paid(shop, web_item):
    await shop.client.settings("orders", manual_validation=True)
    try:
        client = shop.new_email("manual")
        order = await shop.client.place_order([web_item], email=client)
        assert order["status"] == "awaiting_validation"
        assert order["next"] == {"action": "wait_for_seller", "url": None}

        told = await shop.email_to(client)
        assert OFFLINE.search(told.text() + told.html()), told.text()

        response = await shop.client.admin_command(order["id"], "validate")
        assert response.status_code == 202, response.text
        email = await shop.email_to(client, containing=f"/pay/{order['id']}")
        page = await shop.client.wait_for_page(shop.link_in(email, f"/pay/{order['id']}"))
        assert page.status == 200
        await shop.client.wait_for_order(order, status="awaiting_payment")

        response = await shop.client.admin_command(order["id"], "mark-paid")
        assert response.status_code == 202, response.text
        await shop.client.wait_for_order(
            order, status="delivered", payment_status="paid", delivery_status="delivered"
        )
    finally:
        await shop.client.settings("orders", manual_validation=False)
