"""One throwaway database per test session (migrated once), emptied before each test.

The HTTP app is the one the composition root builds; the broker is never started: the
outbox rows are the observable output.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from shop_orders.bootstrap import ALEMBIC_INI, OrdersRoot, bootstrap
from shop_orders.config import OrdersSettings
from shop_orders.domain.catalog import LicenseOption, Media
from shop_testkit.databases import database_at

from .read_model import offer_media

ADMIN_TOKEN = "test-admin-token"
SECRET_KEY = "test-secret-key"

TABLES = (
    "cart_lines",
    "carts",
    "galleries_for_sale",
    "order_history",
    "order_lines",
    "orders",
    "license_options",
    "media",
    "shop_settings",
    "outbox",
    "inbox",
)


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with database_at("shop_orders_test", ALEMBIC_INI) as url:
        yield url


@pytest.fixture(scope="session")
def media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Empty at first: the seed tests create the demo files (a few seconds, once)."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
async def service(
    database_url: str, media_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[OrdersRoot]:
    settings = OrdersSettings(
        database_url=database_url,
        media_root=str(media_root),
        preview_cache_dir=str(tmp_path_factory.mktemp("previews")),
        admin_token=ADMIN_TOKEN,
        secret_key=SECRET_KEY,
        seller_email="seller@example.com",
        orders_public_url="http://orders.test",
        payments_public_url="http://payments.test",
        notifications_public_url="http://notifications.test",
        catalog_public_url="http://catalog.test",
        rate_limit_per_minute=0,  # one address for every test: tests/hostile tests the limit
    )
    built = bootstrap(settings)
    # No payments or delivery answers here: a button's POST waits only briefly for them
    # (test_admin_order_page.py checks the real wait).
    built.action_wait_s = 0.2
    yield built
    await built.aclose()


@pytest.fixture(autouse=True)
async def empty_database(service: OrdersRoot) -> None:
    async with service.engine.begin() as conn:
        for table in TABLES:  # DELETE is much faster than TRUNCATE on tiny tables
            await conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture(scope="session")
def app(service: OrdersRoot):  # type: ignore[no-untyped-def]
    return service.http_app()


@pytest.fixture(autouse=True)
def fresh_branding(app) -> None:  # type: ignore[no-untyped-def]
    """The pages' branding is kept a few seconds: each test starts from its own settings."""
    app.state.context.branding.forget()


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    # A browser sends Origin with every POST; the admin pages refuse a cookie-authenticated
    # change without one from the shop's own origins.
    origin = {"Origin": "http://orders.test"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://orders.test", headers=origin
    ) as c:
        yield c


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
async def catalog(service: OrdersRoot) -> list[Media]:
    """Two media, each with its licenses (no files needed: orders never reads them), offered
    by catalog's snapshots through the consumer (the read model)."""
    photo, clip = uuid.uuid4(), uuid.uuid4()
    media = [
        Media(
            id=photo,
            title="Alpine Lake",
            kind="image",
            media_key="demo/alpine-lake.jpg",
            width=4000,
            height=2667,
            credit="Ana Berg",
            licenses=[
                LicenseOption(
                    uuid.uuid4(), photo, "Web", 2500, {"mode": "long_edge", "long_edge": 1024}, 0
                ),
                LicenseOption(
                    uuid.uuid4(), photo, "Full resolution", 9000, {"mode": "original"}, 1
                ),
            ],
        ),
        Media(
            id=clip,
            title="Ridge Drift",
            kind="video",
            media_key="demo/ridge-drift.mp4",
            width=640,
            height=360,
            credit="Leo Marin",
            licenses=[LicenseOption(uuid.uuid4(), clip, "Full clip", 12000, {"mode": "original"})],
        ),
    ]
    await offer_media(service, media)
    return media
