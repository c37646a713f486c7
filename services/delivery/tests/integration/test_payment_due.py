"""Issue 10: a delivery forced before payment tells the client that the payment is still due.
Delivery keeps whether the order was paid, even once it was delivered on the photographer's
word, without ever delivering a second time."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from shop_delivery.bootstrap import DeliveryRoot, bootstrap
from shop_platform.db import make_engine, migrate
from shop_testkit.databases import database_at

from .conftest import ALEMBIC_INI, Shop, settings_for

DUE = "The payment for this order is still due."
PAY = '<a class="button" href="https://pay.example/pay">Pay for your order</a>'


async def payment_of(shop: Shop, order_id: uuid.UUID) -> str:
    [(payment,)] = await shop.sql(
        "SELECT payment FROM deliveries WHERE order_id = :id", id=order_id
    )
    return str(payment)


async def test_a_forced_delivery_says_the_payment_is_due_until_it_is_paid(client, shop) -> None:
    order_id = uuid.uuid4()
    await shop.send(shop.placed(order_id))
    await shop.send(shop.forced(order_id))
    page = await shop.page(client, order_id)
    assert DUE in page
    assert PAY in page  # the client's payment page, as order.placed gave it
    assert "/downloads/" in page  # the files are there all the same
    before = await shop.link_rows(order_id)

    await shop.send(shop.paid(order_id))

    assert await payment_of(shop, order_id) == "paid"
    page = await shop.page(client, order_id)
    assert DUE not in page
    assert "Pay for your order" not in page
    assert len(await shop.outbox(order_id, "delivery.completed")) == 1  # delivered once
    assert await shop.link_rows(order_id) == before  # the same links, nothing re-delivered


async def test_a_paid_delivery_says_nothing_of_payment(client, shop) -> None:
    order_id, _ = await shop.delivered_order()
    assert await payment_of(shop, order_id) == "paid"
    page = await shop.page(client, order_id)
    assert DUE not in page
    assert "Pay for your order" not in page


async def test_a_payment_kept_before_its_order_counts_after_a_forced_delivery(client, shop) -> None:
    order_id = uuid.uuid4()
    await shop.send(shop.paid(order_id))  # early: kept until order.placed
    await shop.send(shop.placed(order_id))
    await shop.send(shop.forced(order_id))
    assert await payment_of(shop, order_id) == "paid"
    assert DUE not in await shop.page(client, order_id)
    [completed] = await shop.outbox(order_id, "delivery.completed")
    assert completed["payload"]["forced"] is False


async def test_a_payment_after_cancellation_is_recorded_and_delivers_nothing(shop) -> None:
    order_id = uuid.uuid4()
    await shop.send(shop.placed(order_id))
    await shop.send(shop.cancelled(order_id))
    await shop.send(shop.paid(order_id))
    assert await payment_of(shop, order_id) == "paid"
    assert await shop.status(order_id) == "cancelled"
    assert await shop.outbox(order_id, "delivery.completed") == []


async def test_money_owed_back_never_delivers_even_before_the_cancellation(shop) -> None:
    """Payments received it after it processed the cancellation (refund_due); delivery may
    hear of that money before it hears of the cancellation."""
    order_id = uuid.uuid4()
    await shop.send(shop.placed(order_id))
    await shop.send(shop.paid(order_id).model_copy(update={"refund_due": True}))
    assert await shop.outbox(order_id, "delivery.completed") == []
    assert await shop.status(order_id) != "delivered"


@pytest.fixture
async def old_database():  # type: ignore[no-untyped-def]
    async with database_at("shop_delivery_payment_upgrade", ALEMBIC_INI, "0004") as url:
        yield url


async def test_forced_deliveries_from_before_are_never_said_due(
    old_database: str, media_root: Path, tmp_path: Path
) -> None:
    """Migration 0005: delivery did not know then whether a forced order was paid later."""
    paid, forced, waiting = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    engine = make_engine(old_database)
    async with engine.begin() as conn:
        for order_id, status, trigger in (
            (paid, "delivered", "payment"),
            (forced, "delivered", "force"),
            (waiting, "awaiting_trigger", None),
        ):
            await conn.execute(
                text(
                    "INSERT INTO deliveries (order_id, number, client_name, client_email, "
                    "status, trigger, forced) VALUES (:id, 'n', 'Ada', 'ada@example.com', "
                    ":status, :trigger, :forced)"
                ),
                {
                    "id": order_id,
                    "status": status,
                    "trigger": trigger,
                    "forced": trigger == "force",
                },
            )
    await engine.dispose()

    await asyncio.to_thread(migrate, ALEMBIC_INI, old_database)

    root: DeliveryRoot = bootstrap(settings_for(old_database, tmp_path / "renditions", media_root))
    try:
        shop = Shop(root, media_root)
        assert [await payment_of(shop, o) for o in (paid, forced, waiting)] == [
            "paid",
            "unknown",
            "unpaid",
        ]
        async with root.transaction() as repos:
            loaded = await repos.deliveries.get(forced)
        assert loaded is not None
        assert loaded.forced
        assert not loaded.payment_due
    finally:
        await root.aclose()
