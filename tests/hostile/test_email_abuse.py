"""Issue #17: checkout takes any address, name, address lines and note, and with manual
validation on the shop mailed the client at once ("your order will be processed offline"):
anyone could make the shop send their text to anyone, as often as they liked.

Now an email to the client before the order is paid or validated carries no text the client
typed but the name, and only a few go to one address an hour; the rest are logged as
suppressed, never sent. The photographer still hears of every order, note included."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from shop_devtools.client import default_client

from .conftest import SELLER

Json = dict[str, Any]

PHISHING = "Click http://evil.example/login to verify your card"
ORDERS = 6  # well under any per-address order rate limit (30 a minute)
LIMIT = 3  # notifications' MAX_UNVOUCHED_PER_HOUR
CLIENT_EMAIL = "order_awaiting_validation"
SETTLED = {"sent", "logged", "failed", "suppressed"}


async def settled_log(shop: Any, orders: list[Json], timeout: float = 60.0) -> list[Json]:
    """Each order's client and seller emails, once none is pending any more."""
    deadline = time.monotonic() + timeout
    rows: list[Json] = []
    while time.monotonic() < deadline:
        rows = [row for order in orders for row in await shop.emails_of(order["id"])]
        clients = sum(r["template"] == CLIENT_EMAIL for r in rows)
        all_there = clients == len(orders) == len(rows) - clients
        if all_there and all(r["status"] in SETTLED for r in rows):
            return rows
        await asyncio.sleep(0.3)
    seen = [(r["template"], r["status"]) for r in rows]
    raise AssertionError(f"the emails did not settle: {seen}")


async def test_a_stranger_gets_no_typed_text_and_only_a_few_emails_an_hour(shop, web_item):
    await shop.client.settings("orders", manual_validation=True)
    victim = shop.new_email("victim")
    client = default_client(victim, name="Ada Client")
    client["address"] |= {"line1": "Verify at http://evil.example/address", "line2": PHISHING}
    orders = []
    for _ in range(ORDERS):
        body = {"client": client, "items": [web_item], "note": PHISHING}
        response = await shop.client.post_order(body)
        assert response.status_code == 201, response.text
        orders.append(response.json())

    rows = await settled_log(shop, orders)
    client_rows = [r for r in rows if r["template"] == CLIENT_EMAIL]
    assert all(r["to"] == victim for r in client_rows), client_rows
    sent = [r for r in client_rows if r["status"] != "suppressed"]
    suppressed = [r for r in client_rows if r["status"] == "suppressed"]
    assert len(sent) == LIMIT, client_rows
    assert len(suppressed) == ORDERS - LIMIT, client_rows
    for row in suppressed:
        assert row["sent_at"] is None, row
        assert "suppressed" in row["last_error"], row
        assert f"at most {LIMIT}" in row["last_error"], row

    received = [m for m in shop.mail.received if victim in m.recipients]
    assert 1 <= len(received) <= LIMIT, [m.subject for m in received]
    for mail in received:
        for part in (mail.subject, mail.text(), mail.html()):
            assert "evil.example" not in part, part
            assert "verify your card" not in part, part
        assert "Ada Client" in mail.text()  # the name stays

    # The shop itself hears of every order, with the note (the control: it was accepted).
    for order in orders:
        seller = [m for m in shop.received_for(order["id"]) if SELLER in m.recipients]
        assert len(seller) == 1, order["number"]
        assert PHISHING in seller[0].text()
