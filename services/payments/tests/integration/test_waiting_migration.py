"""Migration 0002: envelopes kept in the old `pending_messages` table move into the shared store
and are applied when their order arrives."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from shop_payments.bootstrap import bootstrap
from shop_platform.db import make_engine, migrate
from shop_testkit.databases import database_at

from .conftest import ALEMBIC_INI, envelope_of, make_settings, place, request_status
from .test_consumer import cancelled


@pytest.fixture
async def old_database() -> AsyncIterator[str]:
    async with database_at("shop_payments_upgrade", ALEMBIC_INI, "0001") as url:
        yield url


async def test_old_pending_messages_are_replayed_after_the_upgrade(old_database: str) -> None:
    order_id = uuid.uuid4()
    early = envelope_of(cancelled(order_id), order_id)
    engine = make_engine(old_database)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO pending_messages (event_id, order_id, message_type, envelope) "
                "VALUES (:event_id, :order_id, :type, CAST(:envelope AS jsonb))"
            ),
            {
                "event_id": early.event_id,
                "order_id": order_id,
                "type": early.type,
                "envelope": json.dumps(early.model_dump(mode="json")),
            },
        )
    await engine.dispose()

    await asyncio.to_thread(migrate, ALEMBIC_INI, old_database)

    root = bootstrap(make_settings(old_database))
    try:
        await place(root.router, order_id=order_id)
        assert await request_status(root, order_id) == "cancelled"
        async with root.sessions() as session:
            left = await session.execute(text("SELECT count(*) FROM waiting_messages"))
            assert left.scalar_one() == 0
    finally:
        await root.aclose()
