"""What the client reads (issue 10): the storefront tells each license's file, terms and
price and keeps a running total; the order page speaks in plain words, says when a payment is
still due, gives the photographer's contact details wherever it asks to get in touch, offers
no way to pay a cancelled order, and updates itself while the files are prepared. Errors on
browser routes are the shop's pages, with the status kept; the API keeps JSON."""

from __future__ import annotations

import re
import uuid

import httpx

from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media

from .helpers import deliver, order_body, pay
from .test_admin_order_page import REFRESH, visible_text, watch_url
from .test_pages import fill_cart, login

HTML = {"Accept": "text/html,application/xhtml+xml"}
CONTACT = 'href="mailto:seller@example.com"'


async def test_the_cart_names_each_license_choice_after_its_file_with_its_prices(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    await fill_cart(client, catalog)
    html = (await client.get("/cart")).text
    photo = catalog[0]
    line = re.search(r'<tr id="line-([0-9a-f-]{36})">(.*?)</tr>', html, re.S)
    assert line
    assert "Alpine Lake" in line.group(2)
    label = re.search(r'<label for="license-[^"]+" class="visually-hidden">([^<]*)</label>', html)
    assert label
    assert label.group(1) == "License for Alpine Lake", "the accessible name says which image"
    assert "Web (25.00 EUR)" in html
    assert "Full resolution (90.00 EUR)" in html
    assert f'<option value="{photo.licenses[1].id}" selected>' in html
    assert 'Remove<span class="visually-hidden"> Alpine Lake</span>' in html
    assert "Total: <strong>210.00 EUR</strong> (2 items)" in html
    assert "The original file, full size, 4000 x 2667 px" in html, "what the license delivers"
    assert "The original clip, 640 x 360" in html
    assert "<script>" not in html, "no inline scripts"


async def test_a_refused_checkout_keeps_the_cart_and_its_total(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    await fill_cart(client, catalog)
    refused = await client.post(
        "/checkout", data={"name": "Ada", "email": "ada@example.com", "idempotency_key": "k"}
    )
    assert refused.status_code == 422
    assert "Total: <strong>210.00 EUR</strong>" in refused.text
    assert "Alpine Lake" in refused.text
    assert "Ridge Drift" in refused.text
    assert 'value="Ada"' in refused.text, "what was typed is kept"


async def test_the_client_order_page_in_plain_words_through_its_life(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    order_id = uuid.UUID(placed["id"])
    url = f"/orders/{order_id}?token={placed['access_token']}"
    waiting = (await client.get(url)).text
    assert "Awaiting payment" in waiting
    assert not re.search(r"awaiting_|unpaid|pending", visible_text(waiting))
    assert "Go to the payment page" in waiting
    assert REFRESH not in waiting
    await pay(service, order_id)
    preparing = (await client.get(url)).text
    assert "Payment received" in preparing
    watch = watch_url(preparing)  # the page updates itself until the files are ready
    assert (await client.get(watch)).json()["changed"] is False
    assert f"<noscript>{REFRESH}" in preparing
    assert not re.search(r"\bdelivered\b", visible_text(preparing), re.I)
    await deliver(service, order_id)
    assert (await client.get(watch)).json()["changed"] is True
    wrong = watch.replace(f"token={placed['access_token']}", "token=wrong")
    assert (await client.get(wrong)).status_code == 404
    delivered = (await client.get(url)).text
    assert "Download your files" in delivered
    assert REFRESH not in delivered
    assert "still due" not in delivered


async def test_a_forced_delivery_says_the_payment_is_still_due_and_how_to_pay(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    await deliver(service, uuid.UUID(placed["id"]), forced=True)
    page = (await client.get(f"/orders/{placed['id']}?token={placed['access_token']}")).text
    assert "the payment is still due" in page
    assert f'href="{placed["next"]["url"]}">Pay for your order</a>' in page
    assert "Download your files" in page
    assert CONTACT in page


async def test_a_cancelled_order_offers_no_way_to_pay(
    client: httpx.AsyncClient, catalog: list[Media], admin_headers: dict[str, str]
) -> None:
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    cancel = f"/api/admin/orders/{placed['id']}/cancel"
    assert (await client.post(cancel, headers=admin_headers)).status_code == 202
    page = (await client.get(f"/orders/{placed['id']}?token={placed['access_token']}")).text
    assert "This order was cancelled" in page
    assert "/pay/" not in page
    assert "Go to the payment page" not in page
    assert CONTACT in page


async def test_the_photographer_will_get_back_says_how_to_reach_them(
    client: httpx.AsyncClient, catalog: list[Media], admin_headers: dict[str, str]
) -> None:
    settings = {
        "manual_validation": True,
        "seller_email": "seller@example.com",
        "contact_phone": "+33 1 23 45 67 89",
    }
    await client.put("/api/admin/settings", json=settings, headers=admin_headers)
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    page = (await client.get(f"/orders/{placed['id']}?token={placed['access_token']}")).text
    offline = page.index("processed offline")
    assert page.index(CONTACT) > offline, "the contact details where the client is told"
    assert 'href="tel:+33123456789"' in page
    assert "Awaiting the photographer&#39;s validation" in page


async def test_browser_routes_answer_errors_as_pages_and_the_api_as_json(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    pages = {
        f"/orders/{placed['id']}?token=truncated": 404,
        f"/orders/{placed['id']}": 404,
        "/no/such/page": 404,
        "/orders/not-an-id": 422,
    }
    for path, status in pages.items():
        page = await client.get(path, headers=HTML)
        assert page.status_code == status, path
        assert page.headers["content-type"].startswith("text/html"), path
        assert "/static/web/shop.css" in page.text, path
        assert '{"error"' not in page.text, path
    api = await client.get(f"/api/orders/{uuid.uuid4()}", headers=HTML)
    assert api.status_code == 404
    assert api.json()["error"] == "not_found"
    await login(client)
    expired = await client.post(
        f"/admin/orders/{placed['id']}/cancel", data={"csrf": "stale"}, headers=HTML
    )
    assert expired.status_code == 401
    assert "text/html" in expired.headers["content-type"]
    assert "the form expired" in expired.text
    assert "Log in to the admin" in expired.text
