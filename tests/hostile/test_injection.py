"""HTML and header injection through the client's name, note and address.

Every page that can show them (client order page, payment page, download page, admin order
page and list, email log) and every email received by the SMTP server shows them as text:
never the raw markup. CR/LF in a name may be refused (422 naming the field) or kept as
text, but never becomes an email header.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shop_devtools.client import default_client
from shop_devtools.pages import parse_page
from shop_testkit.smtp import ReceivedEmail

from .conftest import SELLER, settle

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
ATTR = f'">{IMG}'  # breaks out of an attribute value
RAW = (SCRIPT, IMG, "<img src=x", "onerror=alert(1)>")
EVIL = "evil@example.com"
HEADER_INJECTION = f"Bob\r\nBcc: {EVIL}"
ALLOWED_HEADERS = {
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "x-shop-order-id",
    "content-type",
    "content-transfer-encoding",
    "mime-version",
    "reply-to",
    "auto-submitted",
    "list-unsubscribe",
    "x-mailer",
    "received",
    "x-peer",
    "x-mailfrom",
    "x-rcptto",
}


def raw_markup_in(html: str) -> list[str]:
    return [r for r in RAW if r in html]


def shown_as_text(html: str, url: str = "") -> bool:
    """The payload is displayed as text (escaped), not parsed as markup."""
    return SCRIPT in parse_page(url, 200, html).text


def _hostile_body(email: str) -> dict[str, Any]:
    client = default_client(email, name=f"Eve {SCRIPT}{ATTR}")
    client["address"].update(line1=ATTR, line2=SCRIPT, city=f"Paris{SCRIPT}")
    return {"client": client, "items": [], "note": f"{SCRIPT}\n{ATTR}\r\nBcc: {EVIL}"}


@pytest.fixture(scope="module")
async def hostile(shop, web_item) -> dict[str, Any]:
    """An order whose every free-text field carries markup; its pages before and after delivery."""
    email = shop.new_email("xss")
    body = _hostile_body(email)
    body["items"] = [web_item]
    response = await shop.client.post_order(body)
    assert response.status_code == 201, f"a name with < > must be accepted: {response.text[:300]}"
    order = response.json()
    pages = {
        "client order page": shop.url(
            "orders", f"/orders/{order['id']}?token={order['access_token']}"
        ),
        "payment page": shop.client.payment_page_url(order),
    }
    html = {name: (await shop.client.wait_for_page(url)).html for name, url in pages.items()}
    assert (await shop.client.admin_command(order["id"], "force-delivery")).status_code == 202
    await shop.client.wait_for_order(order, delivery_status="delivered")
    html["download page"] = (await shop.client.download_page(order)).html
    html["client order page, delivered"] = (await shop.client.page(pages["client order page"])).html
    await shop.mail.wait_for(lambda m: email in m.recipients and "/downloads" in m.text())
    await shop.mail.wait_for(lambda m: SELLER in m.recipients and order["number"] in m.subject)
    return {"order": order, "email": email, "html": html}


async def test_client_pages_never_contain_raw_markup(hostile):
    found = {name: raw_markup_in(html) for name, html in hostile["html"].items()}
    assert not any(found.values()), f"raw markup on client pages: {found}"


async def test_admin_pages_show_the_markup_as_text(shop, hostile):
    order = hostile["order"]
    http = await shop.admin_session()
    try:
        pages = {
            "admin order page": shop.url("orders", f"/admin/orders/{order['id']}"),
            "admin orders list": shop.url("orders", "/admin"),
            "email log": shop.url("notifications", f"/admin/emails?order_id={order['id']}"),
        }
        html = {}
        for name, url in pages.items():
            response = await http.get(url)
            assert response.status_code == 200, f"{name}: {response.status_code}"
            html[name] = response.text
        emails = await shop.emails_of(order["id"])
        assert emails, "no email logged for the order"
        for logged in emails:
            url = shop.url("notifications", f"/admin/emails/{logged['id']}")
            response = await http.get(url)
            assert response.status_code == 200, f"{url}: {response.status_code}"
            html[f"email page {logged['template']}"] = response.text
    finally:
        await http.aclose()
    found = {name: raw_markup_in(text) for name, text in html.items()}
    assert not any(found.values()), f"raw markup on admin pages: {found}"
    for name in ("admin order page", "admin orders list"):
        assert shown_as_text(html[name]), f"{name} does not show the name as text"


def _email_problems(message: ReceivedEmail) -> list[str]:
    problems = []
    keys = {k.lower() for k in message.message}
    if "bcc" in keys or "cc" in keys:
        problems.append(f"injected header in {message.subject!r}: {sorted(keys)}")
    if unexpected := keys - ALLOWED_HEADERS:
        problems.append(f"unexpected headers in {message.subject!r}: {sorted(unexpected)}")
    if any(EVIL in r for r in message.recipients):
        problems.append(f"sent to {message.recipients}")
    for key, value in message.message.items():
        if EVIL in str(value) or ("\n" in str(value).strip() and key.lower() == "subject"):
            problems.append(f"header {key}: {value!r}")
    if found := raw_markup_in(message.html()):
        problems.append(f"raw markup in the HTML of {message.subject!r}: {found}")
    return problems


async def test_emails_escape_the_markup_and_carry_no_injected_header(shop, hostile):
    order = hostile["order"]
    received = shop.received_for(order["id"])
    assert len(received) >= 2, [m.subject for m in received]
    problems = [p for m in received for p in _email_problems(m)]
    assert not problems, "\n".join(problems)
    seller = [m for m in received if SELLER in m.recipients]
    assert seller, "no email to the seller"
    assert shown_as_text(seller[0].html()), "the seller's email does not show the name"
    for logged in await shop.emails_of(order["id"]):
        assert EVIL not in logged["to"], logged


async def test_crlf_in_the_name_never_becomes_an_email_header(shop, web_item):
    email = shop.new_email("crlf")
    client = default_client(email, name=HEADER_INJECTION)
    client["address"]["line1"] = f"1 Rue X\r\nBcc: {EVIL}"
    response = await shop.client.post_order({"client": client, "items": [web_item]})
    if response.status_code == 422:
        assert "name" in response.text or "line1" in response.text, response.text[:300]
        assert all(email not in str(o) for o in await shop.client.admin_orders())
        return
    assert response.status_code == 201, response.text[:300]
    order = response.json()
    assert (await shop.client.admin_command(order["id"], "force-delivery")).status_code == 202
    await shop.mail.wait_for(lambda m: email in m.recipients and "/downloads" in m.text())
    await shop.mail.wait_for(lambda m: SELLER in m.recipients and order["number"] in m.subject)
    await settle(1.0)
    received = shop.received_for(order["id"])
    problems = [p for m in received for p in _email_problems(m)]
    assert not problems, "\n".join(problems)
    assert not [m for m in shop.mail.received if any(EVIL in r for r in m.recipients)]


@pytest.mark.parametrize(
    "email",
    [f"bob@example.com\r\nBcc: {EVIL}", f"bob@example.com\nBcc: {EVIL}", f"bob@example.com,{EVIL}"],
    ids=["crlf", "lf", "two-addresses"],
)
async def test_header_injection_in_the_email_address_is_refused(shop, web_item, email):
    before = await shop.order_count()
    body = {"client": default_client(email), "items": [web_item]}
    response = await shop.client.post_order(body)
    assert response.status_code == 422, response.text[:300]
    assert "email" in response.text
    assert await shop.order_count() == before


async def test_reflected_markup_is_escaped(shop, placed_order, web_item):
    """Values sent back into a page (a refused checkout form, error pages) stay text."""
    cart_id = await shop.cart_with(web_item)
    checkout = await shop.http.post(
        shop.url("orders", "/checkout"),
        headers=shop.form_headers(cart_id),
        data={
            "name": f"{SCRIPT}{ATTR}",
            "email": f"not-an-email{ATTR}",
            "note": SCRIPT,
            "line1": ATTR,
            "city": SCRIPT,
            "postal_code": ATTR,
            "country": "FR",
        },
    )
    assert checkout.status_code == 422, checkout.status_code
    pages = {"refused checkout": checkout}
    order_id = placed_order["id"]
    token = f"{SCRIPT}{ATTR}"
    for name, url in {
        "client order page": shop.url("orders", f"/orders/{order_id}"),
        "payment page": shop.url("payments", f"/pay/{order_id}"),
        "download page": shop.url("delivery", f"/orders/{order_id}/downloads"),
    }.items():
        pages[f"{name} with a hostile token"] = await shop.http.get(url, params={"token": token})
    http = await shop.admin_session()
    try:
        pages["admin list ?status="] = await http.get(
            shop.url("orders", "/admin"), params={"status": SCRIPT}
        )
        pages["admin order ?done="] = await http.get(
            shop.url("orders", f"/admin/orders/{order_id}"),
            params={"done": SCRIPT, "refused": ATTR},
        )
        pages["email log ?order_id="] = await http.get(
            shop.url("notifications", "/admin/emails"), params={"order_id": SCRIPT}
        )
    finally:
        await http.aclose()
    found = {name: raw_markup_in(r.text) for name, r in pages.items() if _is_html(r)}
    assert not any(found.values()), f"reflected markup: {found}"
    assert all(r.status_code < 500 for r in pages.values()), {
        n: r.status_code for n, r in pages.items()
    }


def _is_html(response: httpx.Response) -> bool:
    return "html" in response.headers.get("content-type", "") or "<" in response.text[:50]


async def test_client_text_loses_invisible_format_characters(shop, web_item):
    """A name or note with U+202E would show reversed text in the seller's email and admin."""
    order = await shop.client.place_order(
        [web_item],
        email=shop.new_email("bidi"),
        note="invoice\u202egpj.exe",
    )
    seen = await shop.client.admin_order(order["id"])
    assert seen["note"] == "invoicegpj.exe", seen["note"]
