"""Issue 12's "Done when" across the five processes, through the contract's APIs only: the
photographer prices their own uploads with a rights-managed profile (an option tree) and a
royalty-free price list, makes coupons and tax rates; a client buys the RM license with a
chosen usage and the RF file with a coupon and a French address, pays exactly the total
through the sandbox processor, receives the files (the usage in LICENSE.txt) and an invoice
(attached to the delivery email, numbered without gaps). Then the invariants: 20 concurrent
checkouts on a 5-use coupon, the use given back on cancel, a 100 % coupon skipping payment, a
currency change refused while an order is unpaid, bad input refused with nothing written.

Every figure is computed by hand below (PhotoDeck's example: base 100.00, size A4 ratio 200
-> A3 ratio 300 costs 150.00). Who builds what is in the assertion messages (brief's owners).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import uuid
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest

from shop_devtools.client import default_client
from shop_invoices.readback import pdf_text

from .catalog_helpers import (
    Json,
    make_jpeg,
    new_gallery,
    new_rights_managed_profile,
    rm_group,
    row,
)

# --- the figures, by hand ---------------------------------------------------------------------

RM_BASE = 10_000  # 100.00 EUR
USAGE = rm_group("Usage", "Editorial", [("Editorial", 10), ("Advertising", 25)])  # x 2.5
SIZE = rm_group("Size", "A4", [("A4", 200), ("A3", 300)])  # PhotoDeck's sizes: A3 x 1.5
CHOSEN = {"Usage": "Advertising", "Size": "A3"}
CHOSEN_TEXT = "Usage: Advertising; Size: A3"  # shop_pricing's Usage, as the license shows it
RM_PRICE = 37_500  # 100.00 x 25/10 x 300/200
PHOTODECK_A3 = 15_000  # Editorial (the base) x A3: 100.00 x 300/200
RF_PRICE = 4_000  # the "Web" row: 40.00, an 800 px JPEG
TAX_RATE = 20  # FR, prices entered without tax

SUBTOTAL = RM_PRICE + RF_PRICE  # 415.00
COUPON_PERCENT = 10
DISCOUNT = 4_150  # 10 % of 415.00
RM_DISCOUNT, RF_DISCOUNT = 3_750, 400  # spread in proportion: 375/415 and 40/415 of 41.50
TAX = 7_470  # 20 % of (415.00 - 41.50) = 20 % of 373.50
TOTAL = 44_820  # 373.50 + 74.70

RACE_AMOUNT_OFF = 1_000  # 10.00 off one RF line: (40.00 - 10.00) x 1.2 = 36.00
RACE_TOTAL = 3_600
RF_ALONE_TOTAL = 4_800  # 40.00 + 20 %

TAX_SETTINGS = {
    "prices_include_tax": False,
    "rates": [
        {"country": "FR", "region": None, "rate": "20.0"},
        {"country": "DE", "region": None, "rate": "19.0"},
    ],
    "seller_country": "FR",
}


def money(minor: int) -> str:
    """How an amount reads on a page without a locale: 44820 -> 448.20 (and 1,234.50)."""
    return f"{minor // 100:,}.{minor % 100:02d}"


# --- what the photographer set up -------------------------------------------------------------


@dataclass
class Royalty:
    """An upload priced with a royalty-free price list (one row: Web 40.00)."""

    tag: str
    rf_media: str
    rf_profile: Json
    web_license: str  # the RF list's "Web" row

    def rf_item(self) -> Json:
        return {"media_id": self.rf_media, "license_id": self.web_license}


@dataclass
class Setup(Royalty):
    """Besides, an upload priced with the RM profile (Usage x Size)."""

    rm_media: str = ""
    rm_bytes: bytes = b""  # the uploaded file: RM delivers the original
    rm_profile: Json = field(default_factory=dict)

    def rm_item(self, options: dict[str, str] | None = None) -> Json:
        chosen = CHOSEN if options is None else options
        return {"media_id": self.rm_media, "profile_id": self.rm_profile["id"], "options": chosen}


def order_body(email: str, items: list[Json], **extra: Any) -> Json:
    return {"client": default_client(email), "items": items, **extra}


@pytest.fixture(scope="module")
def tag() -> str:
    return f"e2e{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
async def tax_settings(shop) -> AsyncIterator[Json]:
    """FR 20 %, DE 19 %, prices without tax, the seller in FR (H8: GET/PUT /api/admin/tax);
    the shop's earlier tax settings are put back afterwards (the session is shared)."""
    before = await shop.client.admin_call("GET", "orders", "/api/admin/tax")
    saved = await shop.client.admin_call("PUT", "orders", "/api/admin/tax", TAX_SETTINGS)
    assert saved["prices_include_tax"] is False, saved
    assert {r["country"]: Decimal(str(r["rate"])) for r in saved["rates"]} == {
        "FR": Decimal(20),
        "DE": Decimal(19),
    }, saved
    yield saved
    await restore_tax(shop, before)


async def restore_tax(shop, before: Json) -> None:
    """The tax settings as they were. Unconfigured ones cannot be PUT back (a PUT of the
    unconfigured GET body saves an empty table, and then every country is refused "no tax
    rate for FR"): the row is removed from orders' database, as it was before the first PUT."""
    if before.get("configured", True):
        await shop.client.admin_call("PUT", "orders", "/api/admin/tax", before)
        return
    async with database(shop, "orders") as db, db.transaction():
        await db.execute("DELETE FROM tax_rates")
        await db.execute("DELETE FROM tax_settings")
    after = await shop.client.admin_call("GET", "orders", "/api/admin/tax")
    assert after["configured"] is False, after


@pytest.fixture(scope="module")
async def rf_catalog(shop, tag, tmp_path_factory) -> Royalty:
    """An upload priced with an RF price list (Web 40.00, 800 px) in a public gallery."""
    path = tmp_path_factory.mktemp("pricing-rf") / f"rf-{tag}.jpg"
    make_jpeg(path, title=f"Breakwater {tag}", keywords=[tag], seed=32)
    uploaded = await shop.client.upload_media(path)
    assert uploaded.status_code == 201, uploaded.text
    media = uploaded.json()
    profile = await shop.client.admin_call(
        "POST",
        "catalog",
        "/api/admin/pricing-profiles",
        {
            "name": f"Downloads {tag}",
            "kind": "royalty_free",
            "rows": [row("Web", RF_PRICE, {"mode": "long_edge", "long_edge": 800})],
        },
        expect=201,
    )
    [web] = profile["rows"]
    await new_gallery(shop, [media["id"]], pricing_profile_ids=[profile["id"]])
    return Royalty(tag=tag, rf_media=media["id"], rf_profile=profile, web_license=web["id"])


@pytest.fixture(scope="module")
async def rf(shop, rf_catalog, tax_settings) -> Royalty:
    """The RF upload once orders offers it, with the tax rates in place."""
    await shop.client.wait_for_offer(rf_catalog.rf_media, rf_catalog.web_license)
    return rf_catalog


@pytest.fixture(scope="module")
async def catalog_setup(shop, rf_catalog, tmp_path_factory) -> Setup:
    """Besides the RF upload, one priced with an RM profile (Usage x Size) in a public
    gallery (H1: rights-managed profiles)."""
    tag = rf_catalog.tag
    path = tmp_path_factory.mktemp("pricing-rm") / f"rm-{tag}.jpg"
    rm_bytes = make_jpeg(path, title=f"Lighthouse {tag}", keywords=[tag], seed=31)
    uploaded = await shop.client.upload_media(path)
    assert uploaded.status_code == 201, uploaded.text
    media = uploaded.json()
    profile = await new_rights_managed_profile(
        shop, f"Rights managed {tag}", RM_BASE, [USAGE, SIZE]
    )
    assert [g["name"] for g in profile["groups"]] == ["Usage", "Size"], profile
    await new_gallery(shop, [media["id"]], pricing_profile_ids=[profile["id"]])
    return Setup(**vars(rf_catalog), rm_media=media["id"], rm_bytes=rm_bytes, rm_profile=profile)


@pytest.fixture(scope="module")
async def setup(shop, catalog_setup, rf) -> Setup:
    """Both uploads once orders prices both offers (a quote), with the tax rates in place."""
    ready = order_body("ready@client.example.com", [catalog_setup.rm_item()])
    await wait_for_quote(shop, ready)
    return catalog_setup


# --- helpers ----------------------------------------------------------------------------------


async def quote(shop, body: Json) -> httpx.Response:
    return await shop.client.http.post(shop.client.url("orders", "/api/orders/quote"), json=body)


async def wait_for_quote(shop, body: Json, timeout: float = 30.0) -> Json:
    """POST /api/orders/quote until 200: orders hears of catalog's offers a moment after the
    catalog changed (404/422 until then)."""
    deadline = asyncio.get_running_loop().time() + timeout
    response = await quote(shop, body)
    while response.status_code != 200 and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.2)
        response = await quote(shop, body)
    assert response.status_code == 200, (
        f"H2: POST /api/orders/quote never priced {body['items']}: "
        f"{response.status_code} {response.text[:500]}"
    )
    data: Json = response.json()
    return data


async def new_coupon(shop, code: str, **fields: Any) -> Json:
    """H8: POST /api/admin/coupons (CONTRACT.md's shape)."""
    body = {
        "code": code,
        "minimum_order": None,
        "profile_ids": None,
        "starts_at": None,
        "ends_at": None,
        "max_uses": None,
        "once_per_client": False,
    } | fields
    coupon = await shop.client.admin_call("POST", "orders", "/api/admin/coupons", body, 201)
    assert coupon["id"], coupon
    assert coupon["code"] == code.upper(), f"H8: the code is kept in upper case: {coupon}"
    return coupon


async def coupon_uses(shop, coupon: Json) -> int:
    current = await shop.client.admin_call("GET", "orders", f"/api/admin/coupons/{coupon['id']}")
    return int(current["uses"])


@contextlib.asynccontextmanager
async def database(shop, service: str) -> AsyncIterator[asyncpg.Connection]:
    dsn = shop.config.database_urls[service].replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        yield connection
    finally:
        await connection.close()


async def order_rows(shop, emails: list[str]) -> int:
    """How many orders rows the clients of `emails` have (the database, not the API)."""
    async with database(shop, "orders") as db:
        count: int = await db.fetchval(
            "SELECT count(*) FROM orders WHERE client_email = ANY($1::text[])", emails
        )
    return count


async def wait_for_invoice(shop, order: Json, timeout: float = 30.0) -> str:
    """The order's invoice number once orders issued it (H4: on payment.confirmed)."""
    deadline = asyncio.get_running_loop().time() + timeout
    current = await shop.client.get_order(order)
    while not current.get("invoice_number") and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.2)
        current = await shop.client.get_order(order)
    number = current.get("invoice_number")
    assert number, f"H4/H2: order {order['number']} paid but no invoice_number: {current}"
    return str(number)


def invoice_sequence(number: str) -> int:
    found = re.fullmatch(r"INV-(\d{6,})", number)
    assert found, f"H4: invoice number {number!r} is not INV-000001-shaped"
    return int(found.group(1))


def pdf_attachments(message) -> list[tuple[str, bytes]]:
    return [
        (part.get_filename() or "", part.get_content())
        for part in message.message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]


async def delivered(shop, order: Json) -> tuple[dict[str, bytes], str]:
    """The order's files (name -> bytes, from the download page's links) and LICENSE.txt of
    its "Download all" archive."""
    page = await shop.client.download_page(order)
    files: dict[str, bytes] = {}
    for link in page.links_containing("/downloads/"):
        response = await shop.client.http.get(link)
        assert response.status_code == 200, f"{link}: {response.status_code}"
        disposition = response.headers.get("content-disposition", "")
        files[disposition or link] = response.content
    license_text = ""
    for link in page.links_containing("/archive/"):
        response = await shop.client.http.get(link)
        assert response.status_code == 200, f"{link}: {response.status_code}"
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            for name in archive.namelist():
                if name.endswith("LICENSE.txt"):
                    license_text += archive.read(name).decode()
    return files, license_text


def jpeg_parts(data: bytes) -> tuple[bytes, bytes]:
    """A JPEG's segments before its image data (APPn: EXIF, XMP...; tables) and the image
    data from the start of scan on."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    at = 2
    while data[at] == 0xFF:
        if data[at + 1] == 0xDA:  # start of scan
            return data[2:at], data[at:]
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    raise AssertionError("a JPEG without a start of scan")


def xmp_of(jpeg: bytes) -> str:
    """The JPEG's XMP packet as text ("" without one)."""
    header = jpeg_parts(jpeg)[0]
    start, end = header.find(b"<x:xmpmeta"), header.find(b"</x:xmpmeta>")
    return header[start : end + len(b"</x:xmpmeta>")].decode() if start >= 0 else ""


def line_for(order: Json, media_id: str) -> Json:
    [line] = [item for item in order["items"] if item["media_id"] == media_id]
    return line


# --- the storefront prices what the order charges -------------------------------------------


async def test_the_storefront_prices_a_chosen_usage(shop, catalog_setup):
    """H1: the RM offer in the media's JSON, and the price endpoint for a chosen usage."""
    setup = catalog_setup
    response = await shop.client.http.get(
        shop.client.url("catalog", f"/api/media/{setup.rm_media}")
    )
    assert response.status_code == 200, response.text
    offers = response.json()["offers"]
    rm = [o for o in offers if o.get("kind") == "rights_managed"]
    assert [o["profile_id"] for o in rm] == [setup.rm_profile["id"]], f"H1: offers {offers}"
    assert rm[0]["base_price"] == RM_BASE
    assert [g["name"] for g in rm[0]["groups"]] == ["Usage", "Size"]

    price_url = shop.client.url("catalog", f"/api/media/{setup.rm_media}/price")
    for options, expected in (
        ({"Usage": "Editorial", "Size": "A4"}, RM_BASE),
        ({"Usage": "Editorial", "Size": "A3"}, PHOTODECK_A3),
        (CHOSEN, RM_PRICE),
    ):
        params = {"profile_id": setup.rm_profile["id"]}
        params |= {f"options[{group}]": option for group, option in options.items()}
        answer = await shop.client.http.get(price_url, params=params)
        assert answer.status_code == 200, f"H1: price of {options}: {answer.text[:300]}"
        assert answer.json()["price"] == expected, f"H1: price of {options}: {answer.json()}"
    outside = await shop.client.http.get(
        price_url,
        params={"profile_id": setup.rm_profile["id"], "options[Usage]": "Billboard"},
    )
    assert outside.status_code == 422, f"H1: an option outside the tree: {outside.text[:300]}"
    assert "Usage" in outside.text or "Size" in outside.text, outside.text


# --- the Done-when journey ----------------------------------------------------------------------


async def test_rm_and_rf_with_a_coupon_and_tax_paid_delivered_and_invoiced(shop, setup):
    await shop.client.settings("payments", card_processor="sandbox")
    await shop.client.settings("orders", manual_validation=False)
    code = f"Spring{setup.tag}"
    coupon = await new_coupon(shop, code, percent_off=COUPON_PERCENT)
    client = shop.new_email("rm-buyer")
    body = order_body(client, [setup.rm_item(), setup.rf_item()], coupon=code.lower())

    # The checkout's totals box: a quote, which records nothing and takes no use.
    quoted = await wait_for_quote(shop, body)
    figures = {k: quoted[k] for k in ("subtotal", "discount", "tax", "total")}
    assert figures == {"subtotal": SUBTOTAL, "discount": DISCOUNT, "tax": TAX, "total": TOTAL}, (
        f"H2: quote {quoted}"
    )
    assert quoted["coupon"] == {"code": code.upper(), "discount": DISCOUNT}, quoted
    assert quoted["reverse_charge"] is False
    assert Decimal(str(quoted["tax_rate"])) == TAX_RATE
    assert [(line["price"], line["discount"]) for line in quoted["lines"]] == [
        (RM_PRICE, RM_DISCOUNT),
        (RF_PRICE, RF_DISCOUNT),
    ], f"H2: quote lines {quoted['lines']}"
    assert quoted["lines"][0]["usage"] in (CHOSEN, CHOSEN_TEXT), quoted["lines"][0]
    assert await coupon_uses(shop, coupon) == 0, "H2: a quote must not take a coupon use"
    assert await order_rows(shop, [client]) == 0, "H2: a quote must not record an order"

    # The order: the server's figures, exactly.
    response = await shop.client.post_order(body)
    assert response.status_code == 201, f"H2: {response.status_code} {response.text[:500]}"
    order = response.json()
    placed = {k: order.get(k) for k in ("subtotal", "discount", "tax", "total", "currency")}
    assert placed == {
        "subtotal": SUBTOTAL,
        "discount": DISCOUNT,
        "tax": TAX,
        "total": TOTAL,
        "currency": "EUR",
    }, f"H2: placed {order}"
    assert order["coupon"] == code.upper(), order
    assert await coupon_uses(shop, coupon) == 1, "H2/H8: placing takes one use"
    seen = await shop.client.get_order(order)
    rm_line, rf_line = line_for(seen, setup.rm_media), line_for(seen, setup.rf_media)
    assert rm_line["profile_id"] == setup.rm_profile["id"], rm_line
    assert rm_line["license_name"] == setup.rm_profile["name"], rm_line
    assert rm_line["usage"] == CHOSEN, f"H2: the chosen usage kept on the line: {rm_line}"
    assert list(rm_line["usage"]) == ["Usage", "Size"], "the profile's group order"
    assert (rm_line["price"], rm_line["discount"]) == (RM_PRICE, RM_DISCOUNT), rm_line
    assert (rf_line["price"], rf_line["discount"]) == (RF_PRICE, RF_DISCOUNT), rf_line
    assert rf_line["usage"] is None, rf_line
    assert seen["invoice_number"] is None, "no invoice before the payment"
    early = await shop.client.http.get(
        shop.client.url("orders", f"/orders/{order['id']}/invoice.pdf"),
        params={"token": order["access_token"]},
    )
    assert early.status_code == 404, f"H4: invoice.pdf before it is issued: {early.status_code}"

    # The seller hears of it with the usage, the coupon and the totals (H5).
    seller = await shop.email_to(shop.config.seller_email, containing=order["number"])
    seller_text = seller.text() + seller.html()
    for shown in ("Advertising", "A3", code.upper(), money(DISCOUNT), money(TAX), money(TOTAL)):
        assert shown in seller_text, f"H5: {shown!r} not in the seller's new-order email"

    # The payment page shows the figures (H6) and the processor is asked for the total.
    page = await shop.client.wait_for_page(
        order["next"]["url"], until=lambda p: p.has_button("Secure payment")
    )
    for shown in (money(SUBTOTAL), money(DISCOUNT), money(TAX), money(TOTAL)):
        assert shown in page.text, f"H6: {shown} not on the payment page: {page.text[:800]}"
    sandbox = await shop.client.submit(page.form_with_button("Secure payment"))
    assert sandbox.status == 200, f"sandbox checkout: {sandbox.status} {sandbox.text[:300]}"
    assert money(TOTAL) in sandbox.text, f"H6: the processor's page charges {sandbox.text[:500]}"
    async with database(shop, "payments") as db:
        charged = await db.fetch(
            "SELECT amount, currency FROM sandbox_checkout_sessions WHERE order_id = $1",
            uuid.UUID(order["id"]),
        )
    assert [(r["amount"], r["currency"]) for r in charged] == [(TOTAL, "EUR")], (
        f"H6: the processor is asked for exactly the total: {charged}"
    )
    done = await shop.client.submit(sandbox.form_with_button("Pay"))
    assert done.status < 400, f"sandbox Pay: {done.status} {done.text[:300]}"
    await shop.client.wait_for_order(
        order, status="delivered", payment_status="paid", delivery_status="delivered"
    )

    # The invoice (H4): numbered, downloadable by the client and the photographer.
    number = await wait_for_invoice(shop, order)
    first = invoice_sequence(number)
    for url, headers in (
        (f"/orders/{order['id']}/invoice.pdf?token={order['access_token']}", {}),
        (f"/api/admin/orders/{order['id']}/invoice.pdf", shop.client.admin),
    ):
        pdf = await shop.client.http.get(shop.client.url("orders", url), headers=headers)
        assert pdf.status_code == 200, f"H4: {url}: {pdf.status_code} {pdf.text[:200]}"
        assert pdf.headers["content-type"].startswith("application/pdf"), pdf.headers
        assert pdf.content.startswith(b"%PDF"), f"H4: {url} is not a PDF"
    said = " ".join(pdf_text(pdf.content).split())
    for shown in (number, order["number"], CHOSEN_TEXT, code.upper(), money(TOTAL)):
        assert shown in said, f"H4: {shown!r} not on the invoice:\n{said}"
    wrong = await shop.client.http.get(
        shop.client.url("orders", f"/orders/{order['id']}/invoice.pdf"),
        params={"token": "not-the-token"},
    )
    assert wrong.status_code == 404, f"H4: invoice.pdf with a wrong token: {wrong.status_code}"
    admin_view = await shop.client.admin_order(order["id"])
    assert admin_view["invoice_number"] == number, admin_view

    # The files (H6): the RM original (its image data as uploaded), the usage in its XMP and
    # in LICENSE.txt.
    files, license_text = await delivered(shop, order)
    assert len(files) == 2, f"two files delivered: {list(files)}"
    originals = [f for f in files.values() if jpeg_parts(f)[1] == jpeg_parts(setup.rm_bytes)[1]]
    assert originals, (
        "H6: an RM profile without a delivery spec delivers the original (its image data "
        "byte for byte)"
    )
    assert CHOSEN_TEXT in license_text, (
        f"H6: the chosen usage {CHOSEN_TEXT!r} is not in LICENSE.txt:\n{license_text}"
    )
    xmp = xmp_of(originals[0])
    assert CHOSEN_TEXT in xmp, f"H6: the chosen usage {CHOSEN_TEXT!r} is not in its XMP: {xmp}"

    # The delivery email carries the invoice PDF (H5: held for InvoiceIssued).
    email = await shop.email_to(client, containing=f"/orders/{order['id']}/downloads")
    attached = pdf_attachments(email)
    assert attached, f"H5: no PDF attached to the delivery email {email.subject!r}"
    texts = [" ".join(pdf_text(content).split()) for _, content in attached]
    assert any(number in text and money(TOTAL) in text for text in texts), (
        f"H5: no attached PDF is invoice {number} of {money(TOTAL)}: {texts}"
    )

    # More paid orders, four of them paid at once: the next numbers, no gap, no twice (H4).
    more = [
        await shop.client.place_order([setup.rf_item()], email=shop.new_email(f"next{i}"))
        for i in range(4)
    ]
    assert {o["total"] for o in more} == {RF_ALONE_TOTAL}, "H2: 40.00 + 20 % FR tax"
    paid = await asyncio.gather(*(shop.client.admin_command(o["id"], "mark-paid") for o in more))
    assert {p.status_code for p in paid} == {202}, [p.text for p in paid]
    following = sorted([invoice_sequence(await wait_for_invoice(shop, o)) for o in more])
    assert following == list(range(first + 1, first + 5)), (
        f"H4: invoice {first}, then {following}: not gapless"
    )


async def test_an_eu_business_buyer_is_reverse_charged_on_the_invoice(shop, rf):
    """A German business with a well-formed VAT number buying from a French seller: no tax,
    and the invoice carries the reverse-charge mention."""
    client = shop.new_email("business")
    body = order_body(client, [rf.rf_item()], vat_number="DE123456789")
    body["client"]["address"] |= {"country": "DE", "city": "Berlin", "postal_code": "10115"}
    quoted = await wait_for_quote(shop, body)
    assert (quoted["tax"], quoted["total"], quoted["reverse_charge"]) == (0, RF_PRICE, True), (
        f"H2: quote {quoted}"
    )
    response = await shop.client.post_order(body)
    assert response.status_code == 201, f"H2: {response.status_code} {response.text[:500]}"
    order = response.json()
    assert (order["tax"], order["total"], order["reverse_charge"]) == (0, RF_PRICE, True), order
    assert order["vat_number"], order
    paid = await shop.client.admin_command(order["id"], "mark-paid")
    assert paid.status_code == 202, paid.text
    await wait_for_invoice(shop, order)
    pdf = await shop.client.http.get(
        shop.client.url("orders", f"/api/admin/orders/{order['id']}/invoice.pdf"),
        headers=shop.client.admin,
    )
    assert pdf.status_code == 200, f"H4: {pdf.status_code} {pdf.text[:200]}"
    said = " ".join(pdf_text(pdf.content).split())
    mention = "VAT reverse charge: Article 196, Council Directive 2006/112/EC"
    assert mention in said, f"H4: no reverse-charge mention on the invoice:\n{said}"
    assert "DE123456789" in said, f"H4: the buyer's VAT number on the invoice:\n{said}"


# --- quantity discounts, information fields, the contract ------------------------------------


TIERED_PRICE = 4_000  # each of two files; "2+ files: -10 %"
TIERED_FIGURES = {
    "subtotal": 8_000,
    "discount": 1_520,  # the tier: 800 (10 % of 80.00), then the coupon: 720 (10 % of 72.00)
    "tax": 1_296,  # 20 % of 64.80
    "total": 7_776,
}


async def test_a_quantity_discount_comes_before_the_coupon(shop, rf, tmp_path_factory):
    folder = tmp_path_factory.mktemp("pricing-tiers")
    media = []
    for seed in (41, 42):
        path = folder / f"tier-{seed}-{rf.tag}.jpg"
        make_jpeg(path, title=f"Pier {seed} {rf.tag}", keywords=[rf.tag], seed=seed)
        uploaded = await shop.client.upload_media(path)
        assert uploaded.status_code == 201, uploaded.text
        media.append(uploaded.json()["id"])
    profile = await shop.client.admin_call(
        "POST",
        "catalog",
        "/api/admin/pricing-profiles",
        {
            "name": f"Series {rf.tag}",
            "kind": "royalty_free",
            "rows": [row("Web", TIERED_PRICE, {"mode": "long_edge", "long_edge": 800})],
            "quantity_discounts": [{"min_quantity": 2, "percent": "10"}],
        },
        expect=201,
    )
    [web] = profile["rows"]
    await new_gallery(shop, media, pricing_profile_ids=[profile["id"]])
    offered = await shop.client.http.get(shop.client.url("catalog", f"/api/media/{media[0]}"))
    assert offered.status_code == 200, offered.text
    [offer] = offered.json()["offers"]
    tiers = [(t["min_quantity"], Decimal(str(t["percent"]))) for t in offer["quantity_tiers"]]
    assert tiers == [(2, Decimal(10))], f"H1: the offer's quantity tiers: {offer}"

    code = f"Tier{rf.tag}"
    await new_coupon(shop, code, percent_off=10)
    items = [{"media_id": m, "license_id": web["id"]} for m in media]
    for media_id in media:
        await shop.client.wait_for_offer(media_id, web["id"])
    order = await shop.client.place_order(items, email=shop.new_email("tiers"), coupon=code)
    assert {k: order[k] for k in TIERED_FIGURES} == TIERED_FIGURES, f"H2: {order}"
    seen = await shop.client.get_order(order)
    assert sorted(i["discount"] for i in seen["items"]) == [760, 760], seen["items"]


FIELDS = [
    {
        "name": "project",
        "label": "Project name",
        "kind": "text",
        "required": True,
        "max_length": 40,
        "choices": [],
    },
    {
        "name": "printed",
        "label": "Printed copies?",
        "kind": "choice",
        "required": False,
        "max_length": None,
        "choices": ["None", "Under 1000", "More"],
    },
]


async def test_information_fields_are_asked_kept_and_sent_to_the_seller(shop, rf):
    before = await shop.client.admin_call("GET", "orders", "/api/admin/order-fields")
    await shop.client.admin_call("PUT", "orders", "/api/admin/order-fields", FIELDS)
    try:
        email = shop.new_email("fields")
        refused = [
            ({}, "fields.project"),
            ({"project": "x" * 41}, "fields.project"),
            ({"project": "Harbour book", "printed": "Millions"}, "fields.printed"),
            ({"project": "Harbour book", "colour": "blue"}, "fields.colour"),
        ]
        for fields, named in refused:
            body = order_body(email, [rf.rf_item()], fields=fields)
            response = await shop.client.post_order(body)
            assert response.status_code == 422, f"H2/H8: {fields}: {response.text[:300]}"
            assert named in response.text, f"H2/H8: the 422 names {named}: {response.text}"
        assert await order_rows(shop, [email]) == 0

        answers = {"project": "Harbour book", "printed": "Under 1000"}
        order = await shop.client.place_order([rf.rf_item()], email=email, fields=answers)
        assert order["fields"] == answers, f"H2: {order}"
        assert (await shop.client.get_order(order))["fields"] == answers
        seller = await shop.email_to(shop.config.seller_email, containing=order["number"])
        said = seller.text() + seller.html()
        for shown in ("Project name", "Harbour book", "Printed copies?", "Under 1000"):
            assert shown in said, f"H5: {shown!r} not in the seller's new-order email"
    finally:
        await shop.client.admin_call("PUT", "orders", "/api/admin/order-fields", before)


async def test_the_public_contract_shows_the_new_fields(shop):
    orders = (await shop.client.http.get(shop.client.url("orders", "/openapi.json"))).json()
    paths = set(orders["paths"])
    for path in ("/api/orders/quote", "/api/admin/coupons", "/api/admin/tax"):
        assert path in paths, f"H2/H8: {path} not in orders' OpenAPI"
    invoice = re.compile(r"/api/admin/orders/\{\w+\}/invoice\.pdf")
    assert any(invoice.fullmatch(p) for p in paths), "H4: the admin API's invoice.pdf"
    schemas = orders["components"]["schemas"]
    placed = [s for s in schemas.values() if "access_token" in s.get("properties", {})]
    assert placed, "orders' OpenAPI has no order schema"
    for schema in placed:
        for name in ("subtotal", "discount", "tax", "total", "coupon", "invoice_number"):
            assert name in schema["properties"], f"H2: {name} not in {schema.get('title')}"
    catalog = (await shop.client.http.get(shop.client.url("catalog", "/openapi.json"))).json()
    assert any(re.fullmatch(r"/api/media/\{\w+\}/price", p) for p in catalog["paths"]), (
        "H1: the price endpoint in catalog's OpenAPI"
    )


# --- a coupon raced by concurrent checkouts ------------------------------------------------------


async def test_twenty_concurrent_checkouts_on_a_five_use_coupon(shop, rf):
    code = f"Race{rf.tag}"
    coupon = await new_coupon(shop, code, amount_off=RACE_AMOUNT_OFF, max_uses=5)
    emails = [shop.new_email(f"race{i}") for i in range(20)]
    bodies = [order_body(email, [rf.rf_item()], coupon=code) for email in emails]

    answers = await asyncio.gather(*(shop.client.post_order(body) for body in bodies))

    placed = [a.json() for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code == 422]
    others = [(a.status_code, a.text[:200]) for a in answers if a.status_code not in (201, 422)]
    assert not others, f"H2: neither placed nor refused: {others}"
    assert len(placed) == 5, f"H2/H8: {len(placed)} orders took a 5-use coupon"
    assert len(refused) == 15
    assert all("used_up" in a.text for a in refused), [a.text[:200] for a in refused]
    for order in placed:
        assert (order["discount"], order["total"]) == (RACE_AMOUNT_OFF, RACE_TOTAL), order
        assert order["coupon"] == code.upper(), order
    assert await order_rows(shop, emails) == 5, "H2: a refused checkout left an order row"
    assert await coupon_uses(shop, coupon) == 5
    async with database(shop, "orders") as db:
        uses = await db.fetchval(
            "SELECT count(*) FROM coupon_uses WHERE coupon_id = $1", uuid.UUID(coupon["id"])
        )
    assert uses == 5, f"H8: {uses} coupon_uses rows for 5 orders"

    # Cancelling one gives its use back: one more client can use it, then no one.
    cancelled = await shop.client.admin_command(placed[0]["id"], "cancel")
    assert cancelled.status_code == 202, cancelled.text
    assert await coupon_uses(shop, coupon) == 4, "H2: the cancel gives the coupon's use back"
    late = shop.new_email("race-late")
    again = await shop.client.post_order(order_body(late, [rf.rf_item()], coupon=code))
    assert again.status_code == 201, f"H2: the use given back is usable: {again.text[:300]}"
    assert again.json()["discount"] == RACE_AMOUNT_OFF
    too_late = shop.new_email("race-too-late")
    refused_again = await shop.client.post_order(order_body(too_late, [rf.rf_item()], coupon=code))
    assert refused_again.status_code == 422, refused_again.text
    assert "used_up" in refused_again.text, refused_again.text
    assert await order_rows(shop, [late, too_late]) == 1


# --- a total of 0 -----------------------------------------------------------------------------


async def test_a_hundred_percent_coupon_delivers_without_payment(shop, rf):
    await shop.client.settings("payments", card_processor="sandbox")
    await shop.client.settings("orders", manual_validation=False)
    code = f"Free{rf.tag}"
    await new_coupon(shop, code, percent_off=100)
    client = shop.new_email("free")

    order = await shop.client.place_order([rf.rf_item()], email=client, coupon=code)
    figures = {k: order.get(k) for k in ("subtotal", "discount", "tax", "total")}
    assert figures == {"subtotal": RF_PRICE, "discount": RF_PRICE, "tax": 0, "total": 0}, order

    await shop.client.wait_for_order(
        order, status="delivered", payment_status="paid", delivery_status="delivered"
    )
    history = (await shop.client.admin_order(order["id"]))["history"]
    notes = " | ".join(h["detail"] for h in history)
    assert "Nothing to pay (total 0 after the coupon): payment skipped" in notes, (
        f"H2: the history says why no payment was asked: {notes}"
    )
    async with database(shop, "payments") as db:
        sessions = await db.fetchval(
            "SELECT count(*) FROM sandbox_checkout_sessions WHERE order_id = $1",
            uuid.UUID(order["id"]),
        )
    assert sessions == 0, "nothing was sent to the card processor"
    await shop.email_to(client, containing=f"/orders/{order['id']}/downloads")


# --- the currency ------------------------------------------------------------------------------


async def test_a_currency_change_is_refused_while_an_order_is_unpaid(shop, rf):
    before = await shop.client.settings("orders")
    assert before["currency"] == "EUR", f"H8: the currency setting: {before}"
    order = await shop.client.place_order([rf.rf_item()], email=shop.new_email("unpaid"))
    assert order["payment_status"] == "unpaid"

    url = shop.client.url("orders", "/api/admin/settings")
    response = await shop.client.http.put(
        url, headers=shop.client.admin, json=before | {"currency": "USD"}
    )
    assert response.status_code == 409, f"H8: {response.status_code} {response.text[:300]}"
    assert re.search(r"\d+", response.json().get("detail", "")), (
        f"H8: the refusal says how many orders are unpaid: {response.text[:300]}"
    )
    assert (await shop.client.settings("orders"))["currency"] == "EUR"
    assert (await shop.client.get_order(order))["currency"] == "EUR"


# --- bad input: a clear 422, nothing written ----------------------------------------------------


@pytest.fixture(scope="module")
async def refused_coupons(shop, rf) -> dict[str, Json]:
    now = datetime.now(UTC)
    return {
        "minimum": await new_coupon(shop, f"Min{rf.tag}", percent_off=10, minimum_order=100_000),
        "expired": await new_coupon(
            shop,
            f"Old{rf.tag}",
            percent_off=10,
            starts_at=(now - timedelta(days=10)).isoformat(),
            ends_at=(now - timedelta(days=1)).isoformat(),
        ),
    }


async def refused_and_nothing_written(
    shop, body: Json, named: list[str], coupons: dict[str, Json]
) -> None:
    """The quote and the order both answer 422 naming every word of `named`; no order row,
    no coupon use."""
    uses_before = {k: await coupon_uses(shop, c) for k, c in coupons.items()}
    for path in ("/api/orders/quote", "/api/orders"):
        response = await shop.client.http.post(shop.client.url("orders", path), json=body)
        assert response.status_code == 422, f"H2: {path}: {response.status_code} {response.text}"
        for word in named:
            assert word in response.text, f"H2: {path}: the 422 names {word!r}: {response.text}"
    assert await order_rows(shop, [body["client"]["email"]]) == 0, "a refused order left a row"
    assert {k: await coupon_uses(shop, c) for k, c in coupons.items()} == uses_before


@pytest.mark.parametrize(
    ("coupon", "country", "named"),
    [
        ("NoSuch", "FR", ["unknown"]),
        ("minimum", "FR", ["below_minimum"]),
        ("expired", "FR", ["expired"]),
        (None, "JP", ["JP"]),  # a real country with no tax rate
    ],
    ids=["unknown-coupon", "below-minimum", "expired", "country"],
)
async def test_a_coupon_or_a_country_that_cannot_apply_is_refused_and_nothing_written(
    shop, rf, refused_coupons, coupon, country, named
):
    body = order_body(shop.new_email("refused"), [rf.rf_item()])
    body["client"]["address"]["country"] = country
    if coupon is not None:
        known = refused_coupons.get(coupon)
        body["coupon"] = known["code"] if known else f"{coupon}{rf.tag}"
    await refused_and_nothing_written(shop, body, named, refused_coupons)


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"Usage": "Billboard", "Size": "A3"}, ["Usage", "Billboard"]),
        ({"Usage": "Editorial"}, ["Size"]),
        ({"Usage": "Editorial", "Size": "A3", "Duration": "1 year"}, ["Duration"]),
    ],
    ids=["option-outside-the-tree", "missing-group", "unknown-group"],
)
async def test_a_usage_outside_the_option_tree_is_refused_and_nothing_written(
    shop, setup, refused_coupons, options, named
):
    body = order_body(shop.new_email("refused"), [setup.rm_item(options), setup.rf_item()])
    await refused_and_nothing_written(shop, body, named, refused_coupons)
