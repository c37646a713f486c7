"""Migration 0012 (issue 13): the quotations' tables and the order lines' `service` and
`offline_delivery` flags (false on the lines placed before); down and up again work."""

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
async def database_0011() -> AsyncIterator[str]:
    async with database_at("shop_orders_migration_0012", ALEMBIC_INI, "0011") as url:
        yield url


async def shape(url: str) -> tuple[set[str], set[str]]:
    """The quote tables, and the order_lines columns of this migration."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            tables = await conn.execute(
                text("SELECT tablename FROM pg_tables WHERE tablename LIKE 'quote%'")
            )
            columns = await conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns WHERE table_name ="
                    " 'order_lines' AND column_name IN ('service', 'offline_delivery')"
                )
            )
            return {row[0] for row in tables}, {row[0] for row in columns}
    finally:
        await engine.dispose()


async def test_up_down_up(database_0011: str) -> None:
    assert await shape(database_0011) == (set(), set())
    await asyncio.to_thread(migrate, ALEMBIC_INI, database_0011)
    done = ({"quotes", "quote_lines"}, {"service", "offline_delivery"})
    assert await shape(database_0011) == done
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", database_0011)
    await asyncio.to_thread(command.downgrade, config, "0011")
    assert await shape(database_0011) == (set(), set())
    await asyncio.to_thread(migrate, ALEMBIC_INI, database_0011)
    assert await shape(database_0011) == done
