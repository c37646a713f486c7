"""Issue 13's "Done when" across the five processes, through the contract's APIs and pages:
an offline method accepted then marked as paid, PayPal (the built-in sandbox) approved and
captured, a full and a partial refund through the Stripe-like sandbox (links dead, the client
emailed), a quote requested, priced, sent, accepted, paid and delivered, and an abandoned order
reminded once then cancelled by the timer across a restart of the orders service.

Who builds what is in the assertion messages (the brief's owners: W2 offline methods and the
payment page, W3 PayPal, W4 payments' refunds, W5 orders' refunds, W6 abandoned orders, W7
quotations, W8 delivery and notifications).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import asyncpg
import pytest

from shop_devtools.client import default_client

Json = dict[str, Any]

BANK = {
    "name": "Bank transfer",
    "instructions": "Transfer the total to IBAN FR76 3000 6000 0112 3456 7890 189, BIC AGRIFRPP.",
    "button_label": "Accept",
}
CHEQUE = {
    "name": "Cheque",
    "instructions": "Send a cheque to Studio Lumen, 12 rue des Arts, 75003 Paris.",
    "button_label": "Pay by cheque",
}
DEAD = (404, 410)  # the brief: a revoked link answers 410 or 404


# --- helpers ----------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def database(shop, service: str) -> AsyncIterator[asyncpg.Connection]:
    dsn = shop.config.database_urls[service].replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        yield connection
    finally:
        await connection.close()


async def put_payment_settings(
    shop, processors: list[str], methods: list[Json] | None = None
) -> Json:
    """W2: payments' settings with `card_processors` and `offline_methods`."""
    current = await shop.client.admin_call("GET", "payments", "/api/admin/settings")
    body = current | {
        "card_processor": processors[0] if processors else None,
        "card_processors": processors,
        "offline_methods": methods or [],
    }
    saved = await shop.client.admin_call("PUT", "payments", "/api/admin/settings", body)
    assert saved["card_processors"] == processors, f"W2: settings {saved}"
    assert [m["name"] for m in saved["offline_methods"]] == [m["name"] for m in methods or []]
    return saved


@pytest.fixture
async def payment_settings(shop) -> AsyncIterator[None]:
    """Payments' and orders' settings put back afterwards (the session is shared)."""
    before = await shop.client.admin_call("GET", "payments", "/api/admin/settings")
    await shop.client.settings("orders", manual_validation=False)
    yield
    await shop.client.admin_call("PUT", "payments", "/api/admin/settings", before)


async def history_text(shop, order: Json) -> str:
    history = (await shop.client.admin_order(order["id"]))["history"]
    return " | ".join(f"{h.get('kind')}: {h.get('detail')}" for h in history)


async def wait_history(shop, order: Json, pattern: str, timeout: float = 30.0) -> str:
    deadline = asyncio.get_running_loop().time() + timeout
    text = await history_text(shop, order)
    while not re.search(pattern, text, re.IGNORECASE):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no {pattern!r} in the history of {order['number']}: {text}")
        await asyncio.sleep(0.3)
        text = await history_text(shop, order)
    return text


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.anchors.append(dict(attrs))


def file_links(page: Any) -> dict[str, str]:
    """The download page's file links: {file name (its `download` attribute): URL}."""
    parser = _Anchors()
    parser.feed(page.html if hasattr(page, "html") else str(page))
    found = {}
    for anchor in parser.anchors:
        href, name = anchor.get("href") or "", anchor.get("download")
        if name and "/downloads/" in href:
            found[name] = urljoin(page.url, href)
    return found


async def status_of(shop, url: str) -> int:
    return (await shop.client.http.get(url)).status_code


async def wait_dead(shop, url: str, timeout: float = 30.0) -> int:
    deadline = asyncio.get_running_loop().time() + timeout
    code = await status_of(shop, url)
    while code not in DEAD and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.3)
        code = await status_of(shop, url)
    return code


async def delivered_links(shop, order: Json) -> dict[str, str]:
    page = await shop.client.download_page(order)
    links = file_links(page)
    assert links, f"no file links on the download page: {page.text[:800]}"
    for url in links.values():
        assert await status_of(shop, url) == 200, url
    return links


async def two_items(catalog: Json) -> list[Json]:
    """Two order lines on two different demo images with a Web license."""
    items: list[Json] = []
    for media in catalog["media"]:
        if media["kind"] != "image":
            continue
        for license_ in media["licenses"]:
            if "web" in license_["name"].lower():
                items.append({"media_id": media["id"], "license_id": license_["id"]})
                break
        if len(items) == 2:
            return items
    raise AssertionError("the demo catalog has fewer than two images with a Web license")


async def pay_with_sandbox_and_wait(shop, order: Json) -> Json:
    await shop.client.pay_with_sandbox(order)
    return await shop.client.wait_for_order(
        order, status="delivered", payment_status="paid", delivery_status="delivered"
    )


async def refund(shop, order: Json, **body: Any):
    url = shop.client.url("orders", f"/api/admin/orders/{order['id']}/refund")
    payload = {"amount": None, "line_ids": [], "reason": "e2e refund"} | body
    return await shop.client.http.post(url, headers=shop.client.admin, json=payload)


async def count_payments(shop, order: Json) -> list[asyncpg.Record]:
    async with database(shop, "payments") as db:
        return list(
            await db.fetch(
                "SELECT method, processor, amount, disposition FROM payments WHERE order_id = $1",
                uuid.UUID(order["id"]),
            )
        )


# --- offline method: Accept -> instructions -> Mark as paid -> delivered ------------------------


async def test_an_offline_method_is_accepted_then_marked_as_paid_and_delivered(
    shop, web_item, payment_settings
):
    await put_payment_settings(shop, ["sandbox"], [BANK, CHEQUE])
    client = shop.new_email("offline")
    order = await shop.client.place_order([web_item], email=client)

    page = await shop.client.payment_page(order, until=lambda p: p.has_button("Accept"))
    assert page.has_button("Secure payment"), f"W2: the card form too: {page.buttons()}"
    assert page.has_button("Pay by cheque"), f"W2: one form per offline method: {page.buttons()}"
    assert BANK["instructions"] not in page.text, "W2: instructions only once chosen"

    chosen = await shop.client.submit(page.form_with_button("Accept"))
    assert chosen.status == 200, f"W2: {chosen.status} {chosen.text[:300]}"
    assert BANK["instructions"] in html.unescape(chosen.text), (
        f"W2: the chosen method's instructions on the page: {chosen.text[:1500]}"
    )

    # W8: the instructions emailed to the client; the photographer told of the choice.
    mail = await shop.email_to(client, containing=BANK["instructions"][:40])
    assert order["number"] in mail.subject + mail.text(), mail.subject
    seller = await shop.email_to(shop.config.seller_email, containing="will pay by Bank transfer")
    assert order["number"] in seller.subject + seller.text(), seller.subject
    await wait_history(shop, order, "Bank transfer")  # W5: orders' history note

    # A second click, and another method afterwards, change nothing: same instructions.
    again = await shop.client.submit(page.form_with_button("Accept"))
    other = await shop.client.submit(page.form_with_button("Pay by cheque"))
    for answer in (again, other):
        assert answer.status == 200, f"W2: {answer.status} {answer.text[:300]}"
        text = html.unescape(answer.text)
        assert BANK["instructions"] in text, f"W2: the first choice wins: {text[:1500]}"
        assert CHEQUE["instructions"] not in text, "W2: a later choice is ignored"
    await asyncio.sleep(3)  # a second OfflinePaymentChosen would be emailed by now
    sent = shop.emails_to(client, containing=BANK["instructions"][:40])
    assert len(sent) == 1, f"W2/W8: the instructions emailed once, not {len(sent)}"
    assert not shop.emails_to(client, containing=CHEQUE["instructions"][:40])
    history = await history_text(shop, order)
    notes = re.findall(r"offline_chosen: [^|]*", history)
    assert len(notes) == 1, f"W2/W5: one choice note: {history}"
    assert "Bank transfer" in notes[0], f"W5: the note names the method: {history}"
    current = await shop.client.get_order(order)
    assert current["payment_status"] == "unpaid", "nothing delivered before Mark as paid"
    assert current["delivery_status"] != "delivered", current

    paid = await shop.client.admin_command(order["id"], "mark-paid")
    assert paid.status_code == 202, paid.text
    await shop.client.wait_for_order(
        order, status="delivered", payment_status="paid", delivery_status="delivered"
    )
    await shop.email_to(client, containing=f"/orders/{order['id']}/downloads")
    await delivered_links(shop, order)


# --- PayPal sandbox: Approve -> captured -> delivered, confirmed once ---------------------------


async def test_paypal_sandbox_approved_captured_and_delivered_once(
    shop, web_item, payment_settings
):
    await put_payment_settings(shop, ["paypal_sandbox"])
    client = shop.new_email("paypal")
    order = await shop.client.place_order([web_item], email=client)

    page = await shop.client.payment_page(order, until=lambda p: p.has_button("Pay with PayPal"))
    approval = await shop.client.submit(page.form_with_button("Pay with PayPal"))
    assert approval.status == 200, f"W3: {approval.status} {approval.text[:300]}"
    assert "/paypal-sandbox/checkoutnow/" in approval.url, f"W3: {approval.url}"
    assert approval.has_button("Approve"), f"W3: the approval page: {approval.buttons()}"
    back = await shop.client.submit(approval.form_with_button("Approve"))
    assert back.status < 400, f"W3: return and capture: {back.status} {back.text[:300]}"

    await shop.client.wait_for_order(
        order, status="delivered", payment_status="paid", delivery_status="delivered"
    )
    await shop.email_to(client, containing=f"/orders/{order['id']}/downloads")
    # The return URL again (a reload, the browser's back button): captured once.
    again = await shop.client.page(back.url)
    assert again.status < 500, f"W3: the return reloaded: {again.status}"
    await asyncio.sleep(2)
    payments = await count_payments(shop, order)
    assert [(p["processor"], p["amount"]) for p in payments] == [
        ("paypal_sandbox", order["total"])
    ], f"W3: one confirmed payment by the PayPal sandbox: {payments}"
    history = await history_text(shop, order)
    assert len(re.findall(r"\bpaid:", history)) == 1, f"W3/W5: paid once: {history}"
    assert len(shop.emails_to(client, containing=f"/orders/{order['id']}/downloads")) == 1


# --- refunds through the Stripe-like sandbox --------------------------------------------------


async def test_a_full_refund_kills_the_links_and_tells_the_client(shop, web_item, payment_settings):
    await put_payment_settings(shop, ["sandbox"])
    client = shop.new_email("refund")
    order = await shop.client.place_order([web_item], email=client)
    await pay_with_sandbox_and_wait(shop, order)
    links = await delivered_links(shop, order)

    response = await refund(shop, order, reason="client changed their mind")
    assert response.status_code == 202, f"W5: {response.status_code} {response.text[:500]}"
    await wait_history(shop, order, r"Refund of .* requested")

    current = await shop.client.wait_for_order(order, timeout=45, payment_status="refunded")
    assert current.get("refunded") == order["total"], f"W5: refunded amount: {current}"
    for url in links.values():
        assert await wait_dead(shop, url) in DEAD, f"W8: {url} still serves after a full refund"
    mail = await shop.email_to(client, containing="refunded")
    assert order["number"] in mail.subject, mail.subject
    await shop.email_to(shop.config.seller_email, containing=f"Order {order['number']}: ")

    # Nothing left to give back: 409; a non-positive amount: 422.
    more = await refund(shop, order, amount=100)
    assert more.status_code == 409, f"W5: refund beyond what is left: {more.status_code}"
    zero = await refund(shop, order, amount=0)
    assert zero.status_code == 422, f"W5: a zero amount: {zero.status_code}"
    await asyncio.sleep(2)
    async with database(shop, "payments") as db:
        refunds = await db.fetchval(
            "SELECT count(*) FROM refunds WHERE order_id = $1", uuid.UUID(order["id"])
        )
    assert refunds == 1, f"W4: one refund recorded, not {refunds}"
    async with database(shop, "payments") as db:
        given = await db.fetch(
            "SELECT r.amount FROM sandbox_refunds r JOIN sandbox_checkout_sessions s "
            "ON s.id = r.session_id WHERE s.order_id = $1",
            uuid.UUID(order["id"]),
        )
    assert [r["amount"] for r in given] == [order["total"]], (
        f"W4: the sandbox processor refunded the total once: {given}"
    )
    assert len(shop.emails_to(client, containing="refunded")) == 1, "W8: emailed once"


async def test_a_partial_refund_revokes_only_its_line(shop, catalog, payment_settings):
    await put_payment_settings(shop, ["sandbox"])
    client = shop.new_email("partial")
    items = await two_items(catalog)
    order = await shop.client.place_order(items, email=client)
    await pay_with_sandbox_and_wait(shop, order)
    links = await delivered_links(shop, order)
    assert len(links) == 2, f"two files: {links}"
    seen = await shop.client.get_order(order)
    line = seen["items"][0]

    unknown = await refund(shop, order, amount=line["price"], line_ids=[str(uuid.uuid4())])
    assert unknown.status_code == 422, f"W5: a line not in the order: {unknown.status_code}"
    response = await refund(shop, order, amount=line["price"], line_ids=[line["id"]])
    assert response.status_code == 202, f"W5: {response.status_code} {response.text[:500]}"

    current = await shop.client.wait_for_order(
        order, timeout=45, payment_status="partially_refunded"
    )
    assert current.get("refunded") == line["price"], f"W5: {current}"
    async with database(shop, "delivery") as db:
        names = await db.fetch(
            "SELECT line_id, file_name FROM delivery_items WHERE order_id = $1",
            uuid.UUID(order["id"]),
        )
    by_line = {str(r["line_id"]): r["file_name"] for r in names}
    revoked_name = by_line[line["id"]]
    kept = [name for name in links if name != revoked_name]
    assert revoked_name in links, f"{by_line} vs {list(links)}"
    assert len(kept) == 1, f"{by_line} vs {list(links)}"
    assert await wait_dead(shop, links[revoked_name]) in DEAD, "W8: the refunded line's link"
    assert await status_of(shop, links[kept[0]]) == 200, "W8: the other line's link stays"
    mail = await shop.email_to(client, containing="refunded")
    assert order["number"] in mail.subject, mail.subject


# --- a quotation: requested -> priced and sent -> accepted -> paid -> delivered --------------


async def test_a_quote_is_priced_sent_accepted_paid_and_delivered(shop, web_item, payment_settings):
    await put_payment_settings(shop, ["sandbox"])
    client = shop.new_email("quote")
    asked = await shop.client.http.post(
        shop.client.url("orders", "/api/quotes"),
        json={
            "client": {"name": "Quentin Client", "email": client},
            "media_ids": [web_item["media_id"]],
            "message": "A book cover, 5000 copies",
        },
    )
    assert asked.status_code == 201, f"W7: {asked.status_code} {asked.text[:500]}"
    quote = asked.json()
    assert quote["status"] == "requested", quote
    await shop.email_to(shop.config.seller_email, containing="Quote request from Quentin Client")

    path = f"/api/admin/quotes/{quote['id']}"
    seen = await shop.client.admin_call("GET", "orders", path)
    assert seen["message"] == "A book cover, 5000 copies", seen
    lines = [
        {
            "media_id": web_item["media_id"],
            "title": "Cover image",
            "description": "Book cover, up to 5000 copies",
            "price": 23_450,
            "delivery": "automatic",
            "format": None,
        },
        {"media_id": None, "title": "Retouching", "description": None, "price": 5_000},
    ]
    expires = (datetime.now(UTC) + timedelta(days=14)).isoformat()
    priced = await shop.client.admin_call(
        "PUT", "orders", path, {"lines": lines, "expires_at": expires}
    )
    assert priced["total"] == 28_450, f"W7: {priced}"
    sent = await shop.client.admin_call("POST", "orders", f"{path}/send")
    assert sent["status"] == "sent", sent
    mail = await shop.email_to(client, containing="/quotes/")
    link = shop.link_in(mail, f"/quotes/{sent['id']}")
    token = parse_qs(urlparse(link).query)["token"][0]
    page = await shop.client.page(link)
    assert page.status == 200, f"W7: the client's quote page: {page.status}"
    assert "Cover image" in page.text, f"W7: {page.text[:500]}"

    accepted = await shop.client.http.post(
        shop.client.url("orders", f"/api/quotes/{sent['id']}/accept"),
        headers={"X-Quote-Token": token},
        json={"client": default_client(client, name="Quentin Client")},
    )
    assert accepted.status_code == 201, f"W7: {accepted.status_code} {accepted.text[:500]}"
    answer = accepted.json()
    assert answer["status"] == "accepted", answer
    assert answer["payment_url"], answer
    order = {
        "id": answer["order_id"],
        "number": answer["order_number"],
        "access_token": parse_qs(urlparse(answer["payment_url"]).query)["token"][0],
        "next": {"url": answer["payment_url"]},
    }
    placed = await shop.client.get_order(order)
    assert placed["subtotal"] == 28_450, f"W7: the order at the quote's prices: {placed}"
    assert placed["total"] == placed["subtotal"] - placed["discount"] + placed["tax"], placed
    twice = await shop.client.http.post(
        shop.client.url("orders", f"/api/quotes/{sent['id']}/accept"),
        headers={"X-Quote-Token": token},
        json={"client": default_client(client, name="Quentin Client")},
    )
    assert twice.status_code == 409, f"W7: accepting twice: {twice.status_code}"
    await shop.email_to(shop.config.seller_email, containing=f"order {answer['order_number']}")

    await pay_with_sandbox_and_wait(shop, order)
    links = await delivered_links(shop, order)
    assert len(links) == 1, f"W8: one file (the service line has none): {links}"
    final = await shop.client.admin_call("GET", "orders", path)
    assert final["status"] == "accepted", final
    assert final["order_id"] == order["id"], final


# --- an abandoned order: reminded once, then cancelled by the timer across a restart ----------


@pytest.fixture
async def abandon_settings(shop) -> AsyncIterator[None]:
    await shop.client.settings(
        "orders", manual_validation=False, remind_unpaid_after_days=2, cancel_unpaid_after_days=5
    )
    yield
    await shop.client.settings(
        "orders", remind_unpaid_after_days=None, cancel_unpaid_after_days=None
    )


async def test_an_abandoned_order_is_reminded_once_then_cancelled_across_a_restart(
    shop, web_item, payment_settings, abandon_settings
):
    await put_payment_settings(shop, ["sandbox"])
    client = shop.new_email("abandoned")
    order = await shop.client.place_order([web_item], email=client)
    order_id = uuid.UUID(order["id"])
    async with database(shop, "orders") as db:
        await db.execute(
            "UPDATE orders SET created_at = now() - interval '3 days' WHERE id = $1", order_id
        )

    reminder = await shop.email_to(client, containing="waiting for your payment", timeout=45)
    assert order["number"] in reminder.subject, reminder.subject
    assert f"/pay/{order['id']}" in reminder.text() + reminder.html(), "W8: the payment link"
    await asyncio.sleep(12)  # two more looks of the worker (every 5 s): no second reminder
    assert len(shop.emails_to(client, containing="waiting for your payment")) == 1, "W6: once"
    assert (await shop.client.get_order(order))["status"] == "awaiting_payment"

    # orders goes down hard; meanwhile the order becomes due for cancellation
    await shop.stack.kill("orders")
    try:
        async with database(shop, "orders") as db:
            await db.execute(
                "UPDATE orders SET created_at = now() - interval '6 days', "
                "payment_reminded_at = now() - interval '4 days' WHERE id = $1",
                order_id,
            )
    finally:
        await shop.stack.resume("orders")

    await shop.client.wait_for_order(order, timeout=45, status="cancelled")
    history = await wait_history(shop, order, r"unpaid after 5 days")
    assert history.lower().count("unpaid after 5 days") == 1, f"W6: {history}"
    assert len(shop.emails_to(client, containing="waiting for your payment")) == 1
