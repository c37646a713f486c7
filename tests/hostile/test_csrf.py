"""The admin pages' forms need their CSRF token: with a valid admin session cookie but no token,
or a forged one, the POST is refused (4xx) and changes nothing. The control: the form as the
page renders it does work."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shop_devtools.pages import Form, parse_page

from .conftest import settle

FORGED = "forged-csrf-token"
CSRF_NAMES = ("csrf", "csrf_token", "_csrf", "csrfmiddlewaretoken")


def _without_csrf(form: Form) -> dict[str, str]:
    return {k: v for k, v in form.fields.items() if "csrf" not in k.lower()}


def _with_forged_csrf(form: Form) -> dict[str, str]:
    fields = _without_csrf(form)
    names = [k for k in form.fields if "csrf" in k.lower()] or list(CSRF_NAMES)
    return fields | {name: FORGED for name in names}


async def _form(http: httpx.AsyncClient, url: str, button: str) -> Form:
    response = await http.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return parse_page(str(response.url), 200, response.text).form_with_button(button)


def _refused(response: httpx.Response) -> bool:
    return 400 <= response.status_code < 500


@pytest.fixture
async def admin_http(shop):
    http = await shop.admin_session()
    yield http
    await http.aclose()


@pytest.mark.parametrize("variant", ["no token", "forged token"])
async def test_order_button_without_csrf_token_is_refused(shop, web_item, admin_http, variant):
    order = await shop.unpaid_order(web_item, "csrf")
    page = shop.url("orders", f"/admin/orders/{order['id']}")
    forms = {
        b: await _form(admin_http, page, b) for b in ("Cancel", "Mark as paid", "Force delivery")
    }
    wrong = []
    for button, form in forms.items():
        data = _without_csrf(form) if variant == "no token" else _with_forged_csrf(form)
        response = await admin_http.post(form.action, data=data)
        if not _refused(response):
            location = response.headers.get("location", "")
            wrong.append(
                f"{button}: POST {form.action} {data} -> {response.status_code} {location}"
            )
    await settle(1.5)
    current = await shop.client.get_order(order)
    state = (current["status"], current["payment_status"], current["delivery_status"])
    assert not wrong, f"{variant}: admin form accepted without its CSRF token:\n" + "\n".join(wrong)
    assert state == ("awaiting_payment", "unpaid", "pending"), state
    assert await shop.payments_of(order["id"]) == []


@pytest.mark.parametrize("variant", ["no token", "forged token"])
async def test_orders_settings_form_without_csrf_token_is_refused(shop, admin_http, variant):
    before = await shop.client.settings("orders")
    form = await _form(admin_http, shop.url("orders", "/admin/settings"), "Save")
    data = _without_csrf(form) if variant == "no token" else _with_forged_csrf(form)
    data |= {"manual_validation": "on", "seller_email": "evil@example.com"}
    response = await admin_http.post(form.action, data=data)
    assert _refused(response), (
        f"{variant}: {response.status_code} {response.headers.get('location')}"
    )
    assert await shop.client.settings("orders") == before


@pytest.mark.parametrize("variant", ["no token", "forged token"])
async def test_payment_settings_form_without_csrf_token_is_refused(shop, admin_http, variant):
    before = await shop.client.settings("payments")
    form = await _form(admin_http, shop.url("payments", "/admin/settings"), "Save")
    data = _without_csrf(form) if variant == "no token" else _with_forged_csrf(form)
    data |= {"card_processor": "", "payment_instructions": "Wire the money to evil@example.com"}
    response = await admin_http.post(form.action, data=data)
    assert _refused(response), (
        f"{variant}: {response.status_code} {response.headers.get('location')}"
    )
    assert await shop.client.settings("payments") == before


async def _admin_forms(shop, http: httpx.AsyncClient, start: list[str]) -> dict[str, Form]:
    """Every POST form on the admin pages reachable from `start` (same services, /admin...)."""
    services = ("orders", "payments", "notifications", "catalog")
    bases = tuple(shop.url(s, "/admin") for s in services)
    seen: set[str] = set()
    queue = list(start)
    forms: dict[str, Form] = {}
    while queue and len(seen) < 30:
        url = queue.pop(0).split("#")[0]
        if url in seen or not url.startswith(bases) or "/logout" in url:
            continue
        seen.add(url)
        response = await http.get(url)
        if response.status_code != 200 or "html" not in response.headers.get("content-type", ""):
            continue
        page = parse_page(str(response.url), 200, response.text)
        for form in page.forms:
            if form.method == "POST" and "/login" not in form.action:
                forms.setdefault(form.action.split("?")[0], form)
        queue += [link for link in page.links if link not in seen]
    return forms


async def test_every_admin_form_carries_a_csrf_token(shop, placed_order, admin_http):
    start = [
        shop.url("orders", "/admin"),
        shop.url("orders", f"/admin/orders/{placed_order['id']}"),
        shop.url("orders", "/admin/settings"),
        shop.url("catalog", "/admin/media"),
        shop.url("catalog", "/admin/galleries"),
        shop.url("catalog", "/admin/pricing-profiles"),
        shop.url("catalog", "/admin/selections"),
        shop.url("orders", "/admin/system"),
        shop.url("payments", "/admin/settings"),
        shop.url("notifications", "/admin/emails"),
    ]
    forms = await _admin_forms(shop, admin_http, start)
    assert len(forms) >= 4, f"too few admin forms found: {sorted(forms)}"
    missing = []
    for action, form in sorted(forms.items()):
        if "/logout" in action:
            continue
        tokens = [v for k, v in form.fields.items() if "csrf" in k.lower()]
        if not tokens or not all(len(t) >= 32 for t in tokens):
            missing.append(f"{action} fields {sorted(form.fields)}")
    assert not missing, "admin forms without a CSRF token:\n" + "\n".join(missing)


async def test_control_the_forms_as_rendered_do_work(shop, web_item, admin_http):
    """Without this, a refusal above could just mean a wrong URL or field name."""
    order = await shop.unpaid_order(web_item, "csrf-control")
    form = await _form(admin_http, shop.url("orders", f"/admin/orders/{order['id']}"), "Cancel")
    response = await admin_http.post(form.action, data=form.fields)
    assert response.status_code in (200, 302, 303), response.status_code
    await shop.client.wait_for_order(order, status="cancelled")

    before: dict[str, Any] = await shop.client.settings("payments")
    form = await _form(admin_http, shop.url("payments", "/admin/settings"), "Save")
    kept = {
        "card_processor": before["card_processor"] or "",
        "payment_instructions": before["payment_instructions"] or "",
    }
    response = await admin_http.post(form.action, data=form.fields | kept)
    assert response.status_code in (200, 302, 303), response.status_code
    after = await shop.client.settings("payments")
    assert after["card_processor"] == before["card_processor"]
