"""Migration 0003: requests opened before it keep working (no lines, no order page kept), and
one awaiting validation then tells the client how to pay when it is validated."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from shop_payments.bootstrap import bootstrap
from shop_platform.db import make_engine, migrate
from shop_testkit.databases import database_at

from .conftest import ALEMBIC_INI, PUBLIC, make_settings, published, request_status, send
from .test_payment_requested import validated


@pytest.fixture
async def database_0002() -> AsyncIterator[str]:
    async with database_at("shop_payments_upgrade_0003", ALEMBIC_INI, "0002") as url:
        yield url


async def test_a_request_from_before_is_validated_and_requested(database_0002: str) -> None:
    order_id = uuid.uuid4()
    engine = make_engine(database_0002)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO payment_requests (order_id, number, amount, currency, client_name,"
                " client_email, status, created_at, updated_at) VALUES (:id, 'N-OLD', 4500,"
                " 'EUR', 'Ada Client', 'ada@example.com', 'awaiting_validation', :now, :now)"
            ),
            {"id": order_id, "now": datetime.now(UTC)},
        )
    await engine.dispose()

    await asyncio.to_thread(migrate, ALEMBIC_INI, database_0002)

    root = bootstrap(make_settings(database_0002))
    try:
        async with root.transaction() as repos:
            request = await repos.requests.get(order_id)
        assert request is not None
        assert (request.lines, request.order_url, request.requested_at) == ((), None, None)
        url = f"{PUBLIC}/pay/{order_id}?token=t"
        assert await send(root.router, validated(order_id, url), order_id)
        assert await request_status(root, order_id) == "open"
        (payload,) = await published(root, order_id, "payment.requested")
        assert (payload["number"], payload["lines"], payload["payment_url"]) == ("N-OLD", [], url)
    finally:
        await root.aclose()
