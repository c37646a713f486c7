"""The client's and the photographer's journeys of issue 10, in Chromium, each on a desktop
screen and on a 390 px phone (the `device` fixture), every page checked by axe-core. Since
issue 11 the client chooses on the catalog's media page and checks out from the cart (orders).

Each test says what the shop must do, as issue 10 asks: none works around a shop bug (no
reload to get past a page that should update itself). The shop's payment and validation
settings are set through the admin API, as tests/hostile does; orders that a journey only needs
to exist (force delivery, cancel, re-issue) are placed through the API too.
"""

from __future__ import annotations

import re

from playwright.async_api import Page

from .conftest import Choice, Shop, link_in
from .journey import (
    FILE_DOWNLOAD,
    admin_logs_in,
    admin_opens_order,
    admin_sees,
    amount,
    button,
    card_payment_page,
    check_page,
    checkout,
    download_a_file,
    download_page,
    gone,
    link,
    pay_in_sandbox,
    press_after_confirming,
    shows,
    words,
)

IBAN = "FR76 3000 6000 0112 3456 7890 189"
INSTRUCTIONS = f"Bank transfer to {IBAN} (BIC AGRIFRPP), quoting your order number."
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PAYMENT_DUE = words(
    r"payment[^.]{0,40}\b(due|outstanding|owed|expected)",
    r"\bnot (yet )?(been )?paid",
    r"\bstill (due|unpaid|to (be )?pa(y|id))",
    r"\bpay for (it|this order|your order)",
)


async def test_card_checkout_then_download(shop: Shop, page: Page, web_choice: Choice) -> None:
    """Media page -> Add to cart -> cart -> Checkout -> details -> Place order -> payment
    page -> Secure payment -> Pay -> order page -> download page."""
    await shop.use_manual_validation(False)
    await shop.use_card_processor()
    client = shop.new_email("card")

    await checkout(page, shop, web_choice, client)
    await card_payment_page(page)
    await shows(page, page.get_by_text(amount(web_choice.price)), "the amount to pay")
    await pay_in_sandbox(page)

    ready = await shop.email_to(client, "/downloads", why="the client is sent the download page")
    await link(page, "View your order").click()
    await shows(page, page.get_by_text(words(r"\bdelivered\b")), "the order page: delivered")
    await check_page(page)
    await link(page, "Download your files").click()
    await shows(page, link(page, FILE_DOWNLOAD), "the order page leads to the files")
    await check_page(page)
    assert await download_a_file(page) > 0

    placed = await shop.email_to(
        client, "/pay/", why="the client is emailed the payment link when the order is placed"
    )
    assert placed is not ready


async def test_instructions_then_admin_marks_paid(
    shop: Shop, page: Page, admin_page: Page, web_choice: Choice
) -> None:
    """No card processor: the payment page shows the instructions; the photographer marks the
    order paid in the admin; the client downloads the files."""
    await shop.use_manual_validation(False)
    await shop.use_instructions(INSTRUCTIONS)
    client = shop.new_email("instructions")

    await checkout(page, shop, web_choice, client)
    await shows(page, page.get_by_text(IBAN), "the payment instructions when the client arrives")
    await check_page(page)

    number = await shop.order_number_for(client)
    await admin_logs_in(admin_page, shop)
    await admin_opens_order(admin_page, number)
    await button(admin_page, "Mark as paid").click()
    await gone(
        admin_page,
        button(admin_page, "Mark as paid"),
        "after Mark as paid the order page shows the paid order, not the old buttons",
    )
    await check_page(admin_page)

    ready = await shop.email_to(client, "/downloads", why="once paid, the files are sent")
    await download_page(page, link_in(ready, "/downloads"))
    assert await download_a_file(page) > 0

    await shop.email_to(
        client, IBAN, why="the client is emailed the payment instructions when the order is placed"
    )


async def test_contact_us_without_processor_or_instructions(
    shop: Shop, page: Page, web_choice: Choice
) -> None:
    """Neither card processor nor instructions: the client is told whom to contact, and how."""
    await shop.use_manual_validation(False)
    await shop.use_contact_us()
    client = shop.new_email("contact")

    await checkout(page, shop, web_choice, client)
    await shows(
        page, page.get_by_text(words("contact")), "the page asks the client to get in touch"
    )
    await shows(
        page, page.get_by_text(EMAIL_ADDRESS), "the contact details: where to write (issue 10)"
    )
    await check_page(page)

    number = await shop.order_number_for(client)
    await shop.email_to(
        client, number, why="the client is emailed what was ordered when the order is placed"
    )


async def test_manual_validation_then_validate_then_pay(
    shop: Shop, page: Page, admin_page: Page, web_choice: Choice
) -> None:
    """The photographer validates orders first: the client is told, the photographer presses
    Validate, the client pays by card from the emailed link and downloads the files."""
    await shop.use_manual_validation(True)
    await shop.use_card_processor()
    client = shop.new_email("validation")

    await checkout(page, shop, web_choice, client)
    await shows(page, page.get_by_text(words("offline", "validat")), "the order awaits validation")
    await check_page(page)
    await shop.email_to(client, why="the client is told the order awaits validation")

    number = await shop.order_number_for(client)
    await admin_logs_in(admin_page, shop)
    await admin_opens_order(admin_page, number)
    await button(admin_page, "Validate").click()
    await admin_sees(admin_page, words("validated"), "the order is validated")
    await gone(admin_page, button(admin_page, "Validate"), "a validated order has no Validate")

    validated = await shop.email_to(client, "/pay/", why="the client is sent the payment link")
    await page.goto(link_in(validated, "/pay/"))
    await card_payment_page(page)
    await pay_in_sandbox(page)
    ready = await shop.email_to(client, "/downloads", why="once paid, the files are sent")
    await download_page(page, link_in(ready, "/downloads"))
    assert await download_a_file(page) > 0


async def test_force_delivery(shop: Shop, page: Page, admin_page: Page, web_choice: Choice) -> None:
    """The photographer delivers an unpaid order: asked to confirm first; the client gets the
    files and is told that the payment is still due."""
    await shop.use_manual_validation(False)
    await shop.use_card_processor()
    client = shop.new_email("forced")
    order = await shop.client.place_order([web_choice.item()], email=client)

    await admin_logs_in(admin_page, shop)
    await admin_opens_order(admin_page, order["number"])
    force = button(admin_page, "Force delivery")
    await press_after_confirming(admin_page, force, words(r"^(yes|confirm|ok)\b", r"^force"))
    await gone(
        admin_page,
        force,
        "after Force delivery the order page shows the delivered order, not the old buttons",
    )
    await check_page(admin_page)

    ready = await shop.email_to(client, "/downloads", why="a forced delivery sends the files")
    await download_page(page, link_in(ready, "/downloads"))
    await shows(
        page, page.get_by_text(PAYMENT_DUE), "the client is told the payment is still due", 2_000
    )
    assert await download_a_file(page) > 0


async def test_cancel(shop: Shop, page: Page, admin_page: Page, web_choice: Choice) -> None:
    """The photographer cancels an unpaid order (asked to confirm first); the client is told,
    and the payment page no longer takes a payment."""
    await shop.use_manual_validation(False)
    await shop.use_card_processor()
    client = shop.new_email("cancel")
    order = await shop.client.place_order([web_choice.item()], email=client)

    await admin_logs_in(admin_page, shop)
    await admin_opens_order(admin_page, order["number"])
    cancel = admin_page.get_by_role("button", name=words(r"^cancel( (the |this )?order)?$"))
    await press_after_confirming(admin_page, cancel, words(r"^(yes|confirm|ok)\b", r"^cancel \w"))
    await admin_sees(admin_page, words(r"\bcancelled\b"), "the order is cancelled")
    await gone(admin_page, cancel, "a cancelled order cannot be cancelled")

    await shop.email_to(client, "cancelled", why="the client is told of the cancellation")
    await page.goto(shop.client.payment_page_url(order))
    await shows(page, page.get_by_text(words(r"\bcancelled\b")), "the payment page says cancelled")
    await gone(page, button(page, "Secure payment"), "a cancelled order cannot be paid", 500)
    await check_page(page)
    await page.goto(shop.url("orders", f"/orders/{order['id']}?token={order['access_token']}"))
    await shows(page, page.get_by_text(words(r"\bcancelled\b")), "the order page says cancelled")
    await gone(page, link(page, words("payment page", r"^pay\b")), "no way to pay it", 500)
    await check_page(page)


async def test_reissue_download_links(
    shop: Shop, page: Page, admin_page: Page, web_choice: Choice
) -> None:
    """A delivered order: the photographer re-issues the download links; the client gets them
    by email and downloads again."""
    await shop.use_manual_validation(False)
    client = shop.new_email("reissue")
    order = await shop.client.place_order([web_choice.item()], email=client)
    forced = await shop.client.admin_command(order["id"], "force-delivery")
    assert forced.status_code == 202, forced.text
    first = await shop.email_to(client, "/downloads", why="the delivered order's files")
    await download_page(page, link_in(first, "/downloads"))
    assert await download_a_file(page) > 0

    await admin_logs_in(admin_page, shop)
    await admin_opens_order(admin_page, order["number"])
    await button(admin_page, "Re-issue download links").click()
    await admin_sees(
        admin_page, words("fresh links", "new (download )?links", "re-?issued"), "links re-issued"
    )

    fresh = await shop.email_to(
        client, "/downloads", besides=(first,), why="the client is emailed the new links"
    )
    await download_page(page, link_in(fresh, "/downloads"))
    assert await download_a_file(page) > 0
