"""The client's and the admin's pages with issue 12's prices: a rights-managed line's usage
and price, quantity discounts in the cart, the checkout's totals box quoted for the address,
coupon and VAT number ("Update totals", no script needed), the information fields, and the
order pages' subtotal, discount, tax, total and invoice link; amounts in the reader's locale."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from shop_contracts.common import (
    DeliverySpec,
    Offer,
    QuantityTier,
    RightsManagedGroup,
    RightsManagedOffer,
    RightsManagedOption,
)
from shop_contracts.events import MediaOffered
from shop_contracts.money import format_money
from shop_orders.bootstrap import OrdersRoot

from .helpers import counts
from .read_model import offer
from .test_pages import checkout_form, login, note_of

PRICING_TABLES = ("coupon_uses", "coupons", "tax_rates", "tax_settings", "order_fields")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
MINUS = "\u2212"  # the pages' minus sign before a discount
RF_PROFILE = uuid.uuid4()
RM_PROFILE = uuid.uuid4()
FR_TAX = {
    "prices_include_tax": False,
    "seller_country": "FR",
    "rates": [{"country": "FR", "region": None, "rate": "20"}, {"country": "DE", "rate": "19"}],
}
# An RM line (base 100.00 x A3 300/200 x Print 2/1 = 300.00) and three RF lines at 25.00
# of a profile with 3+ files: -10 %.
RM_PRICE, RF_PRICE = 30000, 2500
SUBTOTAL = RM_PRICE + 3 * RF_PRICE  # 375.00
QUANTITY = 3 * 250  # 7.50
COUPON = (SUBTOTAL - QUANTITY) // 10  # 10 % of 367.50 = 36.75
TAX = (SUBTOTAL - QUANTITY - COUPON) // 5  # 20 % of 330.75 = 66.15
TOTAL = SUBTOTAL - QUANTITY - COUPON + TAX  # 396.90


def eur(minor: int) -> str:
    return format_money(minor, "EUR")


@dataclass(frozen=True)
class Shop:
    rm_media: uuid.UUID
    rf_media: list[uuid.UUID]
    rf_license: dict[uuid.UUID, uuid.UUID]


@pytest.fixture(autouse=True)
async def empty_pricing_tables(service: OrdersRoot) -> None:
    async with service.engine.begin() as conn:
        for table in PRICING_TABLES:
            await conn.execute(text(f"DELETE FROM {table}"))


def _snapshot(media_id: uuid.UUID, title: str, offers: list[Any]) -> MediaOffered:
    return MediaOffered(
        media_id=media_id,
        revision=1,
        title=title,
        kind="image",
        media_key=f"demo/{title.lower().replace(' ', '-')}.jpg",
        width=4000,
        height=3000,
        offers=offers,
        created_at=NOW,
        updated_at=NOW,
    )


@pytest.fixture
async def shop(service: OrdersRoot) -> Shop:
    rm_media = uuid.uuid4()
    rm = RightsManagedOffer(
        profile_id=RM_PROFILE,
        name="Editorial RM",
        base_price=10000,
        groups=[
            RightsManagedGroup(
                name="Size",
                base_option="A4",
                options=[
                    RightsManagedOption(name="A4", ratio=200),
                    RightsManagedOption(name="A3", ratio=300),
                ],
            ),
            RightsManagedGroup(
                name="Usage",
                base_option="Web",
                options=[
                    RightsManagedOption(name="Web", ratio=1),
                    RightsManagedOption(name="Print", ratio=2),
                ],
            ),
        ],
    )
    snapshots = [_snapshot(rm_media, "Harbour Dawn", [rm])]
    rf_media, rf_license = [], {}
    for title in ("Quiet Pier", "Salt Flats", "Dune Line"):
        media_id, license_id = uuid.uuid4(), uuid.uuid4()
        web = Offer(
            license_id=license_id,
            profile_id=RF_PROFILE,
            name="Web",
            price=RF_PRICE,
            delivery=DeliverySpec(mode="long_edge", long_edge=1024, format="jpeg"),
            quantity_tiers=[QuantityTier(min_quantity=3, percent=10)],
        )
        snapshots.append(_snapshot(media_id, title, [web]))
        rf_media.append(media_id)
        rf_license[media_id] = license_id
    await offer(service, *snapshots)
    return Shop(rm_media, rf_media, rf_license)


async def fill_priced_cart(client: httpx.AsyncClient, shop: Shop) -> None:
    """The RM file for A3 in print, then the three RF files, as the catalog's forms post them."""
    rm = {"media_id": str(shop.rm_media), "profile_id": str(RM_PROFILE)}
    added = await client.post(
        "/cart/lines", data={**rm, "options[Size]": "A3", "options[Usage]": "Print"}
    )
    assert added.status_code == 303, added.text
    for media_id in shop.rf_media:
        form = {"media_id": str(media_id), "license_id": str(shop.rf_license[media_id])}
        assert (await client.post("/cart/lines", data=form)).status_code == 303


async def set_up_pricing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], **fields: Any
) -> None:
    tax = await client.put("/api/admin/tax", json=FR_TAX, headers=admin_headers)
    assert tax.status_code == 200, tax.text
    made = await client.post(
        "/api/admin/coupons", json={"code": "SPRING10", "percent_off": 10}, headers=admin_headers
    )
    assert made.status_code == 201, made.text
    if fields:
        defined = await client.put(
            "/api/admin/order-fields", json=fields["definitions"], headers=admin_headers
        )
        assert defined.status_code == 200, defined.text


def _spaced(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", html).strip()  # no-break spaces kept (amounts)


def totals_of(html: str) -> dict[str, str]:
    """The totals box as {label: amount} (its <dt>/<dd> pairs)."""
    match = re.search(r'<dl class="facts totals" id="totals">(.*?)</dl>', html, re.S)
    assert match, "no totals box"
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", match.group(1), re.S)
    return {_spaced(dt): _spaced(re.sub(r"<[^>]+>", "", dd)) for dt, dd in pairs}


async def test_the_cart_shows_the_usage_the_quantity_discount_and_says_tax_comes_later(
    client: httpx.AsyncClient, shop: Shop, admin_headers: dict[str, str]
) -> None:
    await fill_priced_cart(client, shop)
    untaxed = (await client.get("/cart")).text
    assert "Tax is added" not in untaxed, "no tax settings: no tax to announce"
    await set_up_pricing(client, admin_headers)
    html = (await client.get("/cart")).text
    assert "Editorial RM" in html
    assert "Size: A3; Usage: Print" in html
    assert eur(RM_PRICE) in html
    assert html.count(f"quantity discount {MINUS}{eur(250)}") == 3
    assert f"3+ files: {MINUS}10 %" in html
    assert re.search(rf"<dt>Subtotal</dt><dd>{re.escape(eur(SUBTOTAL))}</dd>", html)
    assert re.search(rf"<dt>Quantity discount</dt><dd>{MINUS}{re.escape(eur(QUANTITY))}</dd>", html)
    assert f"Total: <strong>{eur(SUBTOTAL - QUANTITY)}</strong> (4 items)" in html
    assert "Tax is added at checkout from your address" in html
    api = (await client.get("/api/carts/" + client.cookies["shop_cart"])).json()
    assert (api["subtotal"], api["discount"]) == (SUBTOTAL, QUANTITY), "the page is the API"


async def test_a_rights_managed_file_without_a_usage_is_not_added(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    rm = {"media_id": str(shop.rm_media), "profile_id": str(RM_PROFILE), "options[Size]": "A3"}
    refused = await client.post("/cart/lines", data=rm, headers={"Accept": "text/html"})
    assert refused.status_code == 422
    assert "Please choose an option for “Usage”" in refused.text
    outside = await client.post(
        "/cart/lines", data={**rm, "options[Usage]": "Billboard"}, headers={"Accept": "text/html"}
    )
    assert outside.status_code == 422
    assert "“Usage”" in outside.text
    assert (
        "shop_cart" not in client.cookies or "Harbour Dawn" not in (await client.get("/cart")).text
    )


async def test_update_totals_quotes_the_checkout_without_placing_it(
    client: httpx.AsyncClient, shop: Shop, service: OrdersRoot, admin_headers: dict[str, str]
) -> None:
    await set_up_pricing(client, admin_headers)
    await fill_priced_cart(client, shop)
    page = (await client.get("/checkout")).text
    for name in ("region", "vat_number", "coupon"):
        assert f'name="{name}"' in page, name
    assert ">Update totals</button>" in page
    assert "formnovalidate" in page, "Update totals works before the form is complete"
    before = totals_of(page)
    assert before["Subtotal"] == eur(SUBTOTAL)
    assert before["Discount"] == f"{MINUS}{eur(QUANTITY)}"
    assert before["Tax"].startswith("added from your address")

    form = checkout_form([], coupon="spring10", action="quote")
    quoted = await client.post("/checkout", data=form)
    assert quoted.status_code == 200, quoted.text
    figures = totals_of(quoted.text)
    assert figures == {
        "Subtotal": eur(SUBTOTAL),
        "Discount": f"{MINUS}{eur(QUANTITY + COUPON)} (coupon SPRING10)",
        "Tax": f"{eur(TAX)} (20 %)",
        "Total": eur(TOTAL),
    }
    assert 'value="spring10"' in quoted.text, "what was typed is kept"
    assert (await counts(service))["orders"] == 0, "a quote places nothing"
    api = await client.post(
        "/api/orders/quote",
        json={
            "client": {"email": "ada@example.com", "address": {"country": "FR"}},
            "cart_id": client.cookies["shop_cart"],
            "coupon": "spring10",
        },
    )
    if api.status_code == 200:  # the page and the endpoint agree
        assert (api.json()["total"], api.json()["tax"]) == (TOTAL, TAX)


async def test_refusals_are_said_next_to_the_coupon_the_country_and_the_vat_number(
    client: httpx.AsyncClient, shop: Shop, service: OrdersRoot, admin_headers: dict[str, str]
) -> None:
    await set_up_pricing(client, admin_headers)
    await fill_priced_cart(client, shop)
    unknown = await client.post("/checkout", data=checkout_form([], coupon="NOPE", action="quote"))
    assert unknown.status_code == 200, "updating the totals is no failed submit"
    assert "This coupon code is not known" in note_of(unknown.text, "coupon")
    assert "Coupon not applied: This coupon code is not known" in unknown.text
    assert 'aria-describedby="coupon-note"' in unknown.text
    figures = totals_of(unknown.text)
    assert figures["Discount"] == f"{MINUS}{eur(QUANTITY)}", "the totals without the coupon"
    assert figures["Tax"] == f"{eur((SUBTOTAL - QUANTITY) // 5)} (20 %)"

    placed = await client.post("/checkout", data=checkout_form([], coupon="NOPE"))
    assert placed.status_code == 422
    assert "This coupon code is not known" in note_of(placed.text, "coupon")
    nowhere = await client.post("/checkout", data=checkout_form([], country="US"))
    assert nowhere.status_code == 422
    assert "cannot sell to this country" in note_of(nowhere.text, "country")
    vat = await client.post("/checkout", data=checkout_form([], vat_number="FR123"))
    assert vat.status_code == 422
    assert "VAT number" in note_of(vat.text, "vat_number")
    assert (await counts(service))["orders"] == 0


DEFINITIONS = [
    {"name": "project", "label": "Project name", "kind": "text", "required": True},
    {
        "name": "medium",
        "label": "Medium",
        "kind": "choice",
        "required": False,
        "choices": ["Print", "Web"],
    },
    {"name": "terms", "label": "I accept the usage terms", "kind": "checkbox", "required": True},
]


async def test_information_fields_are_asked_and_refused_next_to_them(
    client: httpx.AsyncClient, shop: Shop, service: OrdersRoot, admin_headers: dict[str, str]
) -> None:
    await set_up_pricing(client, admin_headers, definitions=DEFINITIONS)
    await fill_priced_cart(client, shop)
    page = (await client.get("/checkout")).text
    assert '<label for="field-project">Project name' in page
    assert 'name="fields[project]"' in page
    assert '<option value="Web">Web</option>' in page
    assert 'type="checkbox" id="field-terms" name="fields[terms]" value="true"' in page
    missing = await client.post("/checkout", data=checkout_form([], **{"fields[terms]": "true"}))
    assert missing.status_code == 422
    assert note_of(missing.text, "field-project") == "Please fill in Project name."
    assert 'aria-describedby="field-project-note"' in missing.text
    unticked = await client.post("/checkout", data=checkout_form([], **{"fields[project]": "X"}))
    assert unticked.status_code == 422
    assert "Please tick “I accept the usage terms”" in note_of(unticked.text, "field-terms")
    assert 'value="X"' in unticked.text, "the answers typed are kept"
    assert (await counts(service))["orders"] == 0


async def place(client: httpx.AsyncClient, **overrides: str) -> tuple[str, str]:
    """Place the cart; (order id, access token) from the payment page's address."""
    response = await client.post("/checkout", data=checkout_form([], **overrides))
    assert response.status_code == 303, response.text
    match = re.search(r"/pay/([0-9a-f-]{36})\?token=(.+)$", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1), match.group(2)


async def test_the_order_pages_show_the_figures_the_usage_and_the_answers(
    client: httpx.AsyncClient, shop: Shop, service: OrdersRoot, admin_headers: dict[str, str]
) -> None:
    await set_up_pricing(client, admin_headers, definitions=DEFINITIONS)
    await fill_priced_cart(client, shop)
    answers = {"fields[project]": "Harbour book", "fields[terms]": "true"}
    order_id, token = await place(client, coupon="Spring10", **answers)
    expected = {
        "Subtotal": eur(SUBTOTAL),
        "Discount": f"{MINUS}{eur(QUANTITY + COUPON)} (coupon SPRING10)",
        "Tax": f"{eur(TAX)} (20 %)",
        "Total": eur(TOTAL),
    }
    mine = (await client.get(f"/orders/{order_id}?token={token}")).text
    assert totals_of(mine) == expected
    assert "Size: A3; Usage: Print" in mine
    assert "<dt>Project name</dt><dd>Harbour book</dd>" in mine
    assert "<dt>I accept the usage terms</dt><dd>Yes</dd>" in mine
    assert "invoice" not in mine.lower(), "no invoice before payment"

    await login(client)
    admin = (await client.get(f"/admin/orders/{order_id}")).text
    assert totals_of(admin) == expected
    assert "Size: A3; Usage: Print" in admin
    assert "<dt>Coupon</dt><dd>SPRING10</dd>" in admin
    assert "<dt>VAT number</dt><dd>None given</dd>" in admin
    assert "<dt>Project name</dt><dd>Harbour book</dd>" in admin
    assert f"discount {MINUS}{eur(250 + 225)}" in admin, "a line's share of the discounts"


async def test_reverse_charge_and_the_invoice_link(
    client: httpx.AsyncClient, shop: Shop, service: OrdersRoot, admin_headers: dict[str, str]
) -> None:
    await set_up_pricing(client, admin_headers)
    await fill_priced_cart(client, shop)
    order_id, token = await place(client, country="de", vat_number="DE123456789")
    mine = (await client.get(f"/orders/{order_id}?token={token}")).text
    figures = totals_of(mine)
    assert figures["Tax"].startswith("VAT reverse charge")
    assert figures["Total"] == eur(SUBTOTAL - QUANTITY)
    assert "Your VAT number: DE123456789" in mine
    async with service.engine.begin() as conn:
        await conn.execute(
            text("UPDATE orders SET invoice_number = 'INV-000042' WHERE id = :id"),
            {"id": order_id},
        )
    mine = (await client.get(f"/orders/{order_id}?token={token}")).text
    link = f'href="/orders/{order_id}/invoice.pdf?token={token}"'
    assert link in mine
    assert "Download your invoice INV-000042 (PDF)" in mine
    await login(client)
    admin = (await client.get(f"/admin/orders/{order_id}")).text
    assert f'href="/admin/orders/{order_id}/invoice.pdf">INV-000042 (PDF)</a>' in admin
    assert "<dt>VAT number</dt><dd>DE123456789</dd>" in admin
    assert "Yes: VAT number DE123456789, no tax charged" in admin


async def test_amounts_are_written_in_the_readers_locale(
    client: httpx.AsyncClient, shop: Shop, admin_headers: dict[str, str]
) -> None:
    await set_up_pricing(client, admin_headers)
    await fill_priced_cart(client, shop)
    french = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
    cart = (await client.get("/cart", headers=french)).text
    assert format_money(RM_PRICE, "EUR", "fr_FR") in cart  # "300,00 €"
    assert eur(RM_PRICE) not in cart
    quoted = await client.post(
        "/checkout", data=checkout_form([], coupon="SPRING10", action="quote"), headers=french
    )
    assert totals_of(quoted.text)["Total"] == format_money(TOTAL, "EUR", "fr_FR")
    neutral = (await client.get("/cart")).text
    assert eur(RM_PRICE) in neutral, "no Accept-Language: the neutral form"


async def test_a_free_order_goes_to_its_page_not_to_the_payment_page(
    client: httpx.AsyncClient, shop: Shop, service: OrdersRoot, admin_headers: dict[str, str]
) -> None:
    made = await client.post(
        "/api/admin/coupons", json={"code": "GIFT", "percent_off": 100}, headers=admin_headers
    )
    assert made.status_code == 201, made.text
    await fill_priced_cart(client, shop)
    response = await client.post("/checkout", data=checkout_form([], coupon="gift"))
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("http://orders.test/orders/"), "nothing to pay: no payment page"
    page = (await client.get(location)).text
    assert "Nothing to pay: the total is 0 after the coupon." in page
    assert "data-watch-url=" in page, "the page updates itself until the files are sent"
    assert totals_of(page)["Total"] == eur(0)
    assert "Go to the payment page" not in page
