"""Migration 0011 (issue 13): the settings gain the abandoned-order delays (off for a shop
already there), orders gain payment_reminded_at and the worker's lease (NULL for the orders
already there, so they are reminded once when due); down and up again."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from shop_orders.bootstrap import ALEMBIC_INI
from shop_testkit.databases import database_at

ORDER = uuid.uuid4()


@pytest.fixture
async def database_0010() -> AsyncIterator[str]:
    async with database_at("shop_orders_migration_0011", ALEMBIC_INI, "0010") as url:
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


async def test_up_down_up(database_0010: str) -> None:
    await run(
        database_0010,
        "INSERT INTO shop_settings (id, seller_email) VALUES (1, 'me@studio.test')",
        "INSERT INTO orders (id, number, status, payment_status, delivery_status, client_name,"
        " client_email, address_line1, address_city, address_postal_code, address_country,"
        " total, currency, manual_validation, created_at, updated_at) VALUES (:id,"
        " 'PL-2026-000001', 'awaiting_payment', 'unpaid', 'pending', 'Ada', 'ada@example.com',"
        " '1 Rue X', 'Paris', '75001', 'FR', 14500, 'EUR', false, now(), now())",
    )
    await asyncio.to_thread(command.upgrade, config(database_0010), "0011")
    settings = await run(
        database_0010,
        "SELECT remind_unpaid_after_days, cancel_unpaid_after_days FROM shop_settings",
    )
    assert settings == [(None, None)]
    order = await run(
        database_0010, "SELECT payment_reminded_at, claimed_until FROM orders WHERE id = :id"
    )
    assert order == [(None, None)]
    for bad in ("3, 3", "0, NULL", "NULL, 366", "10, 2"):
        with pytest.raises(IntegrityError):
            await run(
                database_0010,
                "UPDATE shop_settings SET (remind_unpaid_after_days, cancel_unpaid_after_days)"
                f" = ({bad})",
            )
    await run(
        database_0010,
        "UPDATE shop_settings SET remind_unpaid_after_days = 3, cancel_unpaid_after_days = 10",
        "UPDATE orders SET payment_reminded_at = now() WHERE id = :id",
    )
    await asyncio.to_thread(command.downgrade, config(database_0010), "0010")
    gone = await run(
        database_0010,
        "SELECT count(*) FROM information_schema.columns WHERE column_name IN"
        " ('remind_unpaid_after_days', 'cancel_unpaid_after_days', 'payment_reminded_at',"
        " 'claimed_until') AND table_name IN ('orders', 'shop_settings')",
    )
    assert gone == [(0,)]
    await asyncio.to_thread(command.upgrade, config(database_0010), "0011")
    assert await run(database_0010, "SELECT payment_reminded_at FROM orders") == [(None,)]
