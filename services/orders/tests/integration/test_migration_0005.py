"""Migration 0005 (issue 11) keeps the catalog rows orders had, ids and all: a media's
`status` becomes its `state`, its revision is 0 (any catalog snapshot replaces it), its
license options stay orderable until then; down and up again work."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shop_orders.bootstrap import ALEMBIC_INI
from shop_platform.db import migrate
from shop_testkit.databases import database_at

PHOTO, WEB = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
async def old_database() -> AsyncIterator[str]:
    async with database_at("shop_orders_migration", ALEMBIC_INI, "0004") as url:
        yield url


async def test_existing_media_and_licenses_survive_with_their_ids(old_database: str) -> None:
    engine = create_async_engine(old_database)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO media (id, title, kind, media_key, width, height, status) "
                    "VALUES (:id, 'Lake', 'image', 'demo/lake.jpg', 4000, 2667, 'proof')"
                ),
                {"id": PHOTO},
            )
            await conn.execute(
                text(
                    "INSERT INTO license_options (id, media_id, name, price, delivery) "
                    "VALUES (:id, :media, 'Web', 2500, '{\"mode\": \"original\"}')"
                ),
                {"id": WEB, "media": PHOTO},
            )
        await asyncio.to_thread(migrate, ALEMBIC_INI, old_database)
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    text("SELECT state, revision, for_sale FROM media WHERE id = :id"),
                    {"id": PHOTO},
                )
            ).one()
            assert tuple(row) == ("proof", 0, True)
            option = (
                await conn.execute(
                    text("SELECT media_id, price FROM license_options WHERE id = :id"),
                    {"id": WEB},
                )
            ).one()
            assert tuple(option) == (PHOTO, 2500)
            for table in ("carts", "cart_lines", "galleries_for_sale"):
                await conn.execute(text(f"SELECT count(*) FROM {table}"))
        await asyncio.to_thread(migrate_down, old_database)
        async with engine.connect() as conn:
            status = await conn.scalar(
                text("SELECT status FROM media WHERE id = :id"), {"id": PHOTO}
            )
            assert status == "proof"
        await asyncio.to_thread(migrate, ALEMBIC_INI, old_database)
    finally:
        await engine.dispose()


def migrate_down(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    command.downgrade(config, "0004")
