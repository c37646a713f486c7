"""Migration 0006: deliveries made before it (items keyed by line) stay valid and served."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from shop_delivery.bootstrap import DeliveryRoot, bootstrap
from shop_platform.db import make_engine, migrate
from shop_testkit.databases import database_at

from .conftest import ALEMBIC_INI, Shop, settings_for


@pytest.fixture
async def old_database() -> AsyncIterator[str]:
    async with database_at("shop_delivery_upgrade6", ALEMBIC_INI, "0005") as url:
        yield url


async def test_a_delivery_from_before_is_kept_and_served(
    old_database: str, media_root: Path, tmp_path: Path
) -> None:
    order_id, item_id, line_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    engine = make_engine(old_database)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO deliveries (order_id, number, client_name, client_email, status,"
                " trigger, triggered_at, delivered_at, payment)"
                " VALUES (:id, '2025-9', 'Old Client', 'old@example.com', 'delivered',"
                " 'payment', now(), now(), 'paid')"
            ),
            {"id": order_id},
        )
        await conn.execute(
            text(
                "INSERT INTO delivery_items (id, order_id, position, line_id, media_id,"
                " media_key, media_kind, license_name, spec, file_name, file_source, file_key,"
                " size_bytes, mime_type) VALUES (:item, :id, 0, :line, :line,"
                " 'demo/small-harbour.jpg', 'image', 'Full', '{\"mode\": \"original\"}',"
                " 'old_full.jpg', 'media', 'demo/small-harbour.jpg', :size, 'image/jpeg')"
            ),
            {
                "item": item_id,
                "id": order_id,
                "line": line_id,
                "size": (media_root / "demo/small-harbour.jpg").stat().st_size,
            },
        )
        await conn.execute(
            text(
                "INSERT INTO download_links (id, item_id, order_id, expires_at, max_downloads)"
                " VALUES (:link, :item, :id, now() + interval '1 day', 3)"
            ),
            {"link": uuid.uuid4(), "item": item_id, "id": order_id},
        )
    await engine.dispose()

    await asyncio.to_thread(migrate, ALEMBIC_INI, old_database)

    root: DeliveryRoot = bootstrap(settings_for(old_database, tmp_path / "renditions", media_root))
    try:
        shop = Shop(root, media_root)
        [(kind, lines)] = await shop.sql(
            "SELECT kind, gallery_lines FROM deliveries WHERE order_id = :id", id=order_id
        )
        assert (kind, lines) == ("order", [])
        transport = httpx.ASGITransport(app=root.http_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            links = await shop.links(client, order_id)
            assert list(links) == ["old_full.jpg"]
            response = await client.get(links["old_full.jpg"])
            assert response.content == (media_root / "demo/small-harbour.jpg").read_bytes()
        # The (order, line) key is now (order, line, media): a second row of the line is
        # refused only for the same media.
        with pytest.raises(Exception, match="uq_delivery_items_line_media"):
            await shop.sql(
                "INSERT INTO delivery_items (id, order_id, position, line_id, media_id,"
                " media_key, media_kind, license_name, spec) SELECT gen_random_uuid(),"
                " order_id, 1, line_id, media_id, media_key, media_kind, license_name, spec"
                " FROM delivery_items WHERE id = :item",
                item=item_id,
            )
    finally:
        await root.aclose()
