"""Issue 17, item 1: an Idempotency-Key never hands out another client's order.

The probe: client A places an order with `Idempotency-Key: cart-1001`; client B sends the same
key with B's name and email (and even unknown items). It got `201`, `Idempotent-Replayed`, and
A's id and access token. Now the key belongs to A and to A's request: B gets a new order of
B's own (or the 422 B's items deserve), and A re-sending another body under the key is 409."""

from __future__ import annotations

import uuid

from shop_devtools.client import default_client


def _body(email: str, item: dict, name: str = "Ada Client") -> dict:
    client = default_client(email) | {"name": name}
    return {"client": client, "items": [item]}


async def test_the_same_key_from_another_client_never_returns_the_first_clients_order(
    shop, web_item
):
    key = f"cart-{uuid.uuid4().hex[:6]}"
    first = await shop.client.post_order(_body(shop.new_email("idem-a"), web_item), key)
    assert first.status_code == 201, first.text
    a = first.json()

    b_email = shop.new_email("idem-b")
    unknown = {"media_id": str(uuid.uuid4()), "license_id": str(uuid.uuid4())}
    with_unknown = await shop.client.post_order(_body(b_email, unknown, "Bob Other"), key)
    assert with_unknown.status_code == 422, with_unknown.text
    assert a["access_token"] not in with_unknown.text
    assert a["id"] not in with_unknown.text

    with_valid = await shop.client.post_order(_body(b_email, web_item, "Bob Other"), key)
    assert with_valid.status_code == 201, with_valid.text
    assert "idempotent-replayed" not in with_valid.headers
    b = with_valid.json()
    assert b["id"] != a["id"]
    assert b["access_token"] != a["access_token"]
    seen_by_b = await shop.client.get_order(b)
    assert seen_by_b["id"] == b["id"]


async def test_the_same_key_with_another_body_is_a_409_naming_the_conflict(shop, web_item):
    email = shop.new_email("idem-conflict")
    key = f"cart-{uuid.uuid4().hex[:6]}"
    first = await shop.client.post_order(_body(email, web_item), key)
    assert first.status_code == 201, first.text
    orders_before = await shop.order_count()

    changed = _body(email, web_item) | {"note": "a different request under the same key"}
    conflict = await shop.client.post_order(changed, key)
    assert conflict.status_code == 409, conflict.text
    assert "Idempotency-Key" in conflict.json()["detail"]
    assert first.json()["access_token"] not in conflict.text
    assert await shop.order_count() == orders_before  # nothing recorded

    again = await shop.client.post_order(_body(email, web_item), key)  # the same request
    assert again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json()["id"] == first.json()["id"]


async def test_the_checkout_forms_hidden_key_hands_out_nothing_either(shop, web_item):
    """The form's `idempotency_key` field went through the same lookup."""
    key = str(uuid.uuid4())
    first = await shop.client.post_order(_body(shop.new_email("idem-form-a"), web_item), key)
    assert first.status_code == 201
    a = first.json()
    form = {
        "idempotency_key": key,
        "name": "Mallory",
        "email": shop.new_email("idem-form-b"),
        "line1": "1 Rue X",
        "city": "Paris",
        "postal_code": "75001",
        "country": "FR",
    }
    response = await shop.http.post(
        shop.url("orders", "/checkout"),
        data=form,
        headers=shop.form_headers(await shop.cart_with(web_item)),
        follow_redirects=False,
    )
    # The form reached the checkout (B's own order, or a refusal), not a 403 at the door.
    assert response.status_code in (303, 409, 422), (response.status_code, response.text[:300])
    assert a["id"] not in response.headers.get("location", ""), response.headers
    assert a["access_token"] not in response.headers.get("location", "")
    assert a["access_token"] not in response.text
