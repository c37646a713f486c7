"""`python -m shop_catalog seed`: the demo with orders' old media ids (two price lists, a
public and a private gallery, everything published), once; and the one-off legacy import
from an orders-like database, keeping the media and license ids."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from shop_catalog.bootstrap import ALEMBIC_INI, CatalogRoot, bootstrap
from shop_catalog.config import CatalogSettings
from shop_catalog.db.sales_legacy import OrdersLegacyCatalog
from shop_catalog.service.seeding import seed_catalog
from shop_platform.db import make_engine, migrate
from shop_testkit.admin_sessions import KnownAdminSessions
from shop_testkit.databases import create_database, remove_database
from shop_web import Branding
from shop_web.branding import FixedBranding

# orders' old seed: uuid5 of this namespace and the media key
OLD_NAMESPACE = uuid.UUID("5b0f6c1e-6a43-4f0e-9a53-3f1d2c7a9e10")


@pytest.fixture
async def empty_catalog(tmp_path: Path, settings: CatalogSettings) -> AsyncIterator[CatalogRoot]:
    """A catalog of its own (the shared database has other tests' media)."""
    url = await create_database("shop_catalog_seed")
    await asyncio.to_thread(migrate, ALEMBIC_INI, url)
    root = bootstrap(
        settings.model_copy(update={"database_url": url, "preview_dir": str(tmp_path)}),
        branding=FixedBranding(Branding(name="Shop")),
    )
    yield root
    await root.aclose()
    await remove_database(url)


async def rows(root: CatalogRoot, sql: str, **params: Any) -> list[Any]:
    async with root.engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).mappings().all())


async def test_the_demo_keeps_the_old_ids_and_is_published_once(
    empty_catalog: CatalogRoot,
) -> None:
    root = empty_catalog
    results = await asyncio.gather(seed_catalog(root), seed_catalog(root))
    assert sorted(results) == [0, 4]
    assert await seed_catalog(root) == 0
    media = {r["media_key"]: r for r in await rows(root, "SELECT * FROM media")}
    lake = media["demo/alpine-lake.jpg"]
    assert lake["id"] == uuid.uuid5(OLD_NAMESPACE, "demo/alpine-lake.jpg")
    assert (lake["width"], lake["height"], lake["kind"]) == (4000, 2667, "image")
    assert lake["sha256"]
    assert lake["size_bytes"] > 0
    offered = {
        r["envelope"]["payload"]["media_id"]: r["envelope"]["payload"]
        for r in await rows(
            root, "SELECT envelope FROM outbox WHERE message_type = 'catalog.media_offered'"
        )
    }
    assert len(offered) == 4
    lake_offers = offered[str(lake["id"])]["offers"]
    assert [(o["name"], o["price"]) for o in lake_offers] == [
        ("Web", 2500),
        ("Full resolution", 9000),
    ]
    assert lake_offers[0]["delivery"]["long_edge"] == 1024
    assert lake_offers[0]["license_id"] == str(uuid.uuid5(OLD_NAMESPACE, "profile/Web"))
    clip = media["demo/ridge-drift.mp4"]
    assert [o["name"] for o in offered[str(clip["id"])]["offers"]] == ["Full clip"]
    galleries = {
        r["envelope"]["payload"]["title"]: r["envelope"]["payload"]
        for r in await rows(
            root, "SELECT envelope FROM outbox WHERE message_type = 'catalog.gallery_offered'"
        )
    }
    assert galleries["Demo gallery"]["whole_gallery_price"] == 25000
    assert len(galleries["Demo gallery"]["members"]) == 4
    assert galleries["Private demo"]["members"]

    app = root.http_app(admin_sessions=KnownAdminSessions())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://catalog.test"
    ) as visitor:
        listed = (await visitor.get("/api/galleries")).json()
        assert [g["title"] for g in listed] == ["Demo gallery"]
        private_slug = galleries["Private demo"]["slug"]
        assert (await visitor.get(f"/api/galleries/{private_slug}")).status_code == 403
        opened = await visitor.get(
            f"/api/galleries/{private_slug}", headers={"X-Gallery-Password": "demo"}
        )
        assert opened.status_code == 200


@pytest.fixture
async def orders_like_database() -> AsyncIterator[str]:
    """orders' old catalog tables, as they were before the catalog service."""
    url = await create_database("shop_orders_legacy")
    engine = make_engine(url, pool_size=1)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "CREATE TABLE media (id uuid PRIMARY KEY, title varchar(200) NOT NULL,"
                " kind varchar(10) NOT NULL, media_key varchar(500) NOT NULL UNIQUE,"
                " width int NOT NULL, height int NOT NULL, credit varchar(200),"
                " status varchar(10) NOT NULL DEFAULT 'final',"
                " created_at timestamptz NOT NULL DEFAULT now(),"
                " updated_at timestamptz NOT NULL DEFAULT now())"
            )
        )
        await conn.execute(
            text(
                "CREATE TABLE license_options (id uuid PRIMARY KEY,"
                " media_id uuid NOT NULL REFERENCES media(id), name varchar(100) NOT NULL,"
                " price bigint NOT NULL, delivery jsonb NOT NULL, position int NOT NULL DEFAULT 0,"
                " usage_terms text)"
            )
        )
    await engine.dispose()
    yield url
    await remove_database(url)


async def test_a_seeded_database_gets_its_demo_files_back_in_a_new_media_folder(
    empty_catalog: CatalogRoot, tmp_path: Path
) -> None:
    """A fresh clone against the same PostgreSQL: the rows are there, the files are not."""
    from shop_media.store import LocalMediaStore

    root = empty_catalog
    assert await seed_catalog(root) == 4
    (key,) = [
        r["media_key"]
        for r in await rows(root, "SELECT media_key FROM media")
        if r["media_key"].endswith(".mp4")
    ]
    root.media_store = LocalMediaStore(tmp_path / "new-clone-media")
    assert not root.media_store.exists(key)
    assert await seed_catalog(root) == 0  # no second demo in the database...
    for r in await rows(root, "SELECT media_key FROM media"):
        assert root.media_store.exists(r["media_key"]), r["media_key"]  # ...but its files


async def test_the_legacy_import_keeps_media_and_license_ids(
    empty_catalog: CatalogRoot, orders_like_database: str
) -> None:
    photo, web, full = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    engine = make_engine(orders_like_database, pool_size=1)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO media (id, title, kind, media_key, width, height, credit, status)"
                " VALUES (:id, 'Old Harbour', 'image', 'old/harbour.jpg', 3000, 2000, 'Ana',"
                " 'proof')"
            ),
            {"id": photo},
        )
        await conn.execute(
            text(
                "INSERT INTO license_options (id, media_id, name, price, delivery, position,"
                " usage_terms) VALUES"
                ' (:web, :m, \'Web\', 2000, \'{"mode": "long_edge", "long_edge": 800}\', 0,'
                " 'Web only'),"
                " (:full, :m, 'Full', 8000, '{\"mode\": \"original\"}', 1, NULL)"
            ),
            {"web": web, "full": full, "m": photo},
        )
    await engine.dispose()
    root = empty_catalog
    assert await seed_catalog(root, OrdersLegacyCatalog(orders_like_database)) == 1
    assert await seed_catalog(root, OrdersLegacyCatalog(orders_like_database)) == 0
    media = await rows(root, "SELECT id, title, state FROM media")
    assert [(m["id"], m["title"], m["state"]) for m in media] == [(photo, "Old Harbour", "proof")]
    offered = await rows(
        root, "SELECT envelope FROM outbox WHERE message_type = 'catalog.media_offered'"
    )
    offers = offered[-1]["envelope"]["payload"]["offers"]
    assert [(o["license_id"], o["name"], o["price"]) for o in offers] == [
        (str(web), "Web", 2000),
        (str(full), "Full", 8000),
    ]
    assert offers[0]["usage_terms"] == "Web only"


async def test_no_orders_database_means_the_demo(
    empty_catalog: CatalogRoot, tmp_path: Path
) -> None:
    missing = OrdersLegacyCatalog("postgresql+asyncpg://postgres@127.0.0.1:5432/no_such_db_x")
    assert await missing.read() == []
