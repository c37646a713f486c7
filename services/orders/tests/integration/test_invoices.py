"""Invoices (issue 12) on PostgreSQL: issued with the payment, numbered without gaps under
concurrency, a rolled-back number given back, one per order however often the payment is
told; the PDF routes (the client's token, the admin's session or bearer, 404 before issuing)
and the invoice settings (API and page)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from shop_contracts.events import Invoice, PaymentConfirmed
from shop_invoices.mentions import REVERSE_CHARGE_MENTION
from shop_invoices.readback import pdf_text
from shop_messaging.tables import outbox
from shop_orders.bootstrap import OrdersRoot
from shop_orders.db.invoice_tables import invoice_counter, invoices
from shop_orders.db.tables import orders
from shop_orders.domain.catalog import Media
from shop_orders.service import invoices as invoice_service
from shop_platform.security import order_access_token

from .conftest import SECRET_KEY
from .helpers import handle, order_body, pay, payment_confirmed
from .test_pages import csrf_of, login

SETTINGS = {
    "legal_name": "Ana Berg Photographie SARL",
    "address_lines": ["12 rue des Écoles", "75005 Paris", "France"],
    "email": "invoices@anaberg.example",
    "vat_number": "FR40303265045",
    "legal_mentions": "SIRET 123 456 789 00012.\nLate payment: 40 EUR flat fee.",
}


class Boom(Exception):
    pass


@pytest.fixture(autouse=True)
async def fresh_invoices(service: OrdersRoot) -> None:
    """The counter from 0 and no invoice settings (the invoices go with their orders)."""
    async with service.engine.begin() as conn:
        await conn.execute(text("DELETE FROM invoices"))
        await conn.execute(text("DELETE FROM invoice_settings"))
        await conn.execute(text("UPDATE invoice_counter SET last = 0"))


async def place(client: httpx.AsyncClient, catalog: list[Media], **changes: Any) -> uuid.UUID:
    response = await client.post("/api/orders", json=order_body(catalog, **changes))
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


async def invoice_rows(service: OrdersRoot) -> list[Any]:
    async with service.sessions() as s:
        rows = await s.execute(select(invoices).order_by(invoices.c.sequence))
        return list(rows.mappings())


async def counter(service: OrdersRoot) -> int:
    async with service.sessions() as s:
        return int((await s.execute(select(invoice_counter.c.last))).scalar_one())


async def issued_messages(service: OrdersRoot) -> list[Any]:
    async with service.sessions() as s:
        rows = await s.execute(
            select(outbox).where(outbox.c.message_type == "order.invoice_issued")
        )
        return list(rows.mappings())


def token(order_id: uuid.UUID) -> str:
    return order_access_token(SECRET_KEY, order_id)


# -- issuing ---------------------------------------------------------------------------------


async def test_a_paid_order_gets_invoice_1_with_the_order_s_figures_and_the_seller(
    service: OrdersRoot,
    client: httpx.AsyncClient,
    catalog: list[Media],
    admin_headers: dict[str, str],
) -> None:
    saved = await client.put("/api/admin/invoice-settings", json=SETTINGS, headers=admin_headers)
    assert saved.status_code == 200, saved.text
    order_id = await place(client, catalog)
    assert await invoice_rows(service) == []
    assert await pay(service, order_id)

    [row] = await invoice_rows(service)
    assert (row["order_id"], row["number"], row["sequence"]) == (order_id, "INV-000001", 1)
    document = Invoice.model_validate(row["document"])
    assert document.invoice_number == "INV-000001"
    assert document.order_id == order_id
    assert document.currency == "EUR"
    assert document.seller.name == "Ana Berg Photographie SARL"
    assert document.seller.address_lines == SETTINGS["address_lines"]
    assert document.seller.vat_number == "FR40303265045"
    assert document.buyer.name == "Ada Client"
    assert document.buyer.address_lines == ["1 Rue X", "75001 Paris", "France"]
    assert [(line.description, line.price, line.discount) for line in document.lines] == [
        ("Alpine Lake - Web", 2500, 0),
        ("Ridge Drift - Full clip", 12000, 0),
    ]
    assert (document.subtotal, document.discount, document.tax, document.total) == (
        14500,
        0,
        0,
        14500,
    )
    assert document.payment_method == "card"
    assert document.paid_at is not None
    assert document.mentions == [SETTINGS["legal_mentions"]]
    assert REVERSE_CHARGE_MENTION not in document.mentions

    async with service.sessions() as s:
        number = await s.scalar(select(orders.c.invoice_number).where(orders.c.id == order_id))
    assert number == "INV-000001"
    seen = await client.get(f"/api/orders/{order_id}", headers={"X-Order-Token": token(order_id)})
    assert seen.json()["invoice_number"] == "INV-000001"  # the order JSON says so
    [message] = await issued_messages(service)
    assert message["correlation_id"] == order_id
    payload = message["envelope"]["payload"]
    assert payload["invoice"]["invoice_number"] == "INV-000001"
    assert payload["client"] == {"name": "Ada Client", "email": "ada@example.com"}
    assert payload["order_url"] == f"http://orders.test/orders/{order_id}?token={token(order_id)}"


async def test_without_invoice_settings_the_shop_names_the_seller(
    service: OrdersRoot, client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    order_id = await place(client, catalog)
    await pay(service, order_id, method="offline")
    [row] = await invoice_rows(service)
    document = Invoice.model_validate(row["document"])
    assert document.seller.name  # the shop's name
    assert document.seller.email == "seller@example.com"
    assert document.seller.address_lines == []
    assert document.payment_method == "off-line payment (recorded by the seller)"
    assert document.mentions == []


async def test_concurrent_payments_are_numbered_1_to_n_without_gap_or_duplicate(
    service: OrdersRoot, client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    n = 12
    order_ids = [await place(client, catalog) for _ in range(n)]
    results = await asyncio.gather(*(pay(service, order_id) for order_id in order_ids))
    assert all(results)
    rows = await invoice_rows(service)
    assert sorted(row["sequence"] for row in rows) == list(range(1, n + 1))
    assert sorted(row["number"] for row in rows) == [f"INV-{i:06d}" for i in range(1, n + 1)]
    assert {row["order_id"] for row in rows} == set(order_ids)
    assert await counter(service) == n
    assert len(await issued_messages(service)) == n


async def test_a_transaction_that_rolls_back_gives_its_number_back(
    service: OrdersRoot, client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    first, second = await place(client, catalog), await place(client, catalog)
    confirmed = PaymentConfirmed.model_validate(payment_confirmed(first).payload)

    async def paid_then_failed() -> None:
        async with service.transaction() as repos:
            assert await invoice_service.apply_payment_confirmed(repos, confirmed, service.links)
            assert await repos.invoices.exists(first)  # numbered 1 inside the transaction
            raise Boom

    with pytest.raises(Boom):
        await paid_then_failed()
    assert await invoice_rows(service) == []
    assert await counter(service) == 0
    assert await issued_messages(service) == []

    await pay(service, second)
    await pay(service, first)
    numbers = {row["order_id"]: row["number"] for row in await invoice_rows(service)}
    assert numbers == {second: "INV-000001", first: "INV-000002"}


async def test_a_waiting_issuer_gets_the_number_a_rolled_back_one_held(
    service: OrdersRoot, client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    """The counter row is locked until the holder ends: the next issuer waits, then takes the
    number the holder gave back."""
    first, second = await place(client, catalog), await place(client, catalog)
    holding, release = asyncio.Event(), asyncio.Event()

    async def holds_then_fails() -> None:
        async with service.transaction() as repos:
            await invoice_service.issue_invoice(repos, first, service.links)
            holding.set()
            await release.wait()
            raise Boom

    async def holder() -> None:
        with pytest.raises(Boom):
            await holds_then_fails()

    task = asyncio.create_task(holder())
    await holding.wait()
    waiter = asyncio.create_task(pay(service, second))
    await asyncio.sleep(0.3)
    assert not waiter.done()  # blocked on the counter row
    release.set()
    await task
    assert await waiter
    [row] = await invoice_rows(service)
    assert (row["order_id"], row["number"]) == (second, "INV-000001")


async def test_a_payment_told_twice_keeps_one_invoice(
    service: OrdersRoot, client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    order_id = await place(client, catalog)
    envelope = payment_confirmed(order_id)
    assert await handle(service, envelope) is True
    assert await handle(service, envelope) is False  # redelivered: the inbox skips it
    assert await pay(service, order_id)  # another confirmation (a second payment id)
    async with service.transaction() as repos:  # asked again directly: no second invoice
        assert await invoice_service.issue_invoice(repos, order_id, service.links) is None
    [row] = await invoice_rows(service)
    assert row["number"] == "INV-000001"
    assert await counter(service) == 1
    assert len(await issued_messages(service)) == 1


async def test_a_payment_after_cancellation_is_owed_back_not_invoiced(
    service: OrdersRoot,
    client: httpx.AsyncClient,
    catalog: list[Media],
    admin_headers: dict[str, str],
) -> None:
    order_id = await place(client, catalog)
    cancelled = await client.post(f"/api/admin/orders/{order_id}/cancel", headers=admin_headers)
    assert cancelled.status_code == 202
    await pay(service, order_id)  # the money came anyway: it is to be refunded, not sold
    assert await invoice_rows(service) == []
    assert await counter(service) == 0  # no number taken from the gapless sequence
    assert await issued_messages(service) == []


def test_numbers_have_six_digits_at_least() -> None:
    assert invoice_service.invoice_number(1) == "INV-000001"
    assert invoice_service.invoice_number(999_999) == "INV-999999"
    assert invoice_service.invoice_number(1_234_567) == "INV-1234567"


# -- the PDF routes --------------------------------------------------------------------------


async def test_the_client_downloads_the_invoice_with_the_order_s_token(
    service: OrdersRoot, client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    order_id = await place(client, catalog)
    url = f"/orders/{order_id}/invoice.pdf"
    before = await client.get(url, params={"token": token(order_id)})
    assert before.status_code == 404  # not issued yet
    await pay(service, order_id)

    answer = await client.get(url, params={"token": token(order_id)})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == 'inline; filename="INV-000001.pdf"'
    assert "no-store" in answer.headers["cache-control"]
    content = pdf_text(answer.content)
    assert "Invoice INV-000001" in content
    assert "Ada Client" in content
    assert "Total\n145.00 EUR" in content

    for wrong in ({"token": token(uuid.uuid4())}, {"token": ""}, {}):
        refused = await client.get(url, params=wrong)
        assert refused.status_code == 404
        assert b"%PDF" not in refused.content
    unknown = uuid.uuid4()
    missing = await client.get(f"/orders/{unknown}/invoice.pdf", params={"token": token(unknown)})
    assert missing.status_code == 404


async def test_the_client_s_language_writes_the_amounts(
    service: OrdersRoot, client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    order_id = await place(client, catalog)
    await pay(service, order_id)
    answer = await client.get(
        f"/orders/{order_id}/invoice.pdf",
        params={"token": token(order_id)},
        headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"},
    )
    assert answer.status_code == 200
    assert "145,00\u00a0€" in pdf_text(answer.content)


async def test_the_admin_api_serves_the_invoice_with_the_bearer_token(
    service: OrdersRoot,
    client: httpx.AsyncClient,
    catalog: list[Media],
    admin_headers: dict[str, str],
) -> None:
    order_id = await place(client, catalog)
    url = f"/api/admin/orders/{order_id}/invoice.pdf"
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers={"Authorization": "Bearer nope"})).status_code == 401
    before = await client.get(url, headers=admin_headers)
    assert before.status_code == 404
    assert before.json()["error"] == "not_found"
    await pay(service, order_id)
    answer = await client.get(url, headers=admin_headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert "Invoice INV-000001" in pdf_text(answer.content)


async def test_the_admin_page_serves_the_invoice_to_a_logged_in_admin(
    service: OrdersRoot, client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    order_id = await place(client, catalog)
    url = f"/admin/orders/{order_id}/invoice.pdf"
    to_login = await client.get(url)
    assert to_login.status_code == 303
    assert to_login.headers["location"] == "/admin/login"
    await login(client)
    before = await client.get(url)
    assert before.status_code == 404
    assert "no invoice yet" in before.text
    await pay(service, order_id)
    answer = await client.get(url)
    assert answer.status_code == 200
    assert "Invoice INV-000001" in pdf_text(answer.content)


# -- the invoice settings --------------------------------------------------------------------


async def test_invoice_settings_api_reads_saves_and_refuses(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    url = "/api/admin/invoice-settings"
    assert (await client.get(url)).status_code == 401
    assert (await client.put(url, json=SETTINGS)).status_code == 401
    empty = (await client.get(url, headers=admin_headers)).json()
    assert empty == {
        "legal_name": None,
        "address_lines": [],
        "email": None,
        "vat_number": None,
        "legal_mentions": None,
        "updated_at": None,
    }
    saved = (await client.put(url, json=SETTINGS, headers=admin_headers)).json()
    assert {k: saved[k] for k in SETTINGS} == SETTINGS
    assert saved["updated_at"] is not None
    assert (await client.get(url, headers=admin_headers)).json() == saved

    blanked = await client.put(
        url, json={"legal_name": "  ", "address_lines": ["", " A "]}, headers=admin_headers
    )
    assert blanked.status_code == 200
    assert {k: blanked.json()[k] for k in ("legal_name", "address_lines", "email")} == {
        "legal_name": None,
        "address_lines": ["A"],
        "email": None,
    }
    for bad in (
        {"email": "not an email"},
        {"legal_name": "Ana\nBerg"},
        {"legal_name": "x" * 201},
        {"address_lines": ["line"] * 7},
        {"address_lines": ["a\u0000b"]},
        {"vat_number": "FR 12<script>"},
        {"legal_mentions": "bell\u0007"},
        {"legal_mentions": "x" * 5001},
        {"surprise": "field"},
        {"address_lines": "not a list"},
    ):
        refused = await client.put(url, json=bad, headers=admin_headers)
        assert refused.status_code == 422, bad
    assert (await client.get(url, headers=admin_headers)).json() == blanked.json()


async def test_invoice_settings_page_saves_and_shows_errors_in_sentences(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    url = "/admin/invoice-settings"
    to_login = await client.get(url)
    assert (to_login.status_code, to_login.headers["location"]) == (303, "/admin/login")
    csrf = await login(client)
    shown = await client.get(url)
    assert shown.status_code == 200
    assert "Invoice settings" in shown.text
    form = {
        "csrf": csrf_of(shown.text),
        "legal_name": "Ana Berg Photographie",
        "address_lines": "12 rue des Écoles\r\n75005 Paris\r\n",
        "email": "ana@example.com",
        "vat_number": "FR40303265045",
        "legal_mentions": "SIRET 123",
    }
    saved = await client.post(url, data=form)
    assert (saved.status_code, saved.headers["location"]) == (303, f"{url}?saved=1")
    api = (await client.get("/api/admin/invoice-settings", headers=admin_headers)).json()
    assert api["address_lines"] == ["12 rue des Écoles", "75005 Paris"]
    assert api["legal_name"] == "Ana Berg Photographie"
    after = await client.get(f"{url}?saved=1")
    assert "Invoice settings saved." in after.text
    assert "12 rue des Écoles\n75005 Paris" in after.text

    refused = await client.post(url, data={**form, "email": "nope"})
    assert refused.status_code == 422
    assert "Please enter a valid email address" in refused.text
    assert 'value="nope"' in refused.text  # shown again as typed
    assert (await client.post(url, data={**form, "csrf": "forged"})).status_code in (401, 403)
    assert csrf
