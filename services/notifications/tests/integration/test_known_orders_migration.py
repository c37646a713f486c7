"""Migration 0003: orders placed before it are read back from their "New order" email, so
their emails are found by number and a later validation still sends one payment link."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from shop_notifications.db.orders import OrderRepository
from shop_platform.db import make_engine, make_session_factory, migrate
from shop_testkit.databases import database_at

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
INSERT = text(
    "INSERT INTO emails (id, order_id, message_id, message_type, template, recipient, "
    "subject, text_body, html_body) VALUES (:id, :order_id, :message_id, :message_type, "
    ":template, :to, :subject, '', '')"
)


@pytest.fixture
async def old_database() -> AsyncIterator[str]:
    async with database_at("shop_notifications_upgrade", ALEMBIC_INI, "0002") as url:
        yield url


async def test_orders_placed_before_are_known_after_the_upgrade(old_database: str) -> None:
    held, paid, validated_only = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    emails = [
        (
            held,
            "order.placed",
            "order_placed_seller",
            "New order PL-2026-000001 (awaiting your validation)",
        ),
        (
            held,
            "order.placed",
            "order_awaiting_validation",
            "Your order PL-2026-000001 has been received",
        ),
        (paid, "order.placed", "order_placed_seller", "New order PL-2026-000002"),
        (
            paid,
            "delivery.completed",
            "delivery_completed",
            "Your files for order PL-2026-000002 are ready",
        ),
        (validated_only, "order.validated", "order_validated", "Your order PL-1 is confirmed"),
    ]
    engine = make_engine(old_database)
    async with engine.begin() as conn:
        for order_id, message_type, template, subject in emails:
            values = {"id": uuid.uuid4(), "order_id": order_id, "message_id": uuid.uuid4()}
            values |= {"message_type": message_type, "template": template, "subject": subject}
            await conn.execute(INSERT, values | {"to": "someone@example.com"})
    await engine.dispose()

    await asyncio.to_thread(migrate, ALEMBIC_INI, old_database)

    engine = make_engine(old_database)
    try:
        async with make_session_factory(engine)() as session:
            orders = OrderRepository(session)
            first, second = await orders.get(held), await orders.get(paid)
            assert first is not None
            assert second is not None
            assert (first.number, first.manual_validation) == ("PL-2026-000001", True)
            assert (second.number, second.manual_validation) == ("PL-2026-000002", False)
            assert await orders.get(validated_only) is None  # never seen placed
            waiting = await session.execute(text("SELECT count(*) FROM waiting_messages"))
            assert waiting.scalar_one() == 0
    finally:
        await engine.dispose()
