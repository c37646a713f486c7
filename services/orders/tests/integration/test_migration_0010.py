"""Migration 0010 (issue 13): orders gain refunded, refund_pending and payment_kept (0, 0,
false for the orders already there), payment_status partially_refunded and refunded, the
order_refunds table; down (a refunded order reads paid again) and up again."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shop_orders.bootstrap import ALEMBIC_INI
from shop_testkit.databases import database_at

ORDER = uuid.uuid4()


@pytest.fixture
async def database_0009() -> AsyncIterator[str]:
    async with database_at("shop_orders_migration_0010", ALEMBIC_INI, "0009") as url:
        yield url


async def run(url: str, *statements: str) -> list[tuple[object, ...]]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            rows: list[tuple[object, ...]] = []
            for statement in statements:
                result = await conn.execute(text(statement), {"id": ORDER})
                rows = [tuple(row) for row in result] if result.returns_rows else []
            return rows
    finally:
        await engine.dispose()


def config(url: str) -> Config:
    made = Config(str(ALEMBIC_INI))
    made.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
    made.set_main_option("sqlalchemy.url", url)
    return made


async def test_up_down_up(database_0009: str) -> None:
    await run(
        database_0009,
        "INSERT INTO orders (id, number, status, payment_status, delivery_status, client_name,"
        " client_email, address_line1, address_city, address_postal_code, address_country,"
        " total, currency, manual_validation, created_at, updated_at) VALUES (:id,"
        " 'PL-2026-000001', 'paid', 'paid', 'pending', 'Ada', 'ada@example.com', '1 Rue X',"
        " 'Paris', '75001', 'FR', 14500, 'EUR', false, now(), now())",
    )
    await asyncio.to_thread(command.upgrade, config(database_0009), "0010")
    kept = await run(
        database_0009, "SELECT refunded, refund_pending, payment_kept FROM orders WHERE id = :id"
    )
    assert kept == [(0, 0, False)]
    await run(
        database_0009,
        "UPDATE orders SET payment_status = 'partially_refunded', refunded = 100 WHERE id = :id",
        "INSERT INTO order_refunds (id, order_id, amount, requested_by, origin, status,"
        " requested_at) VALUES (gen_random_uuid(), :id, 100, 'admin', 'shop', 'refunded', now())",
    )
    await asyncio.to_thread(command.downgrade, config(database_0009), "0009")
    back = await run(database_0009, "SELECT payment_status FROM orders WHERE id = :id")
    assert back == [("paid",)]
    gone = await run(database_0009, "SELECT to_regclass('order_refunds') IS NULL")
    assert gone == [(True,)]
    await asyncio.to_thread(command.upgrade, config(database_0009), "0010")
    assert await run(database_0009, "SELECT count(*) FROM order_refunds") == [(0,)]
