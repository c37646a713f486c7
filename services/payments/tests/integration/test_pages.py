"""The client's payment page and the checkout redirect."""

from __future__ import annotations

import re
import uuid

from .conftest import (
    ORDERS_PUBLIC,
    PUBLIC,
    cancel,
    confirmations,
    mark_paid,
    place,
    request_status,
    token,
    use_settings,
)


def buttons(html: str) -> list[str]:
    return re.findall(r"<button[^>]*>([^<]*)</button>", html)


async def test_wrong_or_missing_token_is_404(client, router) -> None:
    placed = await place(router)
    assert (await client.get(f"/pay/{placed.order_id}")).status_code == 404
    assert (await client.get(f"/pay/{placed.order_id}?token=nope")).status_code == 404
    other = token(uuid.uuid4())
    response = await client.post(f"/pay/{placed.order_id}/checkout?token={other}")
    assert response.status_code == 404


async def test_unknown_order_gets_a_friendly_page(client) -> None:
    order_id = uuid.uuid4()
    response = await client.get(f"/pay/{order_id}?token={token(order_id)}")
    assert response.status_code == 200
    assert "refresh" in response.text
    assert buttons(response.text) == []


async def test_card_processor_shows_secure_payment_button(root, client, router) -> None:
    await use_settings(root, "sandbox")
    placed = await place(router, total=4500)
    response = await client.get(f"/pay/{placed.order_id}?token={token(placed.order_id)}")
    assert response.status_code == 200
    assert placed.number in response.text
    assert "45.00 EUR" in response.text
    assert buttons(response.text) == ["Secure payment"]
    assert f'action="/pay/{placed.order_id}/checkout?token=' in response.text


async def test_no_processor_shows_escaped_instructions_and_no_button(root, client, router) -> None:
    await use_settings(root, None, "Bank transfer <b>IBAN</b>\nFR76 1234")
    placed = await place(router)
    response = await client.get(f"/pay/{placed.order_id}?token={token(placed.order_id)}")
    assert buttons(response.text) == []
    assert "Bank transfer &lt;b&gt;IBAN&lt;/b&gt;\nFR76 1234" in response.text
    assert "<form" not in response.text


async def test_no_processor_no_instructions_shows_contact_text(root, client, router) -> None:
    await use_settings(root, None, None)
    placed = await place(router)
    response = await client.get(f"/pay/{placed.order_id}?token={token(placed.order_id)}")
    assert buttons(response.text) == []
    assert f"Please contact us to arrange payment for order {placed.number}" in response.text


async def test_no_button_when_paid_cancelled_or_awaiting_validation(root, client, router) -> None:
    await use_settings(root, "sandbox")
    paid = await place(router)
    await mark_paid(router, paid.order_id)
    gone = await place(router)
    await cancel(router, gone.order_id)
    waiting = await place(router, manual_validation=True)
    expected = {
        paid.order_id: "This order is paid",
        gone.order_id: "cancelled",
        waiting.order_id: "will validate this order first",
    }
    for order_id, text in expected.items():
        response = await client.get(f"/pay/{order_id}?token={token(order_id)}")
        assert response.status_code == 200
        assert text in response.text
        assert buttons(response.text) == []
        checkout = await client.post(f"/pay/{order_id}/checkout?token={token(order_id)}")
        assert checkout.status_code == 409


async def test_checkout_409_as_json_for_api_clients(root, client, router) -> None:
    await use_settings(root, "sandbox")
    waiting = await place(router, manual_validation=True)
    response = await client.post(
        f"/pay/{waiting.order_id}/checkout?token={token(waiting.order_id)}",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert "validation" in response.json()["detail"]


async def test_a_refused_checkout_is_a_page_for_browsers(root, client, router) -> None:
    await use_settings(root, "sandbox")
    paid = await place(router)
    await mark_paid(router, paid.order_id)
    response = await client.post(
        f"/pay/{paid.order_id}/checkout?token={token(paid.order_id)}",
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("text/html")
    assert "Payment not possible" in response.text
    assert f"order {paid.number} is already paid" in response.text
    back = f'href="{PUBLIC}/pay/{paid.order_id}?token={token(paid.order_id)}"'
    assert back in response.text


def form_action(html: str) -> str:
    (action,) = re.findall(r'<form method="post" action="([^"]+)"', html)
    return action.replace("&amp;", "&")


async def test_sandbox_checkout_pay_confirms_once(root, client, router) -> None:
    await use_settings(root, "sandbox")
    placed = await place(router, total=1999, currency="USD")
    order_id = placed.order_id
    checkout = await client.post(f"/pay/{order_id}/checkout?token={token(order_id)}")
    assert checkout.status_code == 303
    location = checkout.headers["location"]
    assert location.startswith(f"{PUBLIC}/sandbox/checkout/cs_sandbox_")
    assert location.endswith(f"?token={token(order_id)}")

    page = await client.get(location)
    assert page.status_code == 200
    assert "19.99 USD" in page.text
    assert page.text.count("<form") == 1
    assert buttons(page.text) == ["Pay"]

    pay_action = form_action(page.text)
    paid = await client.post(pay_action)
    assert paid.status_code == 303
    assert paid.headers["location"] == f"{PUBLIC}/pay/{order_id}/done?token={token(order_id)}"
    done = await client.get(paid.headers["location"])
    assert "Payment received" in done.text
    assert "on their way" in done.text
    assert f'href="{ORDERS_PUBLIC}/orders/{order_id}?token={token(order_id)}"' in done.text

    again = await client.post(pay_action)  # a double click
    assert again.status_code == 303
    found = await confirmations(root, order_id)
    assert len(found) == 1
    assert found[0]["method"] == "card"
    assert found[0]["processor"] == "sandbox"
    assert (found[0]["amount"], found[0]["currency"]) == (1999, "USD")
    page = await client.get(f"/pay/{order_id}?token={token(order_id)}")
    assert "This order is paid" in page.text


async def test_unknown_sandbox_session_is_404(client) -> None:
    any_token = token(uuid.uuid4())
    for path in ("/sandbox/checkout/cs_sandbox_nope", "/sandbox/checkout/cs_sandbox_nope/pay"):
        method = client.get if not path.endswith("/pay") else client.post
        assert (await method(f"{path}?token={any_token}")).status_code == 404


async def test_a_sandbox_session_needs_its_own_orders_token(root, client, router) -> None:
    """The session id alone, or with another order's token, neither shows nor pays."""
    await use_settings(root, "sandbox")
    victim = await place(router)
    mine = await place(router)
    checkout = await client.post(f"/pay/{victim.order_id}/checkout?token={token(victim.order_id)}")
    session_path = checkout.headers["location"].removeprefix(PUBLIC).split("?")[0]
    for query in ("", "?token=", f"?token={token(mine.order_id)}", "?token=garbage"):
        page = await client.get(f"{session_path}{query}")
        assert page.status_code == 404, query
        assert page.json() == {"error": "not_found", "detail": "unknown sandbox checkout session"}
        paid = await client.post(f"{session_path}/pay{query}")
        assert paid.status_code == 404, query
    assert await confirmations(root, victim.order_id) == []
    assert await request_status(root, victim.order_id) == "open"


async def test_checkout_routes_need_the_orders_token(root, client, router) -> None:
    await use_settings(root, "sandbox")
    victim = await place(router)
    mine = token((await place(router)).order_id)
    for path in (f"/pay/{victim.order_id}", f"/pay/{victim.order_id}/done"):
        for query in ("", f"?token={mine}", "?token=%0d%0aSet-Cookie:%20x=1"):
            response = await client.get(f"{path}{query}")
            assert response.status_code == 404
            assert "set-cookie" not in response.headers
    for query in ("", f"?token={mine}"):
        checkout = await client.post(f"/pay/{victim.order_id}/checkout{query}")
        assert checkout.status_code == 404
    assert await request_status(root, victim.order_id) == "open"
    async with root.transaction() as repos:
        request = await repos.requests.get(victim.order_id)
    assert request is not None
    assert request.checkout_attempts == 0


async def test_openapi_declares_errors(client) -> None:
    document = (await client.get("/openapi.json")).json()
    checkout = document["paths"]["/pay/{order_id}/checkout"]["post"]["responses"]
    assert {"303", "404", "409"} <= set(checkout)
    assert "400" in document["paths"]["/webhooks/stripe"]["post"]["responses"]
    assert "422" in document["paths"]["/api/admin/settings"]["put"]["responses"]
