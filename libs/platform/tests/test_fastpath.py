"""Raw asyncpg statements in the session's transaction (shop_platform.fastpath), against the
real PostgreSQL: inside the transaction even before any SQLAlchemy statement, after the
message's deferred inbox claim (a duplicate raises `AlreadyHandled` before any effect), counted
as statements, errors as SQLAlchemy's."""

from __future__ import annotations

import enum
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import bindparam, column, select, table, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop_kernel.metrics import count_db_statements
from shop_messaging.inbox import AlreadyHandled, defer_claim, finish_claim
from shop_messaging.tables import metadata as messaging_metadata
from shop_platform.db import make_engine, make_session_factory
from shop_platform.fastpath import Compiled, as_json, raw
from shop_testkit.databases import create_database, remove_database

NOTE = "INSERT INTO notes (body) VALUES ($1)"


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    url = await create_database("shop_fastpath")
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
        await conn.execute(text("CREATE TABLE notes (id serial PRIMARY KEY, body text UNIQUE)"))
    yield engine
    await engine.dispose()
    await remove_database(url)


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(engine)


async def notes(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as s:
        return list((await s.scalars(text("SELECT body FROM notes ORDER BY id"))).all())


async def test_a_raw_statement_before_any_other_is_inside_the_transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        db = await raw(session)
        await db.execute(NOTE, "rolled back")
        assert await db.fetchval("SELECT count(*) FROM notes") == 1, "seen by its transaction"
        await session.rollback()
    assert await notes(sessions) == [], "the rollback undid it: it was in the transaction"

    async with sessions.begin() as session:
        await (await raw(session)).execute(NOTE, "committed")
        await session.execute(text("INSERT INTO notes (body) VALUES ('orm')"))
    assert await notes(sessions) == ["committed", "orm"]

    async with sessions() as session:
        await session.execute(text("INSERT INTO notes (body) VALUES ('orm first')"))
        await (await raw(session)).execute(NOTE, "raw second")
        await session.rollback()
    assert await notes(sessions) == ["committed", "orm"], "both rolled back, together"


async def test_the_deferred_claim_runs_first_and_a_duplicate_raises_already_handled(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    message_id = uuid.uuid4()
    async with sessions.begin() as session:
        defer_claim(session, message_id, "orders", "payment.confirmed")
        db = await raw(session)
        rows = await db.fetch("SELECT message_id, consumer FROM inbox")
        assert [tuple(r) for r in rows] == [(message_id, "orders")], "claimed before it"
        await db.execute(NOTE, "effect")
        assert await finish_claim(session) is True, "the claim ran, and was the first"

    async with sessions() as session:
        defer_claim(session, message_id, "orders", "payment.confirmed")
        with pytest.raises(AlreadyHandled):
            await raw(session)  # the claim runs (and finds the row) before any raw statement
        await session.rollback()
    assert await notes(sessions) == ["effect"]

    async with sessions.begin() as session:  # the claim is taken once per transaction
        defer_claim(session, uuid.uuid4(), "orders", "payment.confirmed")
        first = await raw(session)
        second = await raw(session)
        await second.execute(NOTE, "another")
        assert await first.fetchval("SELECT count(*) FROM inbox") == 2


async def test_raw_statements_are_counted_as_statements(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    counter = count_db_statements(engine, CollectorRegistry())
    async with sessions.begin() as session:
        defer_claim(session, uuid.uuid4(), "orders", "payment.confirmed")
        db = await raw(session)  # the claim: one
        await db.execute(NOTE, "a")
        await db.fetchrow("SELECT body FROM notes WHERE body = $1", "a")
        await db.executemany(NOTE, [("b",), ("c",)])  # one round trip
    assert (counter.statements, counter.commits) == (4, 1)

    async with sessions.begin() as session:  # prepared once per connection, run many times
        db = await raw(session)
        for body in ("d", "e", "f"):
            await db.execute(NOTE, body)
    assert counter.statements == 7


async def test_errors_are_sqlalchemys(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        db = await raw(session)
        await db.execute(NOTE, "once")
        with pytest.raises(IntegrityError) as caught:
            await db.execute(NOTE, "once")
        error: Any = caught.value
        assert isinstance(error, DBAPIError)
        assert not error.connection_invalidated
        assert getattr(error.orig, "sqlstate", None) == "23505"
        await session.rollback()
    async with sessions() as session:  # the connection went back to the pool usable
        assert await (await raw(session)).fetchval("SELECT 1") == 1


async def test_rows_go_as_json_and_come_back_typed(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    class Colour(enum.Enum):
        RED = "red"

    at = datetime(2026, 12, 6, 8, 30, 15, 123456, tzinfo=UTC)
    row = {"id": uuid.uuid4(), "at": at, "naive": at.replace(tzinfo=None), "colour": Colour.RED}
    async with sessions() as session:
        db = await raw(session)
        back = await db.fetchrow(
            "SELECT * FROM jsonb_to_record($1::jsonb)"
            " AS r(id uuid, at timestamptz, naive timestamptz, colour text)",
            as_json(row),
        )
    assert back is not None
    assert dict(back) == {"id": row["id"], "at": at, "naive": at, "colour": "red"}


async def test_a_sqlalchemy_statement_compiled_once_runs_raw(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    notes_table = table("notes", column("id"), column("body"))
    query = Compiled(
        select(notes_table.c.body.label("text"))
        .where(notes_table.c.body != bindparam("unwanted"), notes_table.c.id > 0)
        .order_by(notes_table.c.id)
    )
    async with sessions.begin() as session:
        db = await raw(session)
        await db.executemany(NOTE, [("kept",), ("dropped",)])
        rows = await db.fetch(query.sql, *query.args(unwanted="dropped"))
    assert [row["text"] for row in rows] == ["kept"], "labels and bound values as SQLAlchemy's"
