"""The SQL statement and commit counters every service serves on /metrics (issue 15): counted
by engine events on a real database, per engine, each root in its own registry."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shop_kernel.metrics import count_db_statements
from shop_messaging.metrics import ServiceMetrics
from shop_messaging.runtime import MessagingRuntime
from shop_messaging.tables import metadata as messaging_metadata
from shop_platform.db import make_engine, make_session_factory
from shop_testkit.databases import create_database, remove_database

from .test_metrics import NOWHERE_AMQP, DemoRoot


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    url = await create_database("kernel_counters")
    try:
        yield url
    finally:
        await remove_database(url)


def _counters(body: str) -> dict[str, float]:
    return {
        s.name: s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
        if s.name in ("shop_db_statements_total", "shop_db_commits_total")
    }


async def test_statements_and_commits_are_counted(database_url: str) -> None:
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    metrics = ServiceMetrics("demo")
    counter = count_db_statements(engine, metrics.registry)
    try:
        async with engine.begin() as conn:  # committed: 3 statements, 1 commit
            await conn.execute(text("CREATE TABLE t (n int)"))
            await conn.execute(text("INSERT INTO t VALUES (1)"))
            await conn.execute(text("SELECT n FROM t"))
        assert (counter.statements, counter.commits) == (3, 1)
        async with engine.connect() as conn:  # rolled back: its statement counts, no commit
            await conn.execute(text("INSERT INTO t VALUES (2)"))
            await conn.rollback()
        assert (counter.statements, counter.commits) == (4, 1)
        sessions = make_session_factory(engine)
        async with sessions.begin() as session:  # a session's transaction, executemany once
            await session.execute(text("INSERT INTO t VALUES (:n)"), [{"n": 3}, {"n": 4}])
        assert (counter.statements, counter.commits) == (5, 2)
        async with engine.begin():  # no statement: the server saw no transaction
            pass
        assert (counter.statements, counter.commits) == (5, 2)
        other = make_engine(database_url, pool_size=1, max_overflow=0)
        try:  # another engine's statements are its own
            async with other.begin() as conn:
                await conn.execute(text("SELECT 1"))
        finally:
            await other.dispose()
        assert (counter.statements, counter.commits) == (5, 2)
    finally:
        await engine.dispose()


async def test_each_root_serves_its_own_counters_on_metrics(database_url: str) -> None:
    roots = []
    for _ in range(2):
        engine = make_engine(database_url, pool_size=1, max_overflow=0)
        runtime = MessagingRuntime("delivery", NOWHERE_AMQP, engine)
        roots.append(
            DemoRoot(engine=engine, sessions=make_session_factory(engine), runtime=runtime)
        )
    one, two = roots
    try:
        async with two.engine.begin() as conn:  # the scrape reads the outbox
            await conn.run_sync(messaging_metadata.create_all)
        two.db_counter.statements = two.db_counter.commits = 0
        async with one.engine.begin() as conn:
            await conn.execute(text("SELECT 1"))
            await conn.execute(text("SELECT 2"))
        assert (one.db_counter.statements, one.db_counter.commits) == (2, 1)
        assert (two.db_counter.statements, two.db_counter.commits) == (0, 0)

        transport = httpx.ASGITransport(app=one.http_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            first = _counters((await client.get("/metrics")).text)
            second = _counters((await client.get("/metrics")).text)
        # the scrape's own transaction (SET LOCAL, the outbox gauges) is counted before it
        # answers: each scrape adds the same, and nothing else ran meanwhile
        scrape = first["shop_db_statements_total"] - 2
        assert scrape >= 1
        assert first["shop_db_commits_total"] == 2
        assert second == {
            "shop_db_statements_total": 2 + 2 * scrape,
            "shop_db_commits_total": 3,
        }
    finally:
        for root in roots:
            await root.aclose()


async def test_an_engine_nowhere_still_serves_the_counters() -> None:
    engine: AsyncEngine = make_engine("postgresql+asyncpg://nobody:nothing@127.0.0.1:9/none")
    root = DemoRoot(
        engine=engine,
        sessions=make_session_factory(engine),
        runtime=MessagingRuntime("delivery", NOWHERE_AMQP, engine),
    )
    transport = httpx.ASGITransport(app=root.http_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert _counters(response.text) == {"shop_db_statements_total": 0, "shop_db_commits_total": 0}
    await root.aclose()
