"""An accepted quote's order (issue 13): the shop's tax for the client's address on the
quote's prices, one order however many clicks race, a free quote skipping payment."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text

from shop_orders.bootstrap import OrdersRoot
from shop_orders.db.tables import orders
from shop_orders.domain.catalog import Media

from .pricing import empty_pricing_tables, tax
from .test_quotes import ask, messages, send

__all__ = ["empty_pricing_tables"]

ADDRESS = {"line1": "1 Rue X", "city": "Paris", "postal_code": "75001", "country": "FR"}
CLIENT = {"name": "Ada Client", "email": "ada@example.com", "address": ADDRESS}


@pytest.fixture(autouse=True)
async def no_quotes(service: OrdersRoot) -> None:
    async with service.engine.begin() as conn:
        await conn.execute(text("DELETE FROM quote_lines"))
        await conn.execute(text("DELETE FROM quotes"))


async def sent_quote(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    catalog: list[Media],
    lines: list[dict[str, Any]],
) -> tuple[uuid.UUID, dict[str, str]]:
    quote_id = await ask(client, catalog)
    response = await client.put(
        f"/api/admin/quotes/{quote_id}", json={"lines": lines}, headers=admin_headers
    )
    assert response.status_code == 200, response.text
    body = await send(client, admin_headers, quote_id)
    return quote_id, {"X-Quote-Token": body["url"].rpartition("=")[2]}


async def test_the_shops_tax_is_added_to_the_quote_prices(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    await tax(client, admin_headers, [{"country": "FR", "rate": "20"}])
    lines = [{"media_id": str(catalog[0].id), "title": "Alpine Lake", "price": 10000}]
    quote_id, token = await sent_quote(client, admin_headers, catalog, lines)
    accepted = await client.post(
        f"/api/quotes/{quote_id}/accept", json={"client": CLIENT}, headers=token
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["total"] == 12000
    [placed] = await messages(service, "order.placed")
    assert (placed["subtotal"], placed["tax"], placed["total"]) == (10000, 2000, 12000)
    assert placed["lines"][0]["price"] == 10000


async def test_racing_accepts_place_one_order(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    lines = [{"title": "Portrait session", "price": 60000}]
    quote_id, token = await sent_quote(client, admin_headers, catalog, lines)
    answers = await asyncio.gather(
        *(
            client.post(f"/api/quotes/{quote_id}/accept", json={"client": CLIENT}, headers=token)
            for _ in range(6)
        )
    )
    assert sorted(a.status_code for a in answers) == [201] + [409] * 5
    async with service.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(orders)) == 1
    assert len(await messages(service, "order.placed")) == 1
    assert len(await messages(service, "quote.answered")) == 1


async def test_a_free_quote_skips_payment(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    lines = [{"media_id": str(catalog[0].id), "title": "Alpine Lake, a gift", "price": 0}]
    quote_id, token = await sent_quote(client, admin_headers, catalog, lines)
    accepted = await client.post(
        f"/api/quotes/{quote_id}/accept", json={"client": CLIENT}, headers=token
    )
    assert accepted.status_code == 201
    assert accepted.json()["payment_url"] is None
    [mark_paid] = await messages(service, "payment.mark_paid")
    assert mark_paid["amount"] == 0
