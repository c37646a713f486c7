"""Services down while work happens: nothing is lost, it is done when they are back."""

from __future__ import annotations


async def test_delivery_and_notifications_down_while_an_order_is_paid(shop, web_item):
    client = shop.new_email("fault")
    await shop.stack.kill("delivery")  # SIGKILL: no graceful shutdown
    await shop.stack.kill("notifications")
    try:
        order = await shop.client.place_order([web_item], email=client)
        response = await shop.client.admin_command(order["id"], "mark-paid")
        assert response.status_code == 202, response.text
        await shop.client.wait_for_order(order, payment_status="paid", status="paid")
    finally:
        await shop.stack.resume("delivery")
        await shop.stack.resume("notifications")

    await shop.client.wait_for_order(order, status="delivered", delivery_status="delivered")
    await shop.email_to(shop.config.seller_email, containing=order["number"])
    await shop.email_to(client, containing=f"/orders/{order['id']}/downloads")
