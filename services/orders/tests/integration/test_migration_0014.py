"""Migration 0014 (issue 14): accounts, link tokens and API tokens; the sessions already there
survive as the bootstrap owner's (no account); down and up again work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shop_orders.bootstrap import ALEMBIC_INI
from shop_testkit.databases import database_at

TABLES = {"accounts", "account_links", "api_tokens"}


@pytest.fixture
async def database_0013() -> AsyncIterator[str]:
    async with database_at("shop_orders_migration_0014", ALEMBIC_INI, "0013") as url:
        yield url


async def run(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(sql))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        await engine.dispose()


async def tables(url: str) -> set[str]:
    rows = await run(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {str(r[0]) for r in rows} & TABLES


def config(url: str) -> Config:
    made = Config(str(ALEMBIC_INI))
    made.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
    made.set_main_option("sqlalchemy.url", url)
    return made


async def test_up_down_up(database_0013: str) -> None:
    await run(
        database_0013,
        "INSERT INTO admin_sessions (id_hash, created_at, expires_at) "
        "VALUES ('h', now(), now() + interval '1 hour')",
    )
    assert await tables(database_0013) == set()
    await asyncio.to_thread(command.upgrade, config(database_0013), "0014")
    assert await tables(database_0013) == TABLES
    assert await run(database_0013, "SELECT id_hash, account_id FROM admin_sessions") == [
        ("h", None)
    ]
    await run(
        database_0013,
        "INSERT INTO accounts (id, email, name, role, status, created_at, updated_at) VALUES "
        "(gen_random_uuid(), 'ana@example.com', 'Ana', 'owner', 'invited', now(), now())",
    )
    with pytest.raises(Exception, match="uq_accounts_email"):
        await run(
            database_0013,
            "INSERT INTO accounts (id, email, name, role, status, created_at, updated_at) VALUES "
            "(gen_random_uuid(), 'ana@example.com', 'Ana', 'owner', 'invited', now(), now())",
        )
    await asyncio.to_thread(command.downgrade, config(database_0013), "0013")
    assert await tables(database_0013) == set()
    assert await run(database_0013, "SELECT id_hash FROM admin_sessions") == [("h",)]
    await asyncio.to_thread(command.upgrade, config(database_0013), "0014")
    assert await tables(database_0013) == TABLES
