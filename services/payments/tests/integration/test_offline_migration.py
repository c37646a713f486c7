"""Migration 0006: the one card processor saved before it becomes the first (and only) of
the list, still answered as `card_processor`; no offline method until the photographer adds
some; and the downgrade keeps the first processor."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from shop_payments.bootstrap import bootstrap
from shop_platform.db import make_engine, migrate
from shop_testkit.databases import database_at

from .conftest import ALEMBIC_INI, make_settings


@pytest.fixture
async def database_0005() -> AsyncIterator[str]:
    async with database_at("shop_payments_upgrade_0006", ALEMBIC_INI, "0005") as url:
        yield url


async def test_the_saved_processor_becomes_the_list(database_0005: str) -> None:
    engine = make_engine(database_0005)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO payment_settings (id, card_processor, payment_instructions)"
                " VALUES (1, 'sandbox', 'Call us')"
            )
        )
    await engine.dispose()

    await asyncio.to_thread(migrate, ALEMBIC_INI, database_0005)

    root = bootstrap(make_settings(database_0005))
    try:
        async with root.transaction() as repos:
            settings = await repos.settings.get()
        assert settings is not None
        assert settings.card_processors == ("sandbox",)
        assert settings.card_processor == "sandbox"
        assert settings.payment_instructions == "Call us"
        assert settings.offline_methods == ()
    finally:
        await root.aclose()


def _alembic(url: str, action: str, revision: str) -> None:
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    getattr(command, action)(config, revision)


async def test_0006_up_and_down_keeps_the_first_processor(database_0005: str) -> None:
    engine = make_engine(database_0005)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO payment_settings (id, card_processor) VALUES (1, 'sandbox')")
            )
        await asyncio.to_thread(_alembic, database_0005, "upgrade", "0006")
        async with engine.begin() as conn:
            row = (
                await conn.execute(
                    text("SELECT card_processors, offline_methods FROM payment_settings")
                )
            ).one()
            assert (row.card_processors, row.offline_methods) == (["sandbox"], [])
            await conn.execute(
                text(
                    "UPDATE payment_settings SET card_processors = "
                    """'["paypal_sandbox", "sandbox"]'::jsonb"""
                )
            )
        await asyncio.to_thread(_alembic, database_0005, "downgrade", "0005")
        async with engine.begin() as conn:
            first = (
                await conn.execute(text("SELECT card_processor FROM payment_settings"))
            ).scalar_one()
            assert first == "paypal_sandbox"
            columns = await conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns"
                    " WHERE table_name = 'payment_requests' AND column_name LIKE 'offline%'"
                )
            )
            assert columns.all() == []
    finally:
        await engine.dispose()
