"""Migration 0013 (issue 14): the admin orders list's indexes (keyset `(created_at, id)`, with
and without status; pg_trgm on the number, the client's name and email and the lines' credit,
which `ILIKE '%part%'` can use); down and up again work."""

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

NEW = {
    "ix_orders_created_at_id",
    "ix_orders_status_created_at_id",
    "ix_orders_number_trgm",
    "ix_orders_client_name_trgm",
    "ix_orders_client_email_trgm",
    "ix_order_lines_credit_trgm",
}
OLD = {"ix_orders_created_at", "ix_orders_status_created_at"}  # prefixes of the new ones


@pytest.fixture
async def database_0012() -> AsyncIterator[str]:
    async with database_at("shop_orders_migration_0013", ALEMBIC_INI, "0012") as url:
        yield url


async def indexes(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT indexname FROM pg_indexes WHERE tablename IN ('orders', 'order_lines')"
                )
            )
            return {row[0] for row in rows} & (NEW | OLD)
    finally:
        await engine.dispose()


async def plan(url: str, where: str) -> str:
    """The plan of the search's condition with sequential scans discouraged (the test tables
    are tiny: the planner would rather read them)."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("SET LOCAL enable_seqscan = off"))
            rows = await conn.execute(text(f"EXPLAIN SELECT id FROM orders WHERE {where}"))
            return "\n".join(row[0] for row in rows)
    finally:
        await engine.dispose()


async def test_up_down_up(database_0012: str) -> None:
    assert await indexes(database_0012) == OLD
    await asyncio.to_thread(migrate, ALEMBIC_INI, database_0012)
    assert await indexes(database_0012) == NEW
    for column in ("number", "client_name", "client_email"):
        assert f"ix_orders_{column}_trgm" in await plan(database_0012, f"{column} ILIKE '%hop%'")
    keyset = "(created_at, id) < (now(), gen_random_uuid()) ORDER BY created_at DESC, id DESC"
    assert "ix_orders_created_at_id" in await plan(database_0012, f"true AND {keyset} LIMIT 51")
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", database_0012)
    await asyncio.to_thread(command.downgrade, config, "0012")
    assert await indexes(database_0012) == OLD
    await asyncio.to_thread(migrate, ALEMBIC_INI, database_0012)
    assert await indexes(database_0012) == NEW
