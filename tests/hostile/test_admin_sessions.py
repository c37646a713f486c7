"""Issue 17, items 2 and 3: the admin session cookie cannot be ridden by another site, and
logging out ends it at once, on every service.

The probe: a form on another port of the same host (same site: SameSite=Lax lets the cookie
through) auto-posted `force-delivery` to `/api/admin/...` and an unpaid order was delivered;
after `POST /admin/logout` the old cookie still opened every service's admin for 12 hours."""

from __future__ import annotations

import httpx
import pytest

from shop_devtools.pages import parse_page
from shop_platform.auth import ADMIN_COOKIE

from .conftest import settle

EVIL_ORIGIN = "http://127.0.0.1:9"  # another port of the shop's host: same site, other origin
COMMANDS = ("force-delivery", "mark-paid", "cancel", "validate", "reissue-links")


@pytest.fixture
async def admin_http(shop):
    http = await shop.admin_session()
    yield http
    await http.aclose()


def _cookie_only(admin_http: httpx.AsyncClient, origin: str | None) -> httpx.AsyncClient:
    """What a browser sends when another page posts to the shop: the cookie, that origin."""
    headers = {"Origin": origin} if origin else {}
    return httpx.AsyncClient(timeout=15.0, cookies=admin_http.cookies, headers=headers)


@pytest.mark.parametrize("origin", [EVIL_ORIGIN, None])
async def test_the_admin_json_api_does_not_take_the_session_cookie(
    shop, web_item, admin_http, origin
):
    order = await shop.unpaid_order(web_item, "api-csrf")
    wrong = []
    async with _cookie_only(admin_http, origin) as browser:
        for command in COMMANDS:
            url = shop.url("orders", f"/api/admin/orders/{order['id']}/{command}")
            response = await browser.post(url)  # what an auto-submitted form does
            if response.status_code != 401:
                wrong.append(f"{command}: {response.status_code} {response.text[:120]}")
        settings = await browser.put(
            shop.url("orders", "/api/admin/settings"),
            json={"manual_validation": True, "seller_email": "evil@example.com"},
        )
        if settings.status_code != 401:
            wrong.append(f"PUT settings: {settings.status_code}")
        for service in ("payments", "delivery"):
            read = await browser.get(shop.url(service, "/api/admin/settings"))
            if read.status_code != 401:
                wrong.append(f"GET {service} settings by cookie: {read.status_code}")
    await settle(1.5)
    current = await shop.client.get_order(order)
    state = (current["status"], current["payment_status"], current["delivery_status"])
    assert not wrong, "the admin API accepted the session cookie:\n" + "\n".join(wrong)
    assert state == ("awaiting_payment", "unpaid", "pending"), state


async def test_an_admin_form_posted_from_another_origin_is_refused_even_with_its_token(
    shop, web_item, admin_http
):
    """Had another page got hold of a CSRF token, the Origin check still stops it."""
    order = await shop.unpaid_order(web_item, "origin")
    page = await admin_http.get(shop.url("orders", f"/admin/orders/{order['id']}"))
    form = parse_page(str(page.url), 200, page.text).form_with_button("Force delivery")
    for origin in (EVIL_ORIGIN, None):
        async with _cookie_only(admin_http, origin) as browser:
            response = await browser.post(form.action, data=form.fields)
        assert response.status_code == 403, (origin, response.status_code, response.text[:200])
    payments_page = await admin_http.get(shop.url("payments", "/admin/settings"))
    settings_form = parse_page(str(payments_page.url), 200, payments_page.text)
    save = settings_form.form_with_button("Save")
    async with _cookie_only(admin_http, EVIL_ORIGIN) as browser:
        data = save.fields | {"card_processor": "", "payment_instructions": "Pay evil@example.com"}
        response = await browser.post(save.action, data=data)
    assert response.status_code == 403, response.text[:200]
    await settle(1.0)
    current = await shop.client.get_order(order)
    assert current["delivery_status"] == "pending"
    assert (await shop.client.settings("payments"))[
        "payment_instructions"
    ] != "Pay evil@example.com"


async def _opens(http: httpx.AsyncClient, url: str) -> bool:
    response = await http.get(url, follow_redirects=False)
    return response.status_code == 200


async def test_logout_ends_the_session_at_once_on_every_service(shop, admin_http):
    pages = [
        shop.url("orders", "/admin"),
        shop.url("payments", "/admin/settings"),
        shop.url("notifications", "/admin/emails"),
    ]
    assert all([await _opens(admin_http, url) for url in pages])
    kept = admin_http.cookies.get(ADMIN_COOKIE)  # what an attacker copied before the logout
    assert kept
    admin = parse_page(pages[0], 200, (await admin_http.get(pages[0])).text)
    logout = admin.form_with_button("Log out")
    out = await admin_http.post(logout.action, data=logout.fields)
    assert out.status_code == 303
    async with httpx.AsyncClient(timeout=15.0, cookies={ADMIN_COOKIE: kept}) as replay:
        still_open = [url for url in pages if await _opens(replay, url)]
    assert not still_open, f"the logged-out cookie still opens {still_open}"


async def test_log_out_everywhere_ends_every_session(shop):
    laptop, phone = await shop.admin_session(), await shop.admin_session()
    try:
        url = shop.url("payments", "/admin/settings")
        assert await _opens(laptop, url)
        assert await _opens(phone, url)
        settings = await laptop.get(shop.url("orders", "/admin/settings"))
        page = parse_page(str(settings.url), 200, settings.text)
        everywhere = page.form_with_button("Log out everywhere")
        response = await laptop.post(everywhere.action, data=everywhere.fields)
        assert response.status_code == 303
        assert not await _opens(phone, url), "another device's session survived"
        assert not await _opens(phone, shop.url("orders", "/admin"))
        assert not await _opens(laptop, shop.url("orders", "/admin"))
    finally:
        await laptop.aclose()
        await phone.aclose()
