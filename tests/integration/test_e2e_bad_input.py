"""Bad input and bad credentials get a clear 4xx, and nothing changes behind them."""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
import pytest

from shop_devtools.client import checkout_completed_event, default_client, stripe_signature


def order_body(email: str, items: list[dict]) -> dict:
    return {"client": default_client(email), "items": items}


def without_city(body: dict) -> dict:
    del body["client"]["address"]["city"]
    return body


def with_country(country: str):
    def change(body: dict) -> dict:
        body["client"]["address"]["country"] = country
        return body

    return change


def with_email(email: str):
    def change(body: dict) -> dict:
        body["client"]["email"] = email
        return body

    return change


def with_items(items: list[dict]):
    def change(body: dict) -> dict:
        body["items"] = items
        return body

    return change


def with_license(license_id: str):
    def change(body: dict) -> dict:
        body["items"] = [{"media_id": body["items"][0]["media_id"], "license_id": license_id}]
        return body

    return change


def with_media(media_id: str):
    def change(body: dict) -> dict:
        body["items"] = [{"media_id": media_id, "license_id": body["items"][0]["license_id"]}]
        return body

    return change


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (with_media("00000000-0000-0000-0000-000000000000"), "media"),
        (with_license("00000000-0000-0000-0000-000000000000"), "license"),
        (with_email("not-an-email"), "email"),
        (without_city, "city"),
        (with_country("France"), "country"),
        (with_country("JJ"), "country"),
        (with_items([]), "items"),
    ],
    ids=["unknown-media", "unknown-license", "bad-email", "no-city", "country", "JJ", "no-items"],
)
async def test_invalid_order_is_refused_and_not_recorded(shop, web_item, change, field):
    email = shop.new_email("invalid")
    before = await shop.client.admin_orders()

    response = await shop.client.post_order(change(order_body(email, [web_item])))

    assert response.status_code == 422, response.text
    assert field in response.text, response.text
    after = await shop.client.admin_orders()
    assert len(after) == len(before)
    assert all(email not in str(order) for order in after)


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("orders", "/api/admin/orders"),
        ("orders", "/api/admin/settings"),
        ("payments", "/api/admin/settings"),
        ("delivery", "/api/admin/settings"),
    ],
)
async def test_admin_api_needs_the_admin_token(shop, service, path):
    url = shop.client.url(service, path)
    assert (await shop.client.http.get(url)).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert (await shop.client.http.get(url, headers=wrong)).status_code == 401


async def test_admin_command_needs_the_admin_token(shop, web_item):
    order = await shop.client.place_order([web_item], email=shop.new_email("nocreds"))
    url = shop.client.url("orders", f"/api/admin/orders/{order['id']}/mark-paid")
    response = await shop.client.http.post(url, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    await asyncio.sleep(1)
    assert (await shop.client.get_order(order))["payment_status"] == "unpaid"


async def test_client_pages_need_the_order_token(shop, web_item):
    order = await shop.client.place_order([web_item], email=shop.new_email("token"))
    await shop.client.payment_page(order)  # it answers with the right token

    for token in (None, "wrong-token"):
        response = await shop.client.get_order_response(order["id"], token)
        assert response.status_code == 404, response.text
    wrong = order | {"access_token": "wrong-token"}
    assert (await shop.client.page(shop.client.payment_page_url(wrong))).status == 404
    assert (await shop.client.page(shop.client.download_page_url(wrong))).status == 404


async def test_webhook_with_bad_signature_or_old_timestamp_is_rejected(shop, web_item):
    await shop.client.settings("payments", card_processor="sandbox")
    order = await shop.client.place_order([web_item], email=shop.new_email("webhook"))
    await shop.client.payment_page(order, until=lambda p: p.has_button("Secure payment"))
    body = checkout_completed_event(order["id"])

    forged = stripe_signature(body, "whsec_not_the_secret")
    assert (await shop.client.post_webhook(body, forged)).status_code == 400
    old = stripe_signature(body, shop.webhook_secret, timestamp=int(time.time()) - 3600)
    assert (await shop.client.post_webhook(body, old)).status_code == 400
    assert (await shop.client.post_webhook(body, "garbage")).status_code == 400

    await asyncio.sleep(1.5)
    current = await shop.client.get_order(order)
    assert current["payment_status"] == "unpaid"
    assert current["status"] == "awaiting_payment"


async def test_download_links_tampered_and_used_up(shop, web_item):
    original = await shop.client.settings("delivery")
    await shop.client.settings("delivery", max_downloads=2)
    try:
        order = await shop.client.place_order([web_item], email=shop.new_email("links"))
        assert (await shop.client.admin_command(order["id"], "force-delivery")).status_code == 202
        await shop.client.wait_for_order(order, delivery_status="delivered")
        page = await shop.client.download_page(order)
        link = page.links_containing("/downloads/")[0]
        token = link.rsplit("/", 1)[1]

        tampered = link[: -len(token)] + token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
        assert (await shop.client.http.get(tampered)).status_code == 404
        unknown = link[: -len(token)] + "unknown-link-token"
        assert (await shop.client.http.get(unknown)).status_code == 404

        assert (await shop.client.http.get(link)).status_code == 200
        assert (await shop.client.http.get(link)).status_code == 200
        used_up = await shop.client.http.get(link)
        assert used_up.status_code == 410, used_up.text
    finally:
        await shop.client.settings(
            "delivery", **{k: original[k] for k in ("max_downloads",) if k in original}
        )


async def test_expired_download_link_is_gone(shop, web_item):
    """Expiry is set in whole days: the link is aged in this run's own delivery database.

    (The one place an e2e test touches a service's table; delivery's own tests cover expiry too.)
    """
    order = await shop.client.place_order([web_item], email=shop.new_email("expired"))
    assert (await shop.client.admin_command(order["id"], "force-delivery")).status_code == 202
    await shop.client.wait_for_order(order, delivery_status="delivered")
    link = (await shop.client.download_page(order)).links_containing("/downloads/")[0]

    dsn = shop.config.database_urls["delivery"].replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        aged = await conn.execute(
            "UPDATE download_links SET expires_at = now() - interval '1 minute'"
            " WHERE order_id = $1",
            uuid.UUID(order["id"]),
        )
    finally:
        await conn.close()
    assert aged != "UPDATE 0"

    expired = await shop.client.http.get(link)
    assert expired.status_code == 410, expired.text
