"""Issue 10 on payments' pages: the shop's shared look (shop_web), errors as pages for
browsers with their status kept (JSON for /api and /webhooks), the photographer's contact
details in the contact-us text, the sandbox's way back to the shop, the thank-you page's way to
the order and what happens next, a cancelled order, plain words."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from shop_platform.auth import ADMIN_COOKIE

from .conftest import (
    ADMIN_SESSIONS,
    BROWSER,
    ORDERS_PUBLIC,
    PUBLIC,
    SECRET,
    cancel,
    envelope_of,
    mark_paid,
    order_placed,
    place,
    token,
    use_settings,
)
from .test_pages import buttons, form_action

SHARED_LOOK = ('href="/static/web/shop.css"', 'href="#main"', "Lumen Photo")
RAW_STATUS = re.compile(r"\b(awaiting_payment|awaiting_validation|refund_due)\b")


def has_shared_look(html: str) -> None:
    for mark in SHARED_LOOK:
        assert mark in html, mark
    assert "--line: #e3e6e8" not in html  # payments' own old style sheet


def visible_text(html: str) -> str:
    without = re.sub(r"<(script|style|head)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", without)


@pytest.fixture
async def admin(root) -> AsyncIterator[httpx.AsyncClient]:
    cookies = {ADMIN_COOKIE: ADMIN_SESSIONS.login(SECRET)}
    transport = httpx.ASGITransport(app=root.app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url=PUBLIC,
        cookies=cookies,
        headers={"Origin": PUBLIC, **BROWSER},
    ) as http:
        yield http


async def sandbox_page(client, order_id: uuid.UUID) -> httpx.Response:
    checkout = await client.post(f"/pay/{order_id}/checkout?token={token(order_id)}")
    assert checkout.status_code == 303
    return await client.get(checkout.headers["location"], headers=BROWSER)


async def test_the_client_pages_have_the_shops_look(root, client, router) -> None:
    await use_settings(root, "sandbox")
    placed = await place(router)
    query = f"?token={token(placed.order_id)}"
    pay = await client.get(f"/pay/{placed.order_id}{query}", headers=BROWSER)
    sandbox = await sandbox_page(client, placed.order_id)
    paid = await client.post(form_action(sandbox.text))
    done = await client.get(paid.headers["location"], headers=BROWSER)
    for page in (pay, sandbox, done):
        assert page.status_code == 200
        has_shared_look(page.text)
        assert not RAW_STATUS.search(visible_text(page.text)), page.url


async def test_the_settings_page_has_the_admin_look_and_navigation(admin) -> None:
    page = await admin.get("/admin/settings")
    assert page.status_code == 200
    has_shared_look(page.text)
    here = re.search(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>', page.text)
    assert here
    assert here.groups() == (f"{PUBLIC}/admin/settings", "Payment settings")
    assert f'href="{ORDERS_PUBLIC}/admin"' in page.text  # the other services' admin pages
    assert f'action="{ORDERS_PUBLIC}/admin/logout"' in page.text


async def test_a_refused_setting_is_said_next_to_its_field(admin) -> None:
    page = await admin.get("/admin/settings")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    form = {"csrf": csrf.group(1), "card_processor": "stripe", "payment_instructions": "Call"}
    refused = await admin.post("/admin/settings", data=form)
    assert refused.status_code == 422
    has_shared_look(refused.text)
    assert 'aria-describedby="card_processor-note"' in refused.text
    note = re.search(r'<p class="error" id="card_processor-note">([^<]+)</p>', refused.text)
    assert note
    assert "STRIPE_SECRET_KEY" in note.group(1)
    assert ">Call</textarea>" in refused.text  # what was typed is kept
    expired = await admin.post("/admin/settings", data={**form, "csrf": "old"})
    assert expired.status_code == 401
    assert expired.headers["content-type"].startswith("text/html")
    has_shared_look(expired.text)


async def test_wrong_or_cut_links_are_pages_for_browsers(root, client, router) -> None:
    placed = await place(router)
    order_id = placed.order_id
    full = token(order_id)
    for url in (
        f"/pay/{order_id}?token={full[:-6]}",  # the token cut short
        f"/pay/{order_id}",
        f"/pay/{str(order_id)[:20]}",  # cut inside the order's id
        f"/pay/{order_id}/done?token=nope",
        f"/pay/{str(order_id)[:8]}/done?token={full}",
    ):
        page = await client.get(url, headers=BROWSER)
        assert page.status_code == 404, url
        assert page.headers["content-type"].startswith("text/html"), url
        has_shared_look(page.text)
        assert "This payment link is not valid" in page.text
        assert placed.number not in page.text
        program = await client.get(url)  # a program (no text/html): JSON
        assert program.status_code == 404
        assert program.json()["error"] == "not_found"


async def test_api_and_webhooks_stay_json_for_browsers(client) -> None:
    api = await client.get("/api/admin/settings", headers=BROWSER)
    assert api.status_code == 401
    assert api.json()["error"] == "unauthorized"
    hook = await client.post("/webhooks/stripe", content=b"{}", headers=BROWSER)
    assert hook.status_code == 400
    assert hook.json()["error"] == "invalid_signature"


async def test_contact_us_gives_the_photographers_details(root, client, router) -> None:
    await use_settings(root, None, None)
    placed = await place(router)
    page = await client.get(f"/pay/{placed.order_id}?token={token(placed.order_id)}")
    assert f"Please contact us to arrange payment for order {placed.number}" in page.text
    main = page.text.split('<main id="main">')[1].split("</main>")[0]
    assert "Lumen Photo" in main
    assert re.search(
        r'<a href="mailto:hello@lumen.test\?subject=Order%20N-[^"]+">hello@lumen', main
    )
    assert '<a href="tel:+33123456789">+33 1 23 45 67 89</a>' in main
    assert buttons(page.text) == []


async def test_the_sandbox_leads_back_to_the_shop(root, client, router) -> None:
    await use_settings(root, "sandbox")
    placed = await place(router)
    page = await sandbox_page(client, placed.order_id)
    back = re.search(r'<a href="([^"]+)">Back to the shop</a>', page.text)
    assert back
    assert back.group(1) == f"{ORDERS_PUBLIC}/"
    assert "/pay/" not in back.group(1)


async def test_the_thank_you_page_leads_to_the_order_and_says_what_next(
    root, client, router
) -> None:
    await use_settings(root, "sandbox")
    placed = order_placed()
    order_url = f"http://shop.example/orders/{placed.order_id}?token=from-order-placed"
    placed = placed.model_copy(update={"order_url": order_url})
    assert await router.handle(envelope_of(placed, placed.order_id), placed)
    sandbox = await sandbox_page(client, placed.order_id)
    paid = await client.post(form_action(sandbox.text))
    done = await client.get(paid.headers["location"], headers=BROWSER)
    assert "Payment received" in done.text
    assert f'<a href="{order_url}">View your order</a>' in done.text
    assert "What happens next" in done.text
    assert "ada@example.com" in done.text  # where the download links go
    assert "pay.js" not in done.text  # paid: nothing to wait for


async def test_a_thank_you_page_before_the_payment_is_confirmed_updates_itself(
    root, client, router
) -> None:
    await use_settings(root, "sandbox")
    placed = await place(router)  # the processor's webhook has not come yet
    done = await client.get(f"/pay/{placed.order_id}/done?token={token(placed.order_id)}")
    assert "We are confirming your payment" in done.text
    assert "updates itself" in done.text
    assert '<script src="/static/payments/pay.js" defer></script>' in done.text
    assert "known=card" in done.text
    await mark_paid(router, placed.order_id)
    state = f"/pay/{placed.order_id}/state?token={token(placed.order_id)}&known=card"
    assert (await client.get(state)).json() == {"state": "paid", "changed": True}


async def test_a_cancelled_orders_page_says_so_without_a_payment_button(
    root, client, router
) -> None:
    await use_settings(root, "sandbox")
    placed = await place(router)
    await cancel(router, placed.order_id)
    page = await client.get(f"/pay/{placed.order_id}?token={token(placed.order_id)}")
    assert "This order was cancelled; it can no longer be paid." in page.text
    assert buttons(page.text) == []
    assert "<form" not in page.text.split('<main id="main">')[1]
    assert "Secure payment" not in page.text
