"""Migrations 0004 and 0005: emails logged before them are about their order
(`correlation_id` = `order_id`, and still told to orders), with no trace context; the
downgrade drops the emails about no order (they cannot be kept without one)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from shop_platform.db import make_engine, migrate
from shop_testkit.databases import database_at

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
INSERT = text(
    "INSERT INTO emails (id, order_id, message_id, message_type, template, recipient, "
    "subject, text_body, html_body) VALUES (:id, :order_id, :message_id, 'order.validated', "
    "'order_validated', 'ada@example.com', 'Your order', '', '')"
)


def downgrade(url: str, revision: str) -> None:
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    command.downgrade(config, revision)


@pytest.fixture
async def old_database() -> AsyncIterator[str]:
    async with database_at("shop_notifications_upgrade_0004", ALEMBIC_INI, "0003") as url:
        yield url


async def test_emails_logged_before_are_about_their_order(old_database: str) -> None:
    order_id = uuid.uuid4()
    engine = make_engine(old_database)
    try:
        async with engine.begin() as conn:
            values = {"id": uuid.uuid4(), "order_id": order_id, "message_id": uuid.uuid4()}
            await conn.execute(INSERT, values)
        await asyncio.to_thread(migrate, ALEMBIC_INI, old_database)
        async with engine.begin() as conn:
            row = (
                await conn.execute(text("SELECT order_id, correlation_id, traceparent FROM emails"))
            ).one()
            assert tuple(row) == (order_id, order_id, None)
            await conn.execute(
                text(
                    "INSERT INTO emails (id, order_id, correlation_id, message_id, message_type, "
                    "template, recipient, subject, text_body, html_body) VALUES (:id, NULL, "
                    ":selection, :message, 'catalog.selection_sent', 'selection_sent', "
                    "'ada@example.com', 'A selection', '', '')"
                ),
                {"id": uuid.uuid4(), "selection": uuid.uuid4(), "message": uuid.uuid4()},
            )
        await asyncio.to_thread(downgrade, old_database, "0003")
        async with engine.begin() as conn:
            left = (await conn.execute(text("SELECT order_id FROM emails"))).scalars().all()
        assert left == [order_id]
    finally:
        await engine.dispose()
