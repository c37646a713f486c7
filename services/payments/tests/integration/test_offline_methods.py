"""Offline methods beside several card processors (issue 13): the settings (API and admin
page), the payment page's forms, and the client's choice (the first one wins, its event
outboxed once, nothing paid by it)."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from shop_payments.domain.settings import OfflineMethod, PaymentSettings
from shop_platform.auth import ADMIN_COOKIE

from .conftest import (
    ADMIN,
    ADMIN_SESSIONS,
    BROWSER,
    PUBLIC,
    SECRET,
    cancel,
    mark_paid,
    place,
    published,
    request_status,
    token,
)
from .test_pages_look import has_shared_look, visible_text

BEARER = {"Authorization": f"Bearer {ADMIN}"}
CHOSEN = "payment.offline_chosen"
WIRE = OfflineMethod("Bank transfer", "IBAN FR76 3000 4000 0500 0012 3456 789\nBIC BNPAFRPP")
CHEQUE = OfflineMethod("Cheque", "Send a cheque to Lumen Photo, 1 rue X, Paris", "Send a cheque")


def buttons(html: str) -> list[str]:
    return re.findall(r"<button[^>]*>([^<]*)</button>", html)


def main_of(html: str) -> str:
    return html.split('<main id="main">')[1].split("</main>")[0]


@pytest.fixture(autouse=True)
async def kept_settings(root) -> AsyncIterator[None]:
    """Each test sets what it needs; the settings the other tests found are put back."""
    async with root.transaction() as repos:
        before = await repos.settings.get()
    yield
    async with root.transaction() as repos:
        await repos.settings.put(before or PaymentSettings("sandbox", None))


async def settings_with(root, processors: tuple[str, ...], *methods: OfflineMethod) -> None:
    async with root.transaction() as repos:
        await repos.settings.put(PaymentSettings(processors, None, methods))  # type: ignore[arg-type]


async def current(client) -> dict[str, object]:
    return (await client.get("/api/admin/settings", headers=BEARER)).json()


def pay_url(order_id: uuid.UUID, suffix: str = "", secret: str | None = None) -> str:
    return f"/pay/{order_id}{suffix}?token={secret or token(order_id)}"


# --- settings -----------------------------------------------------------------------------


async def test_settings_take_processors_and_methods(client) -> None:
    body = {
        "card_processors": ["sandbox", "paypal_sandbox"],
        "offline_methods": [
            {"name": "  Bank   transfer ", "instructions": " IBAN FR76\r\nBIC X \n"},
            {"name": "Cheque", "instructions": "To Lumen", "button_label": "Send a cheque"},
        ],
    }
    saved = await client.put("/api/admin/settings", json=body, headers=BEARER)
    assert saved.status_code == 200, saved.text
    assert saved.json() == {
        "card_processor": "sandbox",  # the first of the list, as before
        "card_processors": ["sandbox", "paypal_sandbox"],
        "payment_instructions": saved.json()["payment_instructions"],
        "offline_methods": [
            {"name": "Bank transfer", "instructions": "IBAN FR76\nBIC X", "button_label": "Accept"},
            {"name": "Cheque", "instructions": "To Lumen", "button_label": "Send a cheque"},
        ],
    }
    assert await current(client) == saved.json()
    # the old field alone: the one processor; the methods stay
    old = await client.put("/api/admin/settings", json={"card_processor": None}, headers=BEARER)
    assert old.json()["card_processors"] == []
    assert old.json()["card_processor"] is None
    assert len(old.json()["offline_methods"]) == 2
    both = {"card_processor": "sandbox", "card_processors": ["sandbox"]}
    agreed = await client.put("/api/admin/settings", json=both, headers=BEARER)
    assert agreed.json()["card_processors"] == ["sandbox"]
    # a client that knows only card_processor sends the GET body back with it changed
    old_client = agreed.json() | {"card_processor": "paypal_sandbox"}
    moved = await client.put("/api/admin/settings", json=old_client, headers=BEARER)
    assert moved.status_code == 200, moved.text
    assert moved.json()["card_processors"] == ["paypal_sandbox"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"offline_methods": [{"name": " ", "instructions": "x"}]}, "offline_methods[0].name"),
        (
            {"offline_methods": [{"name": "Wire\u0000", "instructions": "x"}]},
            "offline_methods[0].name",
        ),
        (
            {"offline_methods": [{"name": "Wire", "instructions": "IBAN\u0000"}]},
            "offline_methods[0].instructions",
        ),
        (
            {"offline_methods": [{"name": "Wire", "instructions": " \n "}]},
            "offline_methods[0].instructions",
        ),
        (
            {"offline_methods": [{"name": "Wire", "instructions": "x" * 5001}]},
            "offline_methods[0].instructions",
        ),
        (
            {
                "offline_methods": [
                    {"name": "Wire", "instructions": "a"},
                    {"name": "wire", "instructions": "b"},
                ]
            },
            "offline_methods[1].name",
        ),
        (
            {"offline_methods": [{"name": "Wire", "instructions": "a", "button_label": "B" * 41}]},
            "offline_methods[0].button_label",
        ),
        (
            {"offline_methods": [{"name": f"M{i}", "instructions": "a"} for i in range(11)]},
            "offline_methods",
        ),
        ({"offline_methods": [{"name": "Wire"}]}, "instructions"),
        ({"offline_methods": [{"name": "W", "instructions": "a", "fee": 1}]}, "fee"),
        ({"card_processors": ["sandbox", "sandbox"]}, "card_processors"),
        ({"card_processors": ["sandbox", "bitcoin"]}, "card_processors"),
        ({"card_processors": ["paypal"]}, "PAYPAL_CLIENT_ID"),
        ({"card_processors": ["stripe"]}, "STRIPE_SECRET_KEY"),
        (
            {"card_processor": "paypal_sandbox", "card_processors": ["sandbox", "paypal_sandbox"]},
            "card_processor",
        ),
    ],
)
async def test_refused_settings_name_the_field_and_save_nothing(client, body, field) -> None:
    before = await client.put(
        "/api/admin/settings",
        json={
            "card_processors": ["sandbox"],
            "offline_methods": [{"name": "Cash", "instructions": "At the studio"}],
        },
        headers=BEARER,
    )
    assert before.status_code == 200
    refused = await client.put("/api/admin/settings", json=body, headers=BEARER)
    assert refused.status_code == 422, refused.text
    assert field in refused.text
    assert await current(client) == before.json()


# --- the payment page ---------------------------------------------------------------------


async def test_the_page_shows_the_card_and_every_method(root, client, router) -> None:
    await settings_with(root, ("sandbox",), WIRE, CHEQUE)
    placed = await place(router)
    page = await client.get(pay_url(placed.order_id), headers=BROWSER)
    assert page.status_code == 200
    assert buttons(main_of(page.text)) == ["Secure payment", "Accept", "Send a cheque"]
    assert f'action="/pay/{placed.order_id}/checkout?token=' in page.text
    assert f'action="/pay/{placed.order_id}/offline/0?token=' in page.text
    assert f'action="/pay/{placed.order_id}/offline/1?token=' in page.text
    assert "Bank transfer" in page.text
    assert "Cheque" in page.text
    assert "IBAN" not in page.text  # the instructions come once the client chose


async def test_several_processors_each_have_their_form(root, client, router) -> None:
    await settings_with(root, ("sandbox", "paypal_sandbox"))
    placed = await place(router)
    page = await client.get(pay_url(placed.order_id))
    forms = re.findall(r'<form method="post" action="([^"]+)" data-processor="([^"]+)"', page.text)
    assert [name for _, name in forms] == ["sandbox", "paypal_sandbox"]
    assert all(action.endswith(f"processor={name}") for action, name in forms)
    assert buttons(main_of(page.text))[0] == "Secure payment"
    sandbox = await client.post(forms[0][0].replace("&amp;", "&"))
    assert sandbox.status_code == 303
    assert "/sandbox/checkout/" in sandbox.headers["location"]
    paypal = await client.post(forms[1][0].replace("&amp;", "&"))
    assert paypal.status_code == 303
    assert "/paypal-sandbox/checkoutnow/" in paypal.headers["location"]
    absent = await client.post(pay_url(placed.order_id, "/checkout") + "&processor=stripe")
    assert absent.status_code == 409  # not one the page offers


async def test_methods_without_a_card(root, client, router) -> None:
    await settings_with(root, (), WIRE)
    placed = await place(router)
    page = await client.get(pay_url(placed.order_id))
    assert buttons(main_of(page.text)) == ["Accept"]
    assert "Secure payment" not in page.text
    assert "Please contact us" not in page.text
    (requested,) = await published(root, placed.order_id, "payment.requested")
    assert requested["how"] == "instructions"  # the email sends the client to the page
    assert "Bank transfer" in str(requested["instructions"])


async def test_no_processor_and_no_method_is_the_contact_text(root, client, router) -> None:
    await settings_with(root, ())
    placed = await place(router)
    page = await client.get(pay_url(placed.order_id))
    assert f"Please contact us to arrange payment for order {placed.number}" in page.text
    assert buttons(main_of(page.text)) == []


# --- choosing a method --------------------------------------------------------------------


async def test_accept_records_the_choice_once(root, client, router) -> None:
    await settings_with(root, ("sandbox",), WIRE, CHEQUE)
    placed = await place(router)
    order_id = placed.order_id
    accepted = await client.post(pay_url(order_id, "/offline/0"))
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"{PUBLIC}{pay_url(order_id)}"
    page = await client.get(accepted.headers["location"], headers=BROWSER)
    has_shared_look(page.text)
    assert "offline_chosen" not in visible_text(page.text)
    assert "You chose to pay by Bank transfer" in page.text
    assert "IBAN FR76 3000 4000 0500 0012 3456 789" in page.text
    assert buttons(main_of(page.text)) == ["Secure payment"]  # the card stays possible
    (event,) = await published(root, order_id, CHOSEN)
    assert event["order_id"] == str(order_id)
    assert event["number"] == placed.number
    assert event["client"] == {"name": "Ada Client", "email": "ada@example.com"}
    assert event["method_name"] == "Bank transfer"
    assert event["instructions"] == WIRE.instructions
    assert (event["total"], event["currency"]) == (4500, "EUR")
    assert event["chosen_at"]

    # a second click, then another method: nothing changes, the same instructions
    for again in ("/offline/0", "/offline/1"):
        answer = await client.post(pay_url(order_id, again))
        assert answer.status_code == 303
        shown = await client.get(answer.headers["location"])
        assert "You chose to pay by Bank transfer" in shown.text
        assert "Send a cheque to Lumen" not in shown.text
    assert len(await published(root, order_id, CHOSEN)) == 1
    # nothing is paid until the photographer marks it paid
    assert await request_status(root, order_id) == "open"
    assert await mark_paid(router, order_id)
    assert await request_status(root, order_id) == "paid"
    paid = await client.get(pay_url(order_id))
    assert "This order is paid" in paid.text


async def test_two_clicks_at_once_choose_once(root, client, router) -> None:
    await settings_with(root, (), WIRE, CHEQUE)
    placed = await place(router)
    answers = await asyncio.gather(
        *(client.post(pay_url(placed.order_id, f"/offline/{i % 2}")) for i in range(6))
    )
    assert {answer.status_code for answer in answers} == {303}
    (event,) = await published(root, placed.order_id, CHOSEN)
    page = await client.get(pay_url(placed.order_id))
    assert f"You chose to pay by {event['method_name']}" in page.text


async def test_wrong_token_or_method_is_404_and_chooses_nothing(root, client, router) -> None:
    await settings_with(root, ("sandbox",), WIRE)
    placed = await place(router)
    order_id = placed.order_id
    other = token(uuid.uuid4())
    for url in (
        pay_url(order_id, "/offline/0", other),
        f"/pay/{order_id}/offline/0",
        pay_url(order_id, "/offline/1"),  # no second method
        pay_url(order_id, "/offline/x"),
        pay_url(order_id, "/offline/-1"),
        pay_url(order_id, "/offline/99999999999999999999"),
        f"/pay/{str(order_id)[:20]}/offline/0?token={token(order_id)}",
    ):
        refused = await client.post(url)
        assert refused.status_code == 404, url
        browser = await client.post(url, headers=BROWSER)
        assert browser.status_code == 404
        assert browser.headers["content-type"].startswith("text/html")
    assert await published(root, order_id, CHOSEN) == []
    unknown = uuid.uuid4()  # order.placed never came
    assert (await client.post(pay_url(unknown, "/offline/0"))).status_code == 404


async def test_a_paid_or_cancelled_order_cannot_choose(root, client, router) -> None:
    await settings_with(root, (), WIRE)
    paid = await place(router)
    assert await mark_paid(router, paid.order_id)
    cancelled = await place(router)
    assert await cancel(router, cancelled.order_id)
    waiting = await place(router, manual_validation=True)
    for order_id in (paid.order_id, cancelled.order_id, waiting.order_id):
        refused = await client.post(pay_url(order_id, "/offline/0"))
        assert refused.status_code == 409
        assert refused.json()["error"] == "conflict"
        page = await client.post(pay_url(order_id, "/offline/0"), headers=BROWSER)
        assert page.status_code == 409
        assert "Payment not possible" in page.text
        assert f'href="{PUBLIC}{pay_url(order_id)}"' in page.text  # back to the payment page
        assert await published(root, order_id, CHOSEN) == []


# --- the admin page -----------------------------------------------------------------------


@pytest.fixture
async def admin(root) -> AsyncIterator[httpx.AsyncClient]:
    cookies = {ADMIN_COOKIE: ADMIN_SESSIONS.login(SECRET)}
    transport = httpx.ASGITransport(app=root.app)
    async with httpx.AsyncClient(
        transport=transport, base_url=PUBLIC, cookies=cookies, headers={"Origin": PUBLIC}
    ) as admin:
        yield admin


async def form_of(admin: httpx.AsyncClient) -> tuple[str, str]:
    page = await admin.get("/admin/settings")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    return csrf.group(1), page.text


async def test_the_admin_page_edits_processors_and_methods(root, client, admin) -> None:
    await settings_with(root, ("sandbox",), WIRE)
    csrf, page = await form_of(admin)
    assert re.search(r'name="card_processors" value="sandbox" checked', page)
    assert 'value="Bank transfer"' in page
    assert page.count('name="method_name"') == 3  # the method, and two rows to add more
    form = {
        "csrf": csrf,
        "processors_listed": "1",
        "card_processors": ["paypal_sandbox", "sandbox"],
        "payment_instructions": "",
        "method_name": ["Bank transfer", "Cheque", ""],
        "method_button_label": ["", "Send a cheque", ""],
        "method_instructions": [WIRE.instructions, "To Lumen", ""],
    }
    saved = await admin.post("/admin/settings", data=form)
    assert saved.status_code == 303
    now = await current(client)
    assert now["card_processors"] == ["paypal_sandbox", "sandbox"]
    assert now["offline_methods"] == [
        {"name": "Bank transfer", "instructions": WIRE.instructions, "button_label": "Accept"},
        {"name": "Cheque", "instructions": "To Lumen", "button_label": "Send a cheque"},
    ]
    # a method whose name is emptied is refused next to its field; nothing saved
    refused = await admin.post(
        "/admin/settings",
        data={**form, "method_name": ["Bank transfer", "", ""]},
    )
    assert refused.status_code == 422
    note = re.search(r'<p class="error" id="method_name_1-note">([^<]+)</p>', refused.text)
    assert note
    assert "offline_methods[1].name" in note.group(1)
    assert await current(client) == now
    # emptying a whole row removes the method; no box checked: no card processor
    removed = {**form, "method_name": ["Bank transfer", "", ""]}
    removed["method_instructions"] = [WIRE.instructions, "", ""]
    removed["method_button_label"] = ["", "", ""]
    del removed["card_processors"]
    assert (await admin.post("/admin/settings", data=removed)).status_code == 303
    after = await current(client)
    assert after["card_processors"] == []
    assert [m["name"] for m in after["offline_methods"]] == ["Bank transfer"]
