from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table

from shop_messaging.tables import metadata as messaging_metadata
from shop_platform.db import make_engine, make_session_factory
from shop_testkit.databases import create_database, remove_database
from shop_testkit.vhosts import create_vhost, delete_vhost

test_metadata = MetaData()
effects = Table(
    "effects",
    test_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", String, nullable=False),
)


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    url = await create_database("shop_msgtest")
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
        await conn.run_sync(test_metadata.create_all)
    await engine.dispose()
    yield url
    await remove_database(url)


@pytest.fixture
async def engine(database_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine):  # type: ignore[no-untyped-def]
    return make_session_factory(engine)


@pytest.fixture
async def amqp_url() -> AsyncIterator[str]:
    name, url = await create_vhost("shop-msgtest")
    yield url
    await delete_vhost(name)
