"""The back office's people in the browser (issue 14): accounts made through the admin API
(the invitation read from the test mail server), the login form with an email and a
password, the orders list, its CSV downloads, the refusals a role meets.

Pages are read as a person reads them: by role, label and visible text; every page a step
opens goes through `journey.check_page` (axe-core, no sideways scrolling, plain words).
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Locator, Page, Response, expect

from .conftest import Shop, link_in
from .journey import AT_ONCE_MS, body_text, button, check_page, link, shows, words

Json = dict[str, Any]
INVITATION = "/admin/invitations/"
PASSWORD_RESET = "/admin/password-reset/"


@dataclass(frozen=True)
class Person:
    """An account of the shop: who, their role, the password they chose (None: invited, not
    yet accepted)."""

    id: str
    email: str
    name: str
    role: str
    password: str | None = None

    def with_password(self, password: str) -> Person:
        return Person(self.id, self.email, self.name, self.role, password)


def new_password() -> str:
    return f"Pw-{uuid.uuid4().hex[:14]}"


def new_person(role: str, first: str) -> tuple[str, str]:
    """A name and an address no other test uses."""
    tag = uuid.uuid4().hex[:6]
    return f"{first} {tag.upper()}", f"{first.lower()}-{tag}@staff.example.com"


# --- through the API (what a test only needs to exist) --------------------------------------


async def api(
    shop: Shop,
    method: str,
    service: str,
    path: str,
    body: Any = None,
    *,
    token: str | None = None,
    expect: int | tuple[int, ...] = 200,
    **options: Any,
) -> httpx.Response:
    """A call with a bearer (the ADMIN_TOKEN unless `token`), that must answer `expect`."""
    headers = {"Authorization": f"Bearer {token or shop.config.admin_token}"}
    response = await shop.client.http.request(
        method, shop.url(service, path), headers=headers, json=body, **options
    )
    wanted = (expect,) if isinstance(expect, int) else expect
    assert response.status_code in wanted, (
        f"{method} {service} {path}: {response.status_code} {response.text[:500]}"
    )
    return response


async def invite(shop: Shop, role: str, first: str) -> Person:
    """The owner invites someone (POST /api/admin/accounts): the account, status invited."""
    name, email = new_person(role, first)
    answer = await api(
        shop,
        "POST",
        "orders",
        "/api/admin/accounts",
        {"email": email, "name": name, "role": role},
        expect=201,
    )
    account = answer.json()
    assert account["status"] == "invited", account
    return Person(str(account["id"]), email, name, role)


async def invitation_link(shop: Shop, person: Person) -> str:
    email = await shop.email_to(
        person.email, INVITATION, why="an invited person is emailed the link to accept"
    )
    return link_in(email, INVITATION)


async def accept_by_api(shop: Shop, person: Person) -> Person:
    """The invitee sets a password through the public API (the browser's part has its own
    test)."""
    token = (await invitation_link(shop, person)).rstrip("/").rsplit("/", 1)[-1]
    password = new_password()
    accepted = await shop.client.http.post(
        shop.url("orders", "/api/accounts/invitations/accept"),
        json={"token": token, "password": password},
    )
    assert accepted.status_code == 204, f"accept: {accepted.status_code} {accepted.text[:300]}"
    return person.with_password(password)


async def account_of(shop: Shop, role: str, first: str) -> Person:
    """An active account: invited by the owner, accepted with a password."""
    person = await accept_by_api(shop, await invite(shop, role, first))
    accounts = (await api(shop, "GET", "orders", "/api/admin/accounts")).json()
    mine = [a for a in accounts if a["email"] == person.email]
    assert [a["status"] for a in mine] == ["active"], f"{person.email} not active: {mine}"
    return person


async def personal_token(shop: Shop, person: Person) -> str:
    """A personal API token for scripts (POST /api/accounts/tokens, email and password)."""
    response = await shop.client.http.post(
        shop.url("orders", "/api/accounts/tokens"),
        json={"email": person.email, "password": person.password, "name": "test script"},
    )
    assert response.status_code == 201, f"token: {response.status_code} {response.text[:300]}"
    token: str = response.json()["token"]
    return token


async def place_for(shop: Shop, name: str, email: str, items: list[Json]) -> Json:
    """An order placed through the storefront API by a client called `name`."""
    client = {
        "name": name,
        "email": email,
        "address": {
            "line1": "1 Rue X",
            "line2": None,
            "city": "Paris",
            "postal_code": "75001",
            "country": "FR",
        },
    }
    response = await shop.client.post_order({"client": client, "items": items})
    assert response.status_code == 201, f"not placed: {response.status_code} {response.text}"
    order: Json = response.json()
    return order


async def mark_paid(shop: Shop, order: Json) -> None:
    marked = await shop.client.admin_command(order["id"], "mark-paid")
    assert marked.status_code < 300, marked.text
    await shop.client.wait_for_order(order, payment_status="paid")


# --- in the browser ---------------------------------------------------------------------


async def opens_login(page: Page, shop: Shop) -> None:
    await page.goto(shop.url("orders", "/admin/login"))
    await shows(page, button(page, "Log in"), "the login form", AT_ONCE_MS)
    await check_page(page)


async def fills_login(page: Page, email: str, password: str) -> None:
    await page.get_by_label("Email", exact=True).fill(email)
    await page.get_by_label("Password", exact=True).fill(password)
    await button(page, "Log in").click()


async def signed_in(page: Page, why: str) -> None:
    """The admin's orders list, with the navigation of someone signed in."""
    await shows(page, page.get_by_role("heading", name="Orders", exact=True), why)
    await shows(page, link(page, "My account"), f"{why}: the admin menu has My account")
    await check_page(page)


async def logs_in(page: Page, shop: Shop, email: str, password: str) -> None:
    await opens_login(page, shop)
    await fills_login(page, email, password)
    await signed_in(page, f"{email or 'the bootstrap owner'} is signed in after Log in")


async def owner_logs_in(page: Page, shop: Shop) -> None:
    """The bootstrap owner: the email left empty, ADMIN_TOKEN as the password."""
    await logs_in(page, shop, "", shop.config.admin_token)


async def login_refused(page: Page, shop: Shop, email: str, password: str, why: str) -> None:
    """Log in answers with an error on the login form, and nobody is signed in."""
    await opens_login(page, shop)
    await fills_login(page, email, password)
    await shows(page, page.get_by_role("alert"), why)
    await expect(button(page, "Log in")).to_be_visible()
    await check_page(page)
    answer = await page.goto(shop.url("orders", "/admin"))
    assert answer is not None
    await shows(page, button(page, "Log in"), f"{why}: /admin still asks to log in", AT_ONCE_MS)


async def sets_password(page: Page, url: str, password: str, why: str) -> None:
    """An emailed link's page (invitation or reset): the Password field, Set the password."""
    await page.goto(url)
    await shows(page, button(page, "Set the password"), why, AT_ONCE_MS)
    await check_page(page)
    await page.get_by_label("Password", exact=True).fill(password)
    await button(page, "Set the password").click()


def orders_table(page: Page) -> Locator:
    """The orders list (the first table of the admin home; the dashboard's come after)."""
    return page.get_by_role("table").first


async def listed_numbers(page: Page) -> list[str]:
    """The order numbers the orders list shows (each a link to its order)."""
    await expect(orders_table(page)).to_be_visible()
    texts = await orders_table(page).get_by_role("link").all_inner_texts()
    return [t.strip() for t in texts]


async def searches(page: Page, text: str) -> None:
    """Type in the orders' search field, press Search."""
    field = page.get_by_role("search").get_by_label(words("number, client name"))
    await field.fill(text)
    await page.get_by_role("search").get_by_role("button", name="Search").click()
    await expect(field).to_have_value(text)
    await page.wait_for_load_state("load")


async def refused_page(page: Page, url: str, role: str, why: str) -> None:
    """Opening `url` answers 403 and the page says the role cannot do it."""
    answer: Response | None = await page.goto(url)
    assert answer is not None
    said = " ".join((await body_text(page)).split())[:500]
    assert answer.status == 403, f"{why}: {url} answered {answer.status}; the page says: {said}"
    assert re.search(rf"\b{role}\b.*\bcannot\b", said, re.I | re.S), (
        f"{why}: the refusal does not say that the {role} cannot: {said}"
    )
    await check_page(page)


async def downloaded_csv(page: Page, action: Locator) -> tuple[str, list[dict[str, str]]]:
    """Press `action`, which downloads a CSV: its file name and its rows by the header."""
    async with page.expect_download() as downloading:
        await action.click()
    download = await downloading.value
    failure = await download.failure()
    assert failure is None, f"the download of {download.suggested_filename} failed: {failure}"
    saved = Path(await download.path())
    text = await asyncio.to_thread(saved.read_text, encoding="utf-8-sig")
    return download.suggested_filename, list(csv.DictReader(io.StringIO(text, newline="")))


def major(minor: int) -> Decimal:
    """EUR minor units as the CSVs write them (major units with a dot)."""
    return Decimal(minor) / 100
