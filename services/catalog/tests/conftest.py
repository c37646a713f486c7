"""Shared fixtures of the catalog's tests: one real PostgreSQL database per test session
(migrated once), the composition root on it with its own media store and preview folder,
and an HTTP client on the app (admin bearer).

Tests isolate themselves with fresh ids; `query` reads or cleans what they need.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from shop_catalog.bootstrap import ALEMBIC_INI, CatalogRoot, bootstrap
from shop_catalog.config import CatalogSettings
from shop_platform.db import make_engine
from shop_testkit.admin_sessions import KnownAdminSessions
from shop_testkit.databases import database_at
from shop_web import Branding
from shop_web.branding import FixedBranding

ADMIN_TOKEN = "test-admin-token"
SECRET_KEY = "test-secret-key"
SHOP = Branding(name="Ana Berg Photography", contact_email="ana@photos.example")
UPLOAD_MAX_BYTES = 20 * 1024 * 1024  # tests stay small; one test goes over it

Query = Callable[..., Awaitable[list[dict[str, Any]]]]


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with database_at("shop_catalog_test", ALEMBIC_INI) as url:
        yield url


@pytest.fixture(scope="session")
def media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("catalog-media")


@pytest.fixture(scope="session")
def preview_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("catalog-previews")


def catalog_settings(database_url: str, media_root: Path, preview_dir: Path, **more: Any) -> Any:
    values: dict[str, Any] = {
        "database_url": database_url,
        "media_root": str(media_root),
        "preview_dir": str(preview_dir),
        "upload_max_bytes": UPLOAD_MAX_BYTES,
        "admin_token": ADMIN_TOKEN,
        "secret_key": SECRET_KEY,
        "catalog_public_url": "http://catalog.test",
        "orders_public_url": "http://orders.test",
        "amqp_url": "amqp://guest:guest@127.0.0.1:1/",  # nothing connects in these tests
        **more,
    }
    return CatalogSettings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def settings(database_url: str, media_root: Path, preview_dir: Path) -> CatalogSettings:
    return catalog_settings(database_url, media_root, preview_dir)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
async def root(settings: CatalogSettings) -> AsyncIterator[CatalogRoot]:
    built = bootstrap(settings, branding=FixedBranding(SHOP))
    yield built
    await built.aclose()


@pytest.fixture(scope="session")
def admin_sessions() -> KnownAdminSessions:
    """The admin sessions the app believes live (orders, which owns them, is not running)."""
    return KnownAdminSessions()


@pytest.fixture(scope="session")
def app(root: CatalogRoot, admin_sessions: KnownAdminSessions) -> Any:
    return root.http_app(admin_sessions=admin_sessions)


@pytest.fixture(scope="session")
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app over HTTP (ASGI transport), with the admin bearer token."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://catalog.test",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=60,
    ) as http:
        yield http


@pytest.fixture(scope="session")
async def anonymous(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app over HTTP without any credentials (a storefront visitor)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://catalog.test", timeout=60
    ) as http:
        yield http


@pytest.fixture(scope="session")
async def query(database_url: str) -> AsyncIterator[Query]:
    """`await query("SELECT ... WHERE id = :id", id=...)` -> rows as dicts (committed)."""
    engine = make_engine(database_url, pool_size=1)

    async def run(sql: str, **params: Any) -> list[dict[str, Any]]:
        async with engine.begin() as conn:
            result = await conn.execute(text(sql), params)
            return [dict(r) for r in result.mappings().all()] if result.returns_rows else []

    yield run
    await engine.dispose()
