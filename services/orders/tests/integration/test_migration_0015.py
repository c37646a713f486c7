"""Migration 0015 (issue 14, the agency): the photographer columns of the read model's media
and galleries and of the order lines (null on rows from before: the owner's), the index that
finds a photographer's orders, the history's "by" as text; down and up again work, and a
line sold before keeps its credit."""

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
from shop_platform.db import migrate
from shop_testkit.databases import database_at

TABLES = ("media", "galleries_for_sale", "order_lines")
COLUMNS = {"photographer_id", "photographer_name", "photographer_email"}
VARCHAR = "character varying"  # the actor before: String(50)


@pytest.fixture
async def database_0014() -> AsyncIterator[str]:
    async with database_at("shop_orders_migration_0015", ALEMBIC_INI, "0014") as url:
        yield url


async def shape(url: str) -> tuple[dict[str, set[str]], bool, str]:
    """Each table's photographer columns, whether the index exists, the actor's type."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT table_name, column_name, data_type FROM information_schema.columns "
                    "WHERE table_name IN ('media', 'galleries_for_sale', 'order_lines', "
                    "'order_history', 'order_refunds')"
                )
            )
            columns: dict[str, set[str]] = {table: set() for table in TABLES}
            actor = ""
            for table, column, data_type in rows:
                if column in COLUMNS:
                    columns[table].add(column)
                if (table, column) in (
                    ("order_history", "actor"),
                    ("order_refunds", "requested_by"),
                ):
                    actor = data_type if not actor or actor == data_type else "mixed"
            index = await conn.scalar(
                text("SELECT count(*) FROM pg_indexes WHERE indexname = :name"),
                {"name": "ix_order_lines_photographer_id"},
            )
            return columns, bool(index), actor
    finally:
        await engine.dispose()


async def test_up_down_up(database_0014: str) -> None:
    before, indexed, actor = await shape(database_0014)
    assert before == {table: set() for table in TABLES}
    assert not indexed
    assert actor == VARCHAR
    engine = create_async_engine(database_0014)
    media_id = uuid.uuid4()
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO media (id, title, kind, media_key, width, height, credit) "
                    "VALUES (:id, 'Lake', 'image', 'old/lake.jpg', 10, 10, 'Ana Berg')"
                ),
                {"id": media_id},
            )
    finally:
        await engine.dispose()

    await asyncio.to_thread(migrate, ALEMBIC_INI, database_0014)
    after, indexed, actor = await shape(database_0014)
    assert after == {table: COLUMNS for table in TABLES}
    assert indexed
    assert actor == "text"
    engine = create_async_engine(database_0014)
    try:
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    text("SELECT credit, photographer_id FROM media WHERE id = :id"),
                    {"id": media_id},
                )
            ).one()
    finally:
        await engine.dispose()
    assert tuple(row) == ("Ana Berg", None), "a media from before: the owner's, credit kept"

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", database_0014)
    await asyncio.to_thread(command.downgrade, config, "0014")
    assert await shape(database_0014) == ({table: set() for table in TABLES}, False, VARCHAR)
    await asyncio.to_thread(migrate, ALEMBIC_INI, database_0014)
    assert (await shape(database_0014))[0] == {table: COLUMNS for table in TABLES}
