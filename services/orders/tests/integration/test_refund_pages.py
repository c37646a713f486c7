"""The admin order page's after-sale forms (issue 13): the refund form (amount, lines,
reason), the Refund button of money owed back, a paid order's cancel form asking refund or
keep; each form checks the admin session, its CSRF token and its origin."""

from __future__ import annotations

import re
import uuid

import httpx

from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media

from .after_sale import paid_order, refunded
from .helpers import handle, history_details, order_body, outbox_rows, pay
from .test_admin_order_page import form_of, visible_text, watch_url
from .test_pages import login


async def refunds_asked(service: OrdersRoot, order_id: uuid.UUID) -> list[dict[str, object]]:
    rows = await outbox_rows(service, order_id)
    return [r["envelope"]["payload"] for r in rows if r["message_type"] == "payment.refund"]


async def test_a_paid_order_offers_the_refund_form_and_the_cancel_choice(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    order = await paid_order(client, catalog, service)
    await login(client)
    page = (await client.get(f"/admin/orders/{order['id']}")).text
    refund_form = form_of(page, "Request refund")
    assert f'action="/admin/orders/{order["id"]}/refund"' in refund_form
    assert 'name="amount"' in page
    assert 'name="reason"' in page
    for item in order["items"]:
        assert f'name="line_ids" value="{item["id"]}"' in page
    assert "Leave empty to refund all that is left (145.00)" in visible_text(page)
    cancel_form = form_of(page, "Cancel order")
    assert f'action="/admin/orders/{order["id"]}/cancel"' in cancel_form
    assert 'name="after_payment" value="refund"' in page
    assert 'name="after_payment" value="keep"' in page
    assert ">Cancel</button>" not in page, "no plain Cancel button for a paid order"
    assert "Money owed back" not in page

    unpaid = (await client.post("/api/orders", json=order_body(catalog))).json()
    plain = (await client.get(f"/admin/orders/{unpaid['id']}")).text
    assert "Request refund" not in plain
    assert 'name="after_payment"' not in plain
    assert ">Cancel</button>" in plain


async def test_the_refund_form_asks_payments(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    order = await paid_order(client, catalog, service)
    order_id = uuid.UUID(order["id"])
    csrf = await login(client)
    page_url = f"/admin/orders/{order_id}"
    line = order["items"][1]["id"]
    form = {"csrf": csrf, "amount": "50,5", "line_ids": [line], "reason": "late delivery"}
    pressed = await client.post(f"{page_url}/refund", data=form)
    assert pressed.status_code == 303
    assert pressed.headers["location"] == f"{page_url}?done=refund"
    [asked] = await refunds_asked(service, order_id)
    assert (asked["amount"], asked["line_ids"], asked["reason"]) == (5050, [line], "late delivery")
    shown = visible_text((await client.get(pressed.headers["location"])).text)
    assert "Refund requested: the payment service gives the money back" in shown
    assert "is on its way: waiting for the payment service" in shown
    # the page updates itself until payments answers
    state_url = watch_url((await client.get(page_url)).text)
    assert (await client.get(state_url)).json()["changed"] is False
    refund_id = uuid.UUID(str(asked["refund_id"]))
    assert await handle(service, refunded(order_id, refund_id, 5050, reason=None))
    assert (await client.get(state_url)).json()["changed"] is True
    answered = (await client.get(page_url)).text
    assert "data-watch-url" not in answered
    assert "Refunded 50.50 EUR (partial refund)" in visible_text(answered)
    assert "Refund of 50.50 EUR requested: late delivery" in shown

    too_much = await client.post(f"{page_url}/refund", data={"csrf": csrf, "amount": "500"})
    assert too_much.headers["location"] == f"{page_url}?refused=refund"
    said = visible_text((await client.get(too_much.headers["location"])).text)
    assert "Could not refund: the amount is more than what is left to refund" in said
    for typed in ("abc", "0"):
        bad = await client.post(f"{page_url}/refund", data={"csrf": csrf, "amount": typed})
        assert bad.headers["location"] == f"{page_url}?refused=refund-amount"
    said = visible_text((await client.get(f"{page_url}?refused=refund-amount")).text)
    assert "write an amount up to" in said
    assert len(await refunds_asked(service, order_id)) == 1


async def test_the_refund_and_cancel_forms_check_session_csrf_and_origin(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    order = await paid_order(client, catalog, service)
    order_id = uuid.UUID(order["id"])
    base = f"/admin/orders/{order_id}"
    anonymous = await client.post(f"{base}/refund", data={"amount": "1"})
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/admin/login"
    csrf = await login(client)
    for action in ("refund", "cancel"):
        no_token = await client.post(f"{base}/{action}", data={"after_payment": "refund"})
        assert no_token.status_code == 401
        foreign = await client.post(
            f"{base}/{action}",
            data={"csrf": csrf, "after_payment": "refund"},
            headers={"Origin": "https://evil.example"},
        )
        assert foreign.status_code == 403
    assert await refunds_asked(service, order_id) == []
    for action in ("refund", "cancel"):  # a NUL in the reason: said, never a 500
        nul = await client.post(
            f"{base}/{action}",
            data={"csrf": csrf, "after_payment": "keep", "reason": "late\x00"},
        )
        assert nul.headers["location"] == f"{base}?refused=reason-text"
    said = visible_text((await client.get(f"{base}?refused=reason-text")).text)
    assert "a control character" in said
    assert await refunds_asked(service, order_id) == []
    got = await client.get(f"/api/admin/orders/{order_id}", headers=ADMIN)
    assert got.json()["status"] == "paid"


ADMIN = {"Authorization": "Bearer test-admin-token"}


async def test_the_cancel_form_asks_refund_or_keep(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    order = await paid_order(client, catalog, service)
    order_id = uuid.UUID(order["id"])
    csrf = await login(client)
    base = f"/admin/orders/{order_id}"
    no_choice = await client.post(f"{base}/cancel", data={"csrf": csrf})
    assert no_choice.headers["location"] == f"{base}?refused=cancel-choice"
    said = visible_text((await client.get(no_choice.headers["location"])).text)
    assert "Could not cancel: the order is paid." in said
    no_reason = await client.post(f"{base}/cancel", data={"csrf": csrf, "after_payment": "keep"})
    assert no_reason.headers["location"] == f"{base}?refused=cancel-reason"
    kept = await client.post(
        f"{base}/cancel", data={"csrf": csrf, "after_payment": "keep", "reason": "work done"}
    )
    assert kept.headers["location"] == f"{base}?done=cancel-keep"
    said = visible_text((await client.get(kept.headers["location"])).text)
    assert "Order cancelled: the payment is kept" in said
    assert (await history_details(service, order_id))[-1] == "cancelled, payment kept: work done"
    assert "Money owed back" not in said, "kept on purpose: not owed"

    other = await paid_order(client, catalog, service)
    refund = await client.post(
        f"/admin/orders/{other['id']}/cancel", data={"csrf": csrf, "after_payment": "refund"}
    )
    assert refund.headers["location"].endswith("?done=cancel-refund")
    [asked] = await refunds_asked(service, uuid.UUID(other["id"]))
    assert asked["amount"] is None


async def test_money_owed_back_has_a_refund_button(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    order_id = uuid.UUID(placed["id"])
    csrf = await login(client)
    base = f"/admin/orders/{order_id}"
    cancelled = await client.post(f"{base}/cancel", data={"csrf": csrf})
    assert cancelled.headers["location"] == f"{base}?done=cancel"
    assert await pay(service, order_id)  # a card payment after the cancellation
    page = (await client.get(base)).text
    assert "Money owed back" in page
    button = form_of(page, "Refund")
    assert f'action="{base}/refund"' in button
    assert "data-confirm=" in button
    assert "Request refund" not in page, "the owed payment is refunded whole"
    pressed = await client.post(f"{base}/refund", data={"csrf": csrf})
    assert pressed.headers["location"] == f"{base}?done=refund"
    [asked] = await refunds_asked(service, order_id)
    assert asked["amount"] is None
    after = (await client.get(base)).text
    assert "Money owed back" not in after
    assert re.search(r"Refund of 145\.00\sEUR requested", visible_text(after))


async def test_the_client_sees_a_refunded_order_as_such(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    order = await paid_order(client, catalog, service)
    order_id = uuid.UUID(order["id"])
    page_url = f"/orders/{order_id}?token={order['access_token']}"
    assert "Being prepared" in visible_text((await client.get(page_url)).text)
    assert await handle(service, refunded(order_id, uuid.uuid4(), 14500, full=True))
    shown = visible_text((await client.get(page_url)).text)
    assert "None: the order was refunded" in shown
    assert "Being prepared" not in shown
    assert re.search(r"Refunded\s+145\.00 EUR", shown)
