"""The order's emails in its history (issue 15): orders asks notifications when the admin
order API or page shows the order; no `email.sent` message goes back to orders."""

from __future__ import annotations

from shop_platform.auth import ADMIN_COOKIE
from shop_testkit.waiting import eventually

from .accounts_helpers import cookieless_client, login, session_cookie


async def test_the_admin_order_lists_the_emails_sent_asked_of_notifications(shop, web_item):
    email = shop.new_email("email-history")
    order = await shop.client.place_order([web_item], email=email)
    await shop.email_to(email, containing=f"/pay/{order['id']}")

    async def emails_listed() -> list[dict[str, str]] | None:
        history = (await shop.client.admin_order(order["id"]))["history"]
        sent = [h for h in history if h["kind"] == "email_sent"]
        return sent if any(email in h["detail"] for h in sent) else None

    sent = await eventually(emails_listed, timeout=20, what="the client's email in the history")
    assert {h["actor"] for h in sent} == {"notifications"}
    history = (await shop.client.admin_order(order["id"]))["history"]
    assert history[0]["kind"] == "placed"
    assert [h["at"] for h in history] == sorted(h["at"] for h in history)

    cookie = session_cookie(await login(shop, "", shop.config.admin_token))
    async with cookieless_client() as http:
        page = await http.get(
            shop.client.url("orders", f"/admin/orders/{order['id']}"),
            headers={"Cookie": f"{ADMIN_COOKIE}={cookie}"},
        )
    assert page.status_code == 200, page.status_code
    assert f"→ {email}" in page.text
    assert "email log is unavailable" not in page.text
