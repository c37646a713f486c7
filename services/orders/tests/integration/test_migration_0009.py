"""Migration 0009 (issue 12): the invoices' tables, the counter at 0 (the first invoice is
INV-000001); down and up again work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shop_orders.bootstrap import ALEMBIC_INI
from shop_platform.db import migrate
from shop_testkit.databases import database_at


@pytest.fixture
async def database_0008() -> AsyncIterator[str]:
    async with database_at("shop_orders_migration_0009", ALEMBIC_INI, "0008") as url:
        yield url


async def tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT tablename FROM pg_tables WHERE tablename LIKE 'invoice%'")
            )
            return {row[0] for row in rows}
    finally:
        await engine.dispose()


async def test_up_down_up(database_0008: str) -> None:
    assert await tables(database_0008) == set()
    await asyncio.to_thread(migrate, ALEMBIC_INI, database_0008)
    assert await tables(database_0008) == {"invoices", "invoice_counter", "invoice_settings"}
    engine = create_async_engine(database_0008)
    try:
        async with engine.connect() as conn:
            counter = (await conn.execute(text("SELECT id, last FROM invoice_counter"))).all()
            assert [tuple(row) for row in counter] == [(1, 0)]
    finally:
        await engine.dispose()

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", database_0008)
    await asyncio.to_thread(command.downgrade, config, "0008")
    assert await tables(database_0008) == set()
    await asyncio.to_thread(migrate, ALEMBIC_INI, database_0008)
    assert await tables(database_0008) == {"invoices", "invoice_counter", "invoice_settings"}
