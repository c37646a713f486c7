"""Facts applied in SQL (one guarded statement) agree with the domain's tables, state by state,
and wait for a concurrent change of the order instead of missing it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import httpx
from sqlalchemy import delete, func, select, update

from shop_orders.bootstrap import OrdersRoot
from shop_orders.db.tables import order_history, orders
from shop_orders.domain import facts
from shop_orders.domain.catalog import Media
from shop_orders.domain.facts import Fact
from shop_orders.domain.status import EVERY_STATE, OrderState
from shop_orders.service import commands

from .helpers import history_details, order_body, pay

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
OLD_URL = "https://dl/old"

FACTS: list[Fact] = [
    facts.payment_confirmed("card"),
    facts.delivery_completed("https://dl/1", forced=True, held=2),
    facts.links_reissued("https://dl/2", 3),
    facts.files_released("https://dl/3", 1),
    facts.payment_failed("declined"),
    facts.delivery_failed("missing"),
]


async def place(client: httpx.AsyncClient, catalog: list[Media]) -> uuid.UUID:
    return uuid.UUID((await client.post("/api/orders", json=order_body(catalog))).json()["id"])


async def put_in(service: OrdersRoot, order_id: uuid.UUID, state: OrderState) -> None:
    async with service.sessions.begin() as s:
        await s.execute(delete(order_history).where(order_history.c.order_id == order_id))
        await s.execute(
            update(orders)
            .where(orders.c.id == order_id)
            .values(
                status=state.status.value,
                payment_status=state.payment_status.value,
                delivery_status=state.delivery_status.value,
                downloads_url=OLD_URL,
            )
        )


async def row_of(service: OrdersRoot, order_id: uuid.UUID) -> tuple[object, ...]:
    async with service.sessions() as s:
        row = (
            await s.execute(
                select(
                    orders.c.status,
                    orders.c.payment_status,
                    orders.c.delivery_status,
                    orders.c.downloads_url,
                ).where(orders.c.id == order_id)
            )
        ).one()
    return tuple(row)


async def test_every_fact_in_every_state_does_what_its_table_says(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    order_id = await place(client, catalog)
    for fact in FACTS:
        for state in EVERY_STATE:
            await put_in(service, order_id, state)
            async with service.transaction() as repos:
                applied = await repos.orders.apply(order_id, fact, NOW)
            expected = fact.effect_on(state)
            assert applied.found
            assert applied.effect == expected, (fact.type, state)
            after = expected.after if expected else state
            url = expected.downloads_url if expected and expected.downloads_url else OLD_URL
            assert await row_of(service, order_id) == (*after.__getstate__(), url)
            notes = [n.detail for n in expected.notes] if expected else []
            assert await history_details(service, order_id) == notes, (fact.type, state)


async def test_an_unknown_order_is_found_false_and_nothing_is_written(
    service: OrdersRoot,
) -> None:
    async with service.transaction() as repos:
        applied = await repos.orders.apply(uuid.uuid4(), facts.payment_failed("x"), NOW)
        noted = await repos.orders.append_note(uuid.uuid4(), facts.email_sent("s", "t"), NOW)
    assert (applied.found, applied.effect, noted) == (False, None, False)
    async with service.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(order_history)) == 0


async def test_a_payment_waits_for_a_concurrent_cancellation_and_sees_it(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    order_id = await place(client, catalog)
    async with service.transaction() as repos:
        await commands.cancel_order(repos, order_id)  # holds the order's row lock
        payment = asyncio.create_task(pay(service, order_id))
        await asyncio.sleep(0.3)
        assert not payment.done(), "the payment waits for the lock"
    assert await payment
    assert await row_of(service, order_id) == ("cancelled", "paid", "pending", None)
    assert await history_details(service, order_id) == [
        "placed",
        "cancelled",
        "paid (card) after cancellation",
    ]
