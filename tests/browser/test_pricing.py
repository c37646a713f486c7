"""Issue 12 in Chromium, on a desktop screen and a 390 px phone, every page checked by axe-core:
the client picks a rights-managed usage on the media page and sees its price, adds it to the
cart, enters a coupon at checkout and sees subtotal, discount, tax and total, pays in the
sandbox and finds the invoice on the order page; the photographer makes a coupon in the admin.

The photographer's side a journey only needs (an upload, the RM profile, a gallery, tax rates,
the coupon the client enters) is set up through the admin API, as tests/hostile does.
Figures by hand: base 100.00; Usage Editorial (base, ratio 10) -> Advertising (25) x 2.5;
Size A4 (base, 200) -> A3 (300) x 1.5 (PhotoDeck's example: A3 costs 150.00).
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest
from playwright.async_api import Locator, Page, expect

from shop_devtools.client import default_client
from shop_media.demo import make_demo_jpeg

from .conftest import Shop
from .journey import (
    AT_ONCE_MS,
    STATE_TIMEOUT_MS,
    add_to_cart_button,
    admin_logs_in,
    amount,
    body_text,
    button,
    card_payment_page,
    check_page,
    fill_details,
    go_to_checkout,
    link,
    pay_in_sandbox,
    shows,
    words,
)

BASE = 10_000  # Editorial, A4
A3 = 15_000  # Editorial, A3
ADVERTISING_A3 = 37_500
PERCENT_OFF = 10
DISCOUNT = 3_750  # 10 % of 375.00
TAX = 6_750  # FR 20 % of 337.50
TOTAL = 40_500
TAX_SETTINGS = {
    "prices_include_tax": False,
    "rates": [{"country": "FR", "region": None, "rate": "20.0"}],
    "seller_country": "FR",
}


@dataclass(frozen=True)
class RightsManaged:
    title: str
    media_id: str
    profile_id: str
    profile_name: str
    coupon: str  # the code the client types (any case)


@pytest.fixture(scope="module")
async def rights_managed(
    shop: Shop, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RightsManaged]:
    """An upload priced with an RM profile in a public gallery, FR tax at 20 %, a 10 % coupon;
    the shop's earlier tax settings are put back afterwards (the other journeys expect none)."""
    tag = uuid.uuid4().hex[:6]
    title = f"Lighthouse {tag}"
    path = tmp_path_factory.mktemp("pricing") / f"lighthouse-{tag}.jpg"
    make_demo_jpeg(path, width=1200, height=800, title=title, credit="Ana", seed=77)
    uploaded = await shop.client.upload_media(path)
    assert uploaded.status_code == 201, uploaded.text
    media = uploaded.json()
    profile = await shop.client.admin_call(
        "POST",
        "catalog",
        "/api/admin/pricing-profiles",
        {
            "name": f"Licensed use {tag}",
            "kind": "rights_managed",
            "base_price": BASE,
            "minimum_price": None,
            "groups": [
                {
                    "name": "Usage",
                    "base_option": "Editorial",
                    "options": [
                        {"name": "Editorial", "ratio": 10},
                        {"name": "Advertising", "ratio": 25},
                    ],
                },
                {
                    "name": "Size",
                    "base_option": "A4",
                    "options": [{"name": "A4", "ratio": 200}, {"name": "A3", "ratio": 300}],
                },
            ],
        },
        expect=201,
    )
    gallery = await shop.client.admin_call(
        "POST",
        "catalog",
        "/api/admin/galleries",
        {
            "title": f"Licensing {tag}",
            "description": "Rights-managed images",
            "visibility": "public",
            "password": None,
            "allowed_emails": [],
            "parent_id": None,
            "pricing_profile_ids": [profile["id"]],
            "whole_gallery_price": None,
        },
        expect=201,
    )
    await shop.client.admin_call(
        "PUT",
        "catalog",
        f"/api/admin/galleries/{gallery['id']}/media",
        {"media_ids": [media["id"]]},
    )
    before = await shop.client.admin_call("GET", "orders", "/api/admin/tax")
    await shop.client.admin_call("PUT", "orders", "/api/admin/tax", TAX_SETTINGS)
    code = f"Browser{tag}"
    await shop.client.admin_call(
        "POST", "orders", "/api/admin/coupons", {"code": code, "percent_off": PERCENT_OFF}, 201
    )
    made = RightsManaged(title, media["id"], profile["id"], profile["name"], code.lower())
    await orders_knows(shop, made)
    try:
        yield made
    finally:
        await restore_tax(shop, before)


async def restore_tax(shop: Shop, before: dict[str, Any]) -> None:
    """The tax settings as they were. Unconfigured ones cannot be PUT back (a PUT of the
    unconfigured GET body saves an empty table, and then every country is refused "no tax
    rate for FR"): the row is removed from orders' database, as it was before the first PUT."""
    if before.get("configured", True):
        await shop.client.admin_call("PUT", "orders", "/api/admin/tax", before)
        return
    dsn = shop.config.database_urls["orders"].replace("postgresql+asyncpg://", "postgresql://")
    db = await asyncpg.connect(dsn)
    try:
        async with db.transaction():
            await db.execute("DELETE FROM tax_rates")
            await db.execute("DELETE FROM tax_settings")
    finally:
        await db.close()
    after = await shop.client.admin_call("GET", "orders", "/api/admin/tax")
    assert after["configured"] is False, after


async def orders_knows(shop: Shop, rm: RightsManaged, timeout: float = 30.0) -> None:
    """Orders prices the RM offer (its read model heard of it from the catalog)."""
    item = {
        "media_id": rm.media_id,
        "profile_id": rm.profile_id,
        "options": {"Usage": "Editorial", "Size": "A4"},
    }
    body: dict[str, Any] = {"client": default_client("ready@client.example.com"), "items": [item]}
    url = shop.url("orders", "/api/orders/quote")
    deadline = asyncio.get_running_loop().time() + timeout
    response = await shop.client.http.post(url, json=body)
    while response.status_code != 200 and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.2)
        response = await shop.client.http.post(url, json=body)
    assert response.status_code == 200, (
        f"H2: the quote never priced the RM offer: {response.text[:400]}"
    )


# --- what the client sees ---------------------------------------------------------------------


def group_select(page: Page, group: str) -> Locator:
    return page.get_by_role("combobox", name=re.compile(rf"^\W*{group}\b", re.I))


async def sees_amount(page: Page, minor: int, why: str, timeout: int = AT_ONCE_MS) -> bool:
    try:
        await expect(page.locator("main")).to_contain_text(
            amount(minor), timeout=timeout, use_inner_text=True
        )
    except AssertionError:
        return False
    return True


async def choose(page: Page, group: str, option: str, price: int) -> None:
    """Choose `option` in the group's select: the price follows (the page's script, or its
    "Update price" submit where the page has no script)."""
    select = group_select(page, group)
    await select.first.select_option(label=option)
    if await sees_amount(page, price, "the script updates the price"):
        return
    update = page.get_by_role("button", name=words(r"\b(update|show|calculate)\b.*\bprice"))
    if await update.count():
        await update.first.click()
        await shows(page, group_select(page, group), "the media page again, with the usage")
        await expect(group_select(page, group).first).to_have_value(re.compile(re.escape(option)))
    if not await sees_amount(page, price, "the page shows the chosen usage's price"):
        said = " ".join((await body_text(page)).split())[:700]
        raise AssertionError(
            f"H1: after choosing {group} = {option} the media page does not show "
            f"{amount(price)}; it says: {said}"
        )


def figure(label: str, minor: int) -> re.Pattern[str]:
    """`label` followed closely by the amount (the same line or the next cell; the coupon's
    code or the tax rate may stand between them)."""
    return re.compile(rf"\b{label}\b[\s\S]{{0,60}}?{re.escape(amount(minor))}", re.I)


async def shows_figures(page: Page, figures: dict[str, int], why: str) -> None:
    text = ""
    for label, minor in figures.items():
        try:
            await expect(page.locator("body")).to_contain_text(
                figure(label, minor), timeout=AT_ONCE_MS, use_inner_text=True
            )
        except AssertionError:
            text = text or " ".join((await body_text(page)).split())[:900]
            raise AssertionError(
                f"{why}: no {label} of {amount(minor)} at {page.url}; the page says: {text}"
            ) from None


async def test_rm_usage_coupon_and_tax_paid_in_the_sandbox_with_an_invoice(
    shop: Shop, page: Page, rights_managed: RightsManaged
) -> None:
    """Media page: the usage selects (base options chosen), the price follows the choice;
    Add to cart; the cart line shows the usage; checkout with a coupon shows subtotal,
    discount, tax and total; Place order; pay in the sandbox; the order page links the
    invoice, a PDF."""
    rm = rights_managed
    await shop.use_manual_validation(False)
    await shop.use_card_processor()
    client = shop.new_email("rm-browser")

    await page.goto(shop.url("catalog", f"/media/{rm.media_id}"))
    await shows(page, page.get_by_role("heading", name=rm.title), "the media page")
    for group, base in (("Usage", "Editorial"), ("Size", "A4")):
        select = group_select(page, group)
        await shows(page, select, f"H1: a select for the {group!r} group", AT_ONCE_MS)
        await expect(select.first).to_have_value(re.compile(base))
    assert await sees_amount(page, BASE, "the base price"), "H1: the base usage's price 100.00"
    await check_page(page)
    await choose(page, "Size", "A3", A3)
    await choose(page, "Usage", "Advertising", ADVERTISING_A3)
    await check_page(page)

    add = await add_to_cart_button(page, rm.profile_name)
    await shows(page, add, "H1: an Add to cart button for the RM offer", AT_ONCE_MS)
    await add.first.click()
    await shows(page, page.get_by_role("heading", name=words("cart")), "Add to cart: the cart")
    await shows(page, page.get_by_text(rm.title).first, "H3: the RM line in the cart")
    await shows(
        page, page.get_by_text(re.compile(r"Advertising")).first, "H3: its usage", AT_ONCE_MS
    )
    assert await sees_amount(page, ADVERTISING_A3, "the line's price"), "H3: the line's 375.00"
    await check_page(page)

    await go_to_checkout(page)
    await fill_details(page, "Ada Client", client)
    await page.get_by_label(re.compile(r"coupon", re.I)).fill(rm.coupon)
    totals = {"subtotal": ADVERTISING_A3, "discount": DISCOUNT, "tax": TAX, "total": TOTAL}
    if not await sees_amount(page, TOTAL, "the totals box updates itself"):
        await button(page, "Update totals").click()
    await shows_figures(page, totals, "H3: the checkout's totals box (POST /api/orders/quote)")
    await check_page(page)
    await button(page, "Place order").click()

    await card_payment_page(page)
    await shows_figures(page, totals, "H6: the payment page's figures")
    await pay_in_sandbox(page)

    await link(page, "View your order").click()
    await shows(page, page.get_by_text(words(r"\bdelivered\b")), "the order page: delivered")
    invoice = page.get_by_role("link", name=words("invoice"))
    await shows(page, invoice, "H3: the order page links the invoice", STATE_TIMEOUT_MS)
    href = await invoice.first.get_attribute("href")
    assert href, "H3: the invoice link has no address"
    assert "/invoice.pdf?token=" in href, f"H3: the invoice link {href!r}"
    await shows_figures(page, totals, "H3: the client's order page")
    await check_page(page)
    pdf = await page.request.get(href if href.startswith("http") else shop.url("orders", href))
    assert pdf.status == 200, f"H4: {href}: {pdf.status}"
    assert (await pdf.body()).startswith(b"%PDF"), f"H4: {href} is not a PDF"


# --- the photographer -------------------------------------------------------------------------


async def test_admin_creates_a_coupon(shop: Shop, admin_page: Page, device: str) -> None:
    """Admin: Coupons -> New coupon -> code, 15 % off, at most 3 uses -> Save: listed, and the
    API has it."""
    page = admin_page
    code = f"SUMMER{device.upper()}{uuid.uuid4().hex[:6].upper()}"
    await admin_logs_in(page, shop)
    await link(page, "Coupons").first.click()
    await shows(page, page.get_by_role("heading", name=words("coupons")), "H3: the coupons page")
    await check_page(page)
    await (
        link(page, words(r"^(new|add|create)\b.*coupon"))
        .or_(page.get_by_role("button", name=words(r"^(new|add|create)\b.*coupon")))
        .first.click()
    )
    code_field = page.get_by_label(re.compile(r"^\W*code", re.I))
    await shows(page, code_field, "H3: the new coupon form asks its code", AT_ONCE_MS)
    await check_page(page)
    await code_field.fill(code.lower())
    percent = page.get_by_label(re.compile(r"percent", re.I))
    if await percent.count() and await percent.first.evaluate("e => e.type") not in (
        "radio",
        "checkbox",
    ):
        await percent.first.fill("15")
    else:  # a kind (percent or amount) and one value field
        kind = page.get_by_label(re.compile(r"^\W*(kind|type)\b", re.I))
        if await kind.count():
            await kind.first.select_option(value="percent")
        else:
            await percent.first.check()
        await page.get_by_label(re.compile(r"^\W*(value|percent|amount)\b", re.I)).first.fill("15")
    await page.get_by_label(re.compile(r"max(imum)?\W*(number of )?uses", re.I)).fill("3")
    await page.get_by_role("button", name=words(r"^(save|create|add)\b")).first.click()
    await shows(page, page.get_by_text(code).first, "H3: the new coupon, its code in capitals")
    await check_page(page)

    listed = await shop.client.admin_call("GET", "orders", "/api/admin/coupons")
    coupons = listed if isinstance(listed, list) else listed.get("coupons", listed.get("items", []))
    [made] = [c for c in coupons if c["code"] == code]
    assert (made.get("percent_off"), made.get("max_uses")) == (15, 3), f"H3/H8: {made}"
