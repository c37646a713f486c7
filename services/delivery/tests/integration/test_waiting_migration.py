"""Migration 0004: triggers kept the old way (a kind in `pending_triggers`) move into the shared
store and are applied when their order arrives, a cancellation still winning."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from shop_delivery.bootstrap import DeliveryRoot, bootstrap
from shop_platform.db import make_engine, migrate
from shop_testkit.databases import database_at

from .conftest import ALEMBIC_INI, Shop, settings_for


@pytest.fixture
async def old_database() -> AsyncIterator[str]:
    async with database_at("shop_delivery_upgrade", ALEMBIC_INI, "0003") as url:
        yield url


async def test_old_pending_triggers_are_replayed_after_the_upgrade(
    old_database: str, media_root: Path, tmp_path: Path
) -> None:
    paid_early, cancelled_early = uuid.uuid4(), uuid.uuid4()
    engine = make_engine(old_database)
    async with engine.begin() as conn:
        for order_id, kind in (
            (paid_early, "payment"),
            (cancelled_early, "payment"),
            (cancelled_early, "cancel"),
        ):
            await conn.execute(
                text(
                    "INSERT INTO pending_triggers (order_id, kind, message_id) "
                    "VALUES (:order_id, :kind, :message_id)"
                ),
                {"order_id": order_id, "kind": kind, "message_id": uuid.uuid4()},
            )
    await engine.dispose()

    await asyncio.to_thread(migrate, ALEMBIC_INI, old_database)

    root: DeliveryRoot = bootstrap(settings_for(old_database, tmp_path / "renditions", media_root))
    try:
        shop = Shop(root, media_root)
        kept = await shop.sql("SELECT message_type FROM waiting_messages ORDER BY id")
        assert [row[0] for row in kept] == ["delivery.kept_trigger"] * 3
        await shop.send(shop.placed(paid_early))
        await shop.send(shop.placed(cancelled_early))
        assert await shop.status(paid_early) == "delivered"
        assert await shop.status(cancelled_early) == "cancelled"
        assert await shop.sql("SELECT id FROM waiting_messages") == []
    finally:
        await root.aclose()
