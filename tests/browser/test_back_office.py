"""Issue 14 in Chromium, on a desktop screen and a 390 px phone, every page checked by axe-core:
the back office's people. The owner invites a photographer and an assistant, who accept from
the emailed link; logging in with an email and a password, and the "Forgot your password?"
link; searching the orders and paging; the two CSV exports; the sales dashboard and its
numbers; what the assistant and a photographer may not see or do; personal API tokens on
My account.

Owners (the brief): A the login, accounts and My account pages; B the orders pages' roles and
the agency's scoping; C the catalog's owners; D the invitation and reset emails.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Dialog, Page, expect

from shop_media.synth import landscape
from shop_orders.domain.order_search import PAGE_SIZE

from .back_office import (
    INVITATION,
    PASSWORD_RESET,
    Json,
    Person,
    account_of,
    api,
    downloaded_csv,
    listed_numbers,
    login_refused,
    logs_in,
    major,
    mark_paid,
    new_password,
    opens_login,
    owner_logs_in,
    personal_token,
    place_for,
    refused_page,
    searches,
    sets_password,
    signed_in,
)
from .conftest import Browsing, Choice, Shop, link_in
from .journey import AT_ONCE_MS, body_text, button, check_page, gone, link, shows, words


def accept_dialogs(page: Page) -> None:
    """Answer OK to the browser's "Are you sure?" of the buttons that ask first."""

    async def accept(dialog: Dialog) -> None:
        await dialog.accept()

    page.on("dialog", accept)


@pytest.fixture(scope="module")
async def staff(shop: Shop) -> dict[str, Person]:
    """An owner account and an assistant, both active (made through the API)."""
    return {
        "owner": await account_of(shop, "owner", "Olga"),
        "assistant": await account_of(shop, "assistant", "Anton"),
    }


# --- 1. invitations -------------------------------------------------------------------------


async def test_the_owner_invites_a_photographer_and_an_assistant_who_accept(
    shop: Shop, browsing: Browsing
) -> None:
    page = await browsing.page_for("owner")
    await owner_logs_in(page, shop)
    await link(page, "Accounts").click()
    await shows(page, button(page, "Invite"), "A: the Accounts page has the invite form")
    await check_page(page)

    tag = uuid.uuid4().hex[:6]
    invited = {
        "photographer": (f"Pia Lens {tag}", f"pia-{tag}@staff.example.com"),
        "assistant": (f"Asa Help {tag}", f"asa-{tag}@staff.example.com"),
    }
    form = page.locator("form").filter(has=button(page, "Invite"))
    for role, (name, email) in invited.items():
        await form.get_by_label(words(r"^e-?mail")).fill(email)
        await form.get_by_label(words(r"^name")).fill(name)
        await form.get_by_label(words(r"^role")).select_option(role)
        await button(page, "Invite").click()
        row = page.get_by_role("row").filter(has_text=email)
        await shows(page, row, f"A: the {role} {email} is listed once invited")
        await expect(row.first).to_contain_text(words("invited"))
        await check_page(page)

    for role, (name, email) in invited.items():
        message = await shop.email_to(email, INVITATION, why=f"D: the {role} is invited")
        invitee = await browsing.page_for(role)
        await sets_password(
            invitee, link_in(message, INVITATION), new_password(), f"A: the {role}'s link"
        )
        await signed_in(invitee, f"A: the {role} is signed in after setting a password")
        await link(invitee, "My account").click()
        await shows(invitee, invitee.get_by_text(name).first, f"A: My account names the {role}")
        await shows(invitee, invitee.get_by_text(words(rf"\b{role}\b")).first, "their role")
        await check_page(invitee)

    await page.reload()
    for _, email in invited.values():
        row = page.get_by_role("row").filter(has_text=email)
        await expect(row.first).to_contain_text(words("active"), timeout=AT_ONCE_MS)
    await check_page(page)


# --- 2. passwords ---------------------------------------------------------------------------


async def test_logging_in_with_a_password_and_resetting_a_forgotten_one(
    shop: Shop, browsing: Browsing
) -> None:
    person = await account_of(shop, "photographer", "Paolo")
    assert person.password
    page = await browsing.page_for("photographer")
    await login_refused(
        page, shop, person.email, "not-the-password-1", "A: a wrong password is said so"
    )
    await logs_in(page, shop, person.email, person.password)

    forgot = await browsing.page_for("forgot")
    await opens_login(forgot, shop)
    await link(forgot, "Forgot your password?").click()
    await shows(forgot, button(forgot, "Send the link"), "A: the password reset form")
    await check_page(forgot)
    await forgot.get_by_label(words(r"^e-?mail")).fill(person.email)
    await button(forgot, "Send the link").click()
    await shows(forgot, forgot.get_by_role("status"), "A: the page says the link is on its way")
    await check_page(forgot)

    message = await shop.email_to(person.email, PASSWORD_RESET, why="D: the reset link is emailed")
    new = new_password()
    await sets_password(forgot, link_in(message, PASSWORD_RESET), new, "A: the reset link's page")
    await forgot.wait_for_load_state("load")
    await check_page(forgot)

    await page.goto(shop.url("orders", "/admin"))
    await shows(page, button(page, "Log in"), "A: a reset ends the account's other sessions")
    await login_refused(
        page, shop, person.email, person.password, "A: the old password no longer works"
    )
    await logs_in(page, shop, person.email, new)


# --- 3. search and pages ----------------------------------------------------------------------


@pytest.fixture(scope="module")
async def many_orders(shop: Shop, web_choice: Choice) -> dict[str, Any]:
    """One page and one more of orders by clients named "Quincy Quill-<tag>" (the numbers),
    and an order by someone else (`other`)."""
    tag = uuid.uuid4().hex[:6]
    placed: list[Json] = []
    for start in range(0, PAGE_SIZE + 1, 10):
        batch = range(start, min(start + 10, PAGE_SIZE + 1))
        placed += await asyncio.gather(
            *(
                place_for(
                    shop,
                    f"Quincy Quill-{tag}",
                    f"q{i}-{tag}@client.example.com",
                    [web_choice.item()],
                )
                for i in batch
            )
        )
    other = await place_for(
        shop, f"Rosa Other {tag}", f"rosa-{tag}@client.example.com", [web_choice.item()]
    )
    return {"tag": tag, "numbers": {o["number"] for o in placed}, "other": other["number"]}


async def test_searching_orders_by_name_and_number_and_paging(
    shop: Shop, browsing: Browsing, many_orders: dict[str, Any]
) -> None:
    page = await browsing.page_for("owner")
    await owner_logs_in(page, shop)
    tag, theirs, other = many_orders["tag"], many_orders["numbers"], many_orders["other"]

    await searches(page, f"QUILL-{tag}")  # a part of the name, another case
    first = await listed_numbers(page)
    assert len(first) == PAGE_SIZE, f"a full first page, not {len(first)}: {first}"
    assert set(first) <= theirs, f"orders of other clients listed: {set(first) - theirs}"
    await check_page(page)
    await link(page, "Next page").click()
    await shows(page, link(page, "First page"), "the next page links back to the first")
    second = await listed_numbers(page)
    assert len(second) == 1, f"the second page lists the one left: {second}"
    assert set(first) | set(second) == theirs, f"the two pages list the {len(theirs)} orders"
    await gone(page, link(page, "Next page"), "no page after the last", 0)
    await check_page(page)

    await searches(page, other)
    found = await listed_numbers(page)
    assert other in found, f"searching {other}: {found}"
    assert all(other in n for n in found), f"searching {other}: {found}"
    assert not set(found) & theirs, f"searching {other} listed others: {found}"
    await check_page(page)


# --- 4. exports -------------------------------------------------------------------------------


async def test_exporting_the_orders_and_their_lines_as_csv(
    shop: Shop, browsing: Browsing, image_offers: list[dict[str, Choice]]
) -> None:
    choices = [next(iter(offers.values())) for offers in image_offers[:2]]
    tag = uuid.uuid4().hex[:6]
    one = await place_for(
        shop, f"Eve Export {tag}", f"eve-{tag}@client.example.com", [choices[0].item()]
    )
    two = await place_for(
        shop, f"Max Export {tag}", f"max-{tag}@client.example.com", [c.item() for c in choices]
    )
    await mark_paid(shop, one)
    placed = {o["number"]: o for o in (one, two)}

    page = await browsing.page_for("owner")
    await owner_logs_in(page, shop)
    await page.get_by_text("Export as CSV", exact=True).click()
    shape = page.get_by_label("Rows", exact=True)
    await shows(page, shape, "the export form opens", AT_ONCE_MS)
    await check_page(page)

    await shape.select_option("orders")
    name, rows = await downloaded_csv(page, button(page, "Export CSV"))
    assert name.endswith(".csv"), name
    by_number = {r["number"]: r for r in rows if r["number"] in placed}
    assert by_number.keys() == placed.keys(), f"the export lacks {placed.keys() - by_number.keys()}"
    for number, order in placed.items():
        row = by_number[number]
        assert row["client_email"].endswith(f"-{tag}@client.example.com"), row
        said = f"{number}: the export says {row['total']} {row['currency']}"
        assert Decimal(row["total"]) == major(order["total"]), f"{said}, the order {order}"
        assert row["currency"] == order["currency"], f"{said}, the order {order}"
    assert by_number[one["number"]]["paid_at"], "the paid order's payment time"
    assert not by_number[two["number"]]["paid_at"], "the unpaid order has no payment time"
    assert by_number[one["number"]]["client_name"] == f"Eve Export {tag}"

    await shape.select_option("lines")
    _, lines = await downloaded_csv(page, button(page, "Export CSV"))
    got = Counter(
        (r["order_number"], r["media_id"], r["license"], Decimal(r["price"]))
        for r in lines
        if r["order_number"] in placed
    )
    wanted = Counter(
        (number, str(item["media_id"]), item["license_name"], major(item["price"]))
        for number, order in placed.items()
        for item in order["items"]
    )
    assert got == wanted, f"the lines export: {got}, the orders' lines: {wanted}"


# --- 5. dashboard -----------------------------------------------------------------------------

DAILY_CSV = re.compile(r"per day.*\(CSV\)")
MEDIA_CSV = re.compile(r"top media.*\(CSV\)", re.IGNORECASE)


async def today_figures(page: Page, media_id: str) -> tuple[int, str, int]:
    """From the admin home's CSV downloads: today's paid orders and revenue, and the lines
    sold of `media_id`."""
    today = datetime.now(UTC).date().isoformat()
    _, days = await downloaded_csv(page, link(page, DAILY_CSV))
    day = next((r for r in days if r["day"] == today), None)
    assert day is not None, f"no row for {today} in the daily CSV: {days[-3:]}"
    _, media = await downloaded_csv(page, link(page, MEDIA_CSV))
    sold = next((int(r["lines_sold"]) for r in media if r["media_id"] == media_id), 0)
    return int(day["paid_orders"]), day["revenue"], sold


async def test_the_dashboard_shows_charts_and_their_numbers_match_the_orders(
    shop: Shop, browsing: Browsing, web_choice: Choice
) -> None:
    await shop.use_manual_validation(False)
    await shop.use_card_processor()
    page = await browsing.page_for("owner")
    await owner_logs_in(page, shop)
    orders_before, revenue_before, sold_before = await today_figures(page, web_choice.media_id)

    order = await shop.client.place_order([web_choice.item()], email=shop.new_email("dash"))
    await mark_paid(shop, order)
    await page.reload()
    await shows(page, page.get_by_role("heading", name="Sales", exact=True), "charts on the home")
    for chart in ("Revenue per day", "Paid orders per day", "Top media"):
        image = page.get_by_role("img", name=re.compile(f"^{chart}"))
        await shows(page, image, f"the {chart} chart is an image with a name", AT_ONCE_MS)
        tag = await image.first.evaluate("e => e.tagName.toLowerCase()")
        assert tag == "svg", f"the {chart} chart is a <{tag}>, not an SVG"
    await check_page(page)

    orders_after, revenue_after, sold_after = await today_figures(page, web_choice.media_id)
    assert orders_after == orders_before + 1, f"paid orders today {orders_before} -> {orders_after}"
    assert Decimal(revenue_after) - Decimal(revenue_before) == major(order["total"]), (
        f"revenue today {revenue_before} -> {revenue_after}, the order {major(order['total'])}"
    )
    assert sold_after == sold_before + 1, f"{web_choice.title} lines {sold_before} -> {sold_after}"


# --- 6. roles -------------------------------------------------------------------------------


async def test_the_assistant_sees_orders_but_cannot_mark_paid_nor_open_settings(
    shop: Shop, browsing: Browsing, staff: dict[str, Person], web_choice: Choice
) -> None:
    await shop.use_manual_validation(False)
    await shop.use_card_processor()
    order = await shop.client.place_order([web_choice.item()], email=shop.new_email("asst"))
    assistant = staff["assistant"]
    assert assistant.password
    page = await browsing.page_for("assistant")
    accept_dialogs(page)
    await logs_in(page, shop, assistant.email, assistant.password)

    await searches(page, order["number"])
    assert order["number"] in await listed_numbers(page), "B: the assistant sees the orders"
    await link(page, order["number"]).click()
    await shows(
        page,
        page.get_by_role("heading", name=re.compile(re.escape(order["number"]))),
        "B: the assistant opens the order",
    )
    await check_page(page)
    mark = button(page, "Mark as paid")
    if await mark.count():  # shown, then refused
        async with page.expect_response(lambda r: "/mark-paid" in r.url) as answered:
            await mark.first.click()
        refused = await answered.value
        said = " ".join((await body_text(page)).split())[:500]
        assert refused.status == 403, f"B: Mark as paid by the assistant: {refused.status} {said}"
        assert re.search(r"assistant.*cannot", said, re.I), f"B: the refusal says why: {said}"
        await check_page(page)
    else:  # hidden: the form posted anyway from this browser (its session, its CSRF token)
        csrf = await page.locator("input[name=csrf]").first.get_attribute("value")
        posted = await page.request.post(
            shop.url("orders", f"/admin/orders/{order['id']}/mark-paid"),
            form={"csrf": csrf or ""},
            headers={"Origin": shop.url("orders", "")},
        )
        said = " ".join((await posted.text()).split())[:500]
        assert posted.status == 403, f"B: Mark as paid by the assistant: {posted.status} {said}"
        assert re.search(r"assistant.*cannot", said, re.I), f"B: the refusal says why: {said}"
    current = await shop.client.get_order(order)
    assert current["payment_status"] == "unpaid", f"B: the assistant marked it paid: {current}"

    await refused_page(
        page, shop.url("orders", "/admin/settings"), "assistant", "B: settings are the owner's"
    )


async def photographers_jpeg(folder: Path, seed: int) -> Path:
    path = folder / f"own-{seed}-{uuid.uuid4().hex[:6]}.jpg"
    await asyncio.to_thread(lambda: landscape(900, 600, seed).jpegsave(str(path), Q=85))
    return path


@pytest.fixture(scope="module")
async def photographers_sale(
    shop: Shop, web_choice: Choice, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """A photographer's own media (uploaded, priced and put in a public gallery with their
    personal token), an order of it and one of the owner's media, both paid."""
    person = await account_of(shop, "photographer", "Ines")
    token = await personal_token(shop, person)
    tag = uuid.uuid4().hex[:6]
    title = f"Harbour at dawn {tag}"
    # A picture of its own each time (desktop, phone): the same file uploaded by another
    # photographer is refused as a duplicate (409).
    path = await photographers_jpeg(tmp_path_factory.mktemp("agency"), int(tag, 16))
    with path.open("rb") as file:
        uploaded = await api(
            shop,
            "POST",
            "catalog",
            "/api/admin/media",
            token=token,
            expect=201,
            files={"file": (path.name, file, "image/jpeg")},
            data={"title": title},
            timeout=60.0,
        )
    media = uploaded.json()
    row = {
        "name": "Web",
        "description": "Web download",
        "usage_terms": "Web: editorial use",
        "price": 3_300,
        "delivery": {"mode": "long_edge", "long_edge": 800},
        "link_expiry_days": 30,
        "max_downloads": 5,
    }
    profile = (
        await api(
            shop,
            "POST",
            "catalog",
            "/api/admin/pricing-profiles",
            {"name": f"Ines {tag}", "kind": "royalty_free", "rows": [row]},
            token=token,
            expect=201,
        )
    ).json()
    gallery = (
        await api(
            shop,
            "POST",
            "catalog",
            "/api/admin/galleries",
            {
                "title": f"Ines {tag}",
                "description": "The photographer's own",
                "visibility": "public",
                "password": None,
                "allowed_emails": [],
                "parent_id": None,
                "pricing_profile_ids": [profile["id"]],
                "whole_gallery_price": None,
            },
            token=token,
            expect=201,
        )
    ).json()
    path_media = f"/api/admin/galleries/{gallery['id']}/media"
    await api(shop, "PUT", "catalog", path_media, {"media_ids": [media["id"]]}, token=token)
    license_id = profile["rows"][0]["id"]
    await shop.client.wait_for_offer(media["id"], license_id)

    theirs = await place_for(
        shop,
        f"Tess Theirs {tag}",
        f"tess-{tag}@client.example.com",
        [{"media_id": media["id"], "license_id": license_id}],
    )
    others = await place_for(
        shop, f"Otto Others {tag}", f"otto-{tag}@client.example.com", [web_choice.item()]
    )
    for order in (theirs, others):
        await mark_paid(shop, order)
    return {"person": person, "tag": tag, "title": title, "theirs": theirs, "others": others}


async def test_a_photographer_sees_only_their_own_sales(
    shop: Shop, browsing: Browsing, photographers_sale: dict[str, Any], web_choice: Choice
) -> None:
    sale = photographers_sale
    person: Person = sale["person"]
    assert person.password
    theirs, others = sale["theirs"]["number"], sale["others"]["number"]
    page = await browsing.page_for("photographer")
    await logs_in(page, shop, person.email, person.password)

    listed = await listed_numbers(page)
    assert theirs in listed, f"B: the photographer's sale is in their orders: {listed}"
    assert others not in listed, f"B: another's sale {others} is listed to the photographer"
    await searches(page, sale["tag"])
    assert await listed_numbers(page) == [theirs], "B: their search finds only theirs"
    await check_page(page)

    await page.get_by_text("Export as CSV", exact=True).click()
    await page.get_by_label("Rows", exact=True).select_option("orders")
    _, rows = await downloaded_csv(page, button(page, "Export CSV"))
    exported = {r["number"] for r in rows}
    assert theirs in exported, f"B: the photographer's export lacks their sale {theirs}"
    assert others not in exported, f"B: another's sale {others} in the photographer's export"

    answer = await page.goto(shop.url("orders", f"/admin/orders/{sale['others']['id']}"))
    assert answer is not None
    assert answer.status == 404, f"B: another's order, to the photographer: {answer.status}"
    await check_page(page)

    await page.goto(shop.url("orders", "/admin"))
    await link(page, "Sales").click()
    await shows(page, page.get_by_role("heading", name="Sales dashboard"), "the dashboard")
    await check_page(page)
    shown = await body_text(page)
    assert sale["title"] in shown, "B: the photographer's media is in their top media"
    assert web_choice.title not in shown, "B: another's media is in the photographer's dashboard"


# --- 7. My account ----------------------------------------------------------------------------


async def test_my_account_creates_an_api_token_shown_once_and_revokes_it(
    shop: Shop, browsing: Browsing, staff: dict[str, Person]
) -> None:
    owner = staff["owner"]
    assert owner.password
    page = await browsing.page_for("owner")
    accept_dialogs(page)
    await logs_in(page, shop, owner.email, owner.password)
    await link(page, "My account").click()
    await shows(page, button(page, "Create token"), "A: My account lists API tokens")
    await shows(page, page.get_by_text(owner.name).first, "A: My account names who")
    await check_page(page)

    name = f"Laptop {uuid.uuid4().hex[:6]}"
    form = page.locator("form").filter(has=button(page, "Create token"))
    await form.get_by_label(words(r"name")).fill(name)
    await button(page, "Create token").click()
    shown = page.locator("#new-token")
    await shows(page, shown, "A: the new token is shown once")
    token = (await shown.inner_text()).strip()
    assert token.startswith("shp_"), f"A: the token shown is {token!r}"
    await check_page(page)
    me = await api(shop, "GET", "orders", "/api/admin/me", token=token)
    assert me.json()["email"] == owner.email, me.json()

    await link(page, "My account").click()  # again, not a reload: that would post the form
    await shows(page, button(page, "Create token"), "A: My account again")
    await gone(page, page.get_by_text(token), "A: the token is shown once only", AT_ONCE_MS)
    row = page.get_by_role("row").filter(has_text=name)
    await shows(page, row, "A: the token is listed by its name")
    await row.get_by_role("button", name=words("^revoke")).click()
    await gone(page, page.get_by_role("row").filter(has_text=name), "A: revoked, not listed")
    await check_page(page)
    await api(shop, "GET", "orders", "/api/admin/me", token=token, expect=401)

    await page.goto(shop.url("orders", "/admin"))
    await signed_in(page, "A: revoking a token leaves the browser's session alone")
