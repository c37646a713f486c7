"""Migration 0008 (issue 12) keeps the orders placed before the pricing rules as they were:
no subtotal (their total is their lines' sum), no discount, no tax, no usage; read-model
offers become royalty-free rows without tiers; cart lines stay; down and up again work."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from shop_orders.bootstrap import ALEMBIC_INI
from shop_orders.db.cart_repository import SqlCartRepository
from shop_orders.db.catalog_repository import SqlCatalogRepository
from shop_orders.db.order_repository import SqlOrderRepository
from shop_platform.db import migrate
from shop_testkit.databases import database_at

ORDER, LINE, PHOTO, WEB = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
CART = "old-cart"

ROWS = [
    "INSERT INTO media (id, title, kind, media_key, width, height) "
    "VALUES (:photo, 'Lake', 'image', 'demo/lake.jpg', 4000, 2667)",
    "INSERT INTO license_options (id, media_id, name, price, delivery) "
    "VALUES (:web, :photo, 'Web', 2500, '{\"mode\": \"original\"}')",
    "INSERT INTO orders (id, number, status, payment_status, delivery_status, client_name, "
    "client_email, address_line1, address_city, address_postal_code, address_country, total, "
    "currency, manual_validation, created_at, updated_at) VALUES (:order, 'PL-2026-000001', "
    "'awaiting_payment', 'unpaid', 'pending', 'Ada', 'ada@example.com', '1 Rue X', 'Paris', "
    "'75001', 'FR', 2500, 'EUR', false, now(), now())",
    "INSERT INTO order_lines (id, order_id, position, media_id, media_title, media_kind, "
    "media_key, license_id, license_name, price, delivery) VALUES (:line, :order, 0, :photo, "
    "'Lake', 'image', 'demo/lake.jpg', :web, 'Web', 2500, '{\"mode\": \"original\"}')",
    "INSERT INTO carts (id, created_at, updated_at, expires_at) "
    "VALUES (:cart, now(), now(), now() + interval '1 day')",
    "INSERT INTO cart_lines (id, cart_id, media_id, license_id, added_at) "
    "VALUES (gen_random_uuid(), :cart, :photo, :web, now())",
]
PARAMS = {"photo": PHOTO, "web": WEB, "order": ORDER, "line": LINE, "cart": CART}


@pytest.fixture
async def old_database() -> AsyncIterator[str]:
    async with database_at("shop_orders_migration", ALEMBIC_INI, "0007") as url:
        yield url


async def test_orders_placed_before_keep_their_figures(old_database: str) -> None:
    engine = create_async_engine(old_database)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        async with engine.begin() as conn:
            for statement in ROWS:
                await conn.execute(text(statement), PARAMS)
        # Up to the head: the repositories read today's columns (later migrations add
        # some, e.g. 0012's order lines' flags), and change nothing 0008 decided.
        await asyncio.to_thread(migrate, ALEMBIC_INI, old_database)
        async with sessions() as session:
            order = await SqlOrderRepository(session).get(ORDER)
            assert order is not None
            assert order.charges is None
            assert (order.subtotal, order.discount, order.tax, order.total) == (2500, 0, 0, 2500)
            assert (order.coupon_code, order.vat_number, order.fields) == (None, None, [])
            assert order.customer.address.region is None
            [line] = order.lines
            assert (line.usage, line.profile_id, line.discount) == (None, None, 0)
            media = await SqlCatalogRepository(session).get_media([PHOTO])
            [option] = media[PHOTO].licenses
            assert (option.kind, option.rights_managed, option.quantity_tiers) == (
                "royalty_free",
                None,
                (),
            )
            cart = await SqlCartRepository(session).get(CART)
            assert cart is not None
            assert [(li.license_id, li.options) for li in cart.lines] == [(WEB, None)]
        await asyncio.to_thread(migrate_down, old_database)
        async with engine.connect() as conn:
            total = await conn.scalar(text("SELECT total FROM orders WHERE id = :o"), {"o": ORDER})
            assert total == 2500
        await asyncio.to_thread(migrate, ALEMBIC_INI, old_database)
    finally:
        await engine.dispose()


def migrate_down(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    command.downgrade(config, "0007")
