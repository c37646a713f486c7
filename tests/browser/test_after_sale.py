"""Issue 13 in Chromium, on a desktop screen and a 390 px phone, every page checked by axe-core:
the payment page offers the card and two offline methods, and accepting one shows its
instructions (and emails them); a client asks for a quote from the media page, the
photographer prices and sends it (admin API), the client opens the emailed link, accepts with
an address, lands on the payment page and pays in the sandbox.

Owners (the brief): W2 the payment page and offline methods, W7 the quote pages and the
catalog's "Ask for a quote" link, W8 the emails.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Page

from .conftest import SELLER, Choice, Shop, link_in
from .journey import (
    AT_ONCE_MS,
    button,
    card_payment_page,
    check_page,
    fill_details,
    gone,
    link,
    open_media_page,
    pay_in_sandbox,
    shows,
    words,
)

BANK = {
    "name": "Bank transfer",
    "instructions": "Transfer the total to IBAN FR76 3000 6000 0112 3456 7890 189.",
    "button_label": "Accept",
}
CHEQUE = {
    "name": "Cheque",
    "instructions": "Send a cheque to Studio Lumen, 12 rue des Arts, 75003 Paris.",
    "button_label": "Pay by cheque",
}
QUOTED_PRICE = 31_500  # 315.00


@pytest.fixture
async def payment_settings(shop: Shop) -> AsyncIterator[dict[str, Any]]:
    """The sandbox card processor and two offline methods (W2's settings); payments'
    settings as they were afterwards (the other journeys expect the card processor only)."""
    before = await shop.client.admin_call("GET", "payments", "/api/admin/settings")
    body = before | {
        "card_processor": "sandbox",
        "card_processors": ["sandbox"],
        "offline_methods": [BANK, CHEQUE],
    }
    saved = await shop.client.admin_call("PUT", "payments", "/api/admin/settings", body)
    await shop.use_manual_validation(False)
    yield saved
    await shop.client.admin_call("PUT", "payments", "/api/admin/settings", before)


async def test_the_payment_page_offers_the_card_and_two_offline_methods(
    shop: Shop, page: Page, web_choice: Choice, payment_settings: dict[str, Any]
) -> None:
    client = shop.new_email("offline")
    order = await shop.client.place_order([web_choice.item()], email=client)
    await page.goto(shop.client.payment_page_url(order))

    await card_payment_page(page)  # the card's "Secure payment", axe-checked
    await shows(page, button(page, "Accept"), "W2: the bank transfer's button", AT_ONCE_MS)
    await shows(page, button(page, "Pay by cheque"), "W2: the cheque's button", AT_ONCE_MS)
    for method in ("Bank transfer", "Cheque"):
        await shows(page, page.get_by_text(method, exact=True), f"W2: the method {method!r} named")
    await gone(page, page.get_by_text(BANK["instructions"]), "W2: instructions only once chosen", 0)

    await button(page, "Accept").click()
    await shows(
        page,
        page.get_by_text(BANK["instructions"]),
        "W2: accepting the bank transfer shows its instructions",
    )
    await shows(
        page, page.get_by_text(order["number"]).first, "W2: the order number to quote", AT_ONCE_MS
    )
    await check_page(page)
    mail = await shop.email_to(
        client, BANK["instructions"][:40], why="W8: the instructions are emailed to the client"
    )
    assert order["number"] in mail.subject, mail.subject


async def test_a_quote_is_asked_for_accepted_and_paid_in_the_browser(
    shop: Shop, page: Page, web_choice: Choice, payment_settings: dict[str, Any]
) -> None:
    tag = uuid.uuid4().hex[:6]
    client = shop.new_email("quote")
    name = f"Quinn {tag}"

    # The client, on the media page: "Ask for a quote" -> the form -> sent.
    await open_media_page(page, shop, web_choice)
    ask = link(page, words(r"ask for a quote", r"request a quote"))
    await shows(page, ask, "W7: the media page links to the quote request form", AT_ONCE_MS)
    await ask.first.click()
    await shows(page, page.get_by_role("heading", name="Ask for a quote"), "W7: the form")
    await shows(page, page.get_by_text(web_choice.title).first, "W7: the file asked about")
    await check_page(page)
    await page.get_by_label(re.compile(r"^name", re.I)).fill(name)
    await page.get_by_label(re.compile(r"^e-?mail", re.I)).fill(client)
    await page.get_by_label(re.compile(r"message", re.I)).fill("A poster, 200 copies, France")
    await button(page, "Ask for a quote").click()
    await shows(page, page.get_by_text(words("request is sent")), "W7: the request is sent")
    await check_page(page)
    await shop.email_to(SELLER, f"Quote request from {name}", why="W8: the photographer told")

    # The photographer prices it and sends it (admin API).
    quotes = await shop.client.admin_call("GET", "orders", "/api/admin/quotes")
    [quote] = [q for q in quotes if q["client"]["email"] == client]
    path = f"/api/admin/quotes/{quote['id']}"
    lines = [
        {
            "media_id": web_choice.media_id,
            "title": "Poster print",
            "description": "200 copies, France, one year",
            "price": QUOTED_PRICE,
            "delivery": "automatic",
            "format": None,
        }
    ]
    await shop.client.admin_call("PUT", "orders", path, {"lines": lines, "expires_at": None})
    sent = await shop.client.admin_call("POST", "orders", f"{path}/send")
    mail = await shop.email_to(client, f"/quotes/{sent['id']}", why="W8: the quote is emailed")

    # The client opens the link, accepts with an address, pays.
    await page.goto(link_in(mail, f"/quotes/{sent['id']}"))
    await shows(page, page.get_by_text("Poster print").first, "W7: the quote's line")
    await shows(page, page.get_by_text("315.00").first, "W7: the quote's total", AT_ONCE_MS)
    await check_page(page)
    await fill_details(page, name, client)
    await button(page, "Accept and go to payment").click()
    await card_payment_page(page)
    await pay_in_sandbox(page)
    await shop.email_to(
        client, "/downloads", why="W8: the files of the accepted quote are delivered"
    )
    final = await shop.client.admin_call("GET", "orders", f"/api/admin/quotes/{sent['id']}")
    assert final["status"] == "accepted", final
