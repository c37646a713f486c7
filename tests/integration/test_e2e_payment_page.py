"""The three faces of the payment page: card processor, payment instructions, contact us."""

from __future__ import annotations

import io

from PIL import Image

INSTRUCTIONS = "IBAN FR76 3000 6000 0112 3456 7890 189, BIC AGRIFRPP"


def no_payment_button(page) -> bool:
    return not page.has_button("Secure payment") and not page.has_button("Pay")


async def test_card_payment_through_the_sandbox_delivers(shop, web_item):
    await shop.client.settings("payments", card_processor="sandbox")
    client = shop.new_email("card")

    order = await shop.client.place_order([web_item], email=client)
    assert order["status"] == "awaiting_payment"
    assert order["next"]["action"] == "pay"
    await shop.email_to(shop.config.seller_email, containing=order["number"])

    page = await shop.client.wait_for_page(
        order["next"]["url"], until=lambda p: p.has_button("Secure payment")
    )
    checkout = page.form_with_button("Secure payment")
    sandbox = await shop.client.submit(checkout)
    assert sandbox.status == 200, sandbox.text
    done = await shop.client.submit(sandbox.form_with_button("Pay"))
    assert done.status < 400, done.text

    delivered = await shop.client.wait_for_order(
        order, status="delivered", payment_status="paid", delivery_status="delivered"
    )
    assert delivered["downloads_url"]

    email = await shop.email_to(client, containing=f"/orders/{order['id']}/downloads")
    downloads = await shop.client.wait_for_page(shop.link_in(email, "/downloads"))
    links = downloads.links_containing("/downloads/")
    assert links, downloads.text

    file = await shop.client.http.get(links[0])
    assert file.status_code == 200
    assert "attachment" in file.headers.get("content-disposition", "")
    image = Image.open(io.BytesIO(file.content))
    assert image.format == "JPEG"
    assert max(image.size) == 1024


async def test_no_card_processor_shows_instructions_then_mark_paid_delivers(shop, web_item):
    await shop.client.settings("payments", card_processor=None, payment_instructions=INSTRUCTIONS)
    order = await shop.client.place_order([web_item], email=shop.new_email("iban"))

    page = await shop.client.payment_page(order, until=lambda p: "FR76" in p.text)
    assert "FR76 3000 6000" in page.text
    assert no_payment_button(page), page.buttons()

    response = await shop.client.admin_command(order["id"], "mark-paid")
    assert response.status_code == 202, response.text
    await shop.client.wait_for_order(
        order, status="delivered", payment_status="paid", delivery_status="delivered"
    )


async def test_neither_shows_the_contact_us_text(shop, web_item):
    await shop.client.settings("payments", card_processor=None, payment_instructions=None)
    order = await shop.client.place_order([web_item], email=shop.new_email("contact"))

    page = await shop.client.payment_page(order, until=lambda p: "contact" in p.text.lower())
    assert "FR76" not in page.text
    assert no_payment_button(page), page.buttons()
