"""Migration 0006 (issue 12): emails logged before it are neither held nor carry an invoice
(the sender takes them as before), orders known before it have no pricing (their emails show
the total alone); the downgrade drops the invoices and attachments."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from shop_notifications.db.claims import claim_pending
from shop_notifications.db.orders import OrderRepository
from shop_platform.db import make_engine, make_session_factory, migrate
from shop_testkit.databases import database_at

from .test_catalog_emails_migration import downgrade

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


@pytest.fixture
async def old_database() -> AsyncIterator[str]:
    async with database_at("shop_notifications_upgrade_0006", ALEMBIC_INI, "0005") as url:
        yield url


async def test_emails_and_orders_from_before_go_on_as_they_were(old_database: str) -> None:
    order_id, email_id = uuid.uuid4(), uuid.uuid4()
    engine = make_engine(old_database)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO emails (id, order_id, correlation_id, message_id, message_type, "
                    "template, recipient, subject, text_body, html_body) VALUES (:id, :order, "
                    ":order, :message, 'delivery.completed', 'delivery_completed', "
                    "'ada@example.com', 'Your files', 'hello', '<p>hello</p>')"
                ),
                {"id": email_id, "order": order_id, "message": uuid.uuid4()},
            )
            await conn.execute(
                text(
                    "INSERT INTO orders (order_id, number, manual_validation) "
                    "VALUES (:order, '2026-0001', false)"
                ),
                {"order": order_id},
            )
        await asyncio.to_thread(migrate, ALEMBIC_INI, old_database)

        async with make_session_factory(engine)() as session:
            known = await OrderRepository(session).get(order_id)
        assert known is not None
        assert known.pricing is None
        (claimed,) = await claim_pending(engine, lease_s=60, batch=10)
        assert (claimed.id, claimed.attachments) == (email_id, ())

        async with engine.begin() as conn:
            row = (await conn.execute(text("SELECT held_until, invoice_number FROM emails"))).one()
            assert tuple(row) == (None, None)
            await conn.execute(
                text(
                    "INSERT INTO email_attachments (id, email_id, filename, content_type, "
                    "content) VALUES (:id, :email, 'INV-1.pdf', 'application/pdf', '\\x25')"
                ),
                {"id": uuid.uuid4(), "email": email_id},
            )
        await asyncio.to_thread(downgrade, old_database, "0005")
        async with engine.begin() as conn:
            tables = (
                await conn.execute(
                    text(
                        "SELECT table_name FROM information_schema.tables "
                        "WHERE table_name IN ('invoices', 'email_attachments')"
                    )
                )
            ).all()
            assert tables == []
            assert (await conn.execute(text("SELECT id FROM emails"))).scalars().all() == [email_id]
    finally:
        await engine.dispose()
