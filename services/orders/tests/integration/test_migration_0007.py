"""Migration 0007 (issue 12): the shop's currency starts as ORDERS_CURRENCY on an existing
settings row (NULL reads as that value on a row created later); the pricing tables come and
go with it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shop_orders.bootstrap import ALEMBIC_INI
from shop_platform.db import migrate
from shop_testkit.databases import database_at

PRICING_TABLES = ("coupons", "coupon_uses", "tax_settings", "tax_rates", "order_fields")


@pytest.fixture
async def database_at_0006() -> AsyncIterator[str]:
    async with database_at("shop_orders_migration", ALEMBIC_INI, "0006") as url:
        yield url


def migrate_to(url: str, revision: str, *, down: bool = False) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    (command.downgrade if down else command.upgrade)(config, revision)


async def test_the_currency_starts_as_configured_and_the_tables_come_and_go(
    database_at_0006: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_async_engine(database_at_0006)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO shop_settings (id, seller_email) VALUES (1, 'me@studio.test')")
            )
        monkeypatch.setenv("ORDERS_CURRENCY", "chf")
        await asyncio.to_thread(migrate_to, database_at_0006, "0007")
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT currency FROM shop_settings")) == "CHF"
            for table in PRICING_TABLES:
                assert await conn.scalar(text(f"SELECT count(*) FROM {table}")) == 0
        await asyncio.to_thread(migrate_to, database_at_0006, "0006", down=True)
        async with engine.connect() as conn:
            left = await conn.scalar(
                text("SELECT count(*) FROM pg_tables WHERE tablename = ANY(:names)"),
                {"names": list(PRICING_TABLES)},
            )
            assert left == 0
        monkeypatch.delenv("ORDERS_CURRENCY")
        await asyncio.to_thread(migrate, ALEMBIC_INI, database_at_0006)
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT currency FROM shop_settings")) is None
    finally:
        await engine.dispose()
