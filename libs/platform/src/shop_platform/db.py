"""Engines, sessions, database creation and migrations: the same in every service."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 5) -> AsyncEngine:
    """Small pools: four services (and their replicas) share one server's max_connections.

    Mostly kept connections: an overflow connection is closed when it is returned, and the
    next one pays the connect, asyncpg's type introspection and a re-prepare of every
    statement (with 5 + 10, 3 % of orders' CPU under load went to opening connections).

    No pre-ping: it doubled the transactions per checkout (docs/performance.md). After a
    database restart the first use of a dead connection fails; SQLAlchemy then invalidates
    the whole pool, consumers retry the message and the client retries its request.
    """
    return create_async_engine(
        url, pool_size=pool_size, max_overflow=max_overflow, pool_recycle=1800
    )


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def autocommit_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions in autocommit: a read is one round trip, with no BEGIN or COMMIT around it.
    Never for writes that belong together: each statement commits on its own."""
    return make_session_factory(engine.execution_options(isolation_level="AUTOCOMMIT"))


def _server_dsn(url: str, database: str = "postgres") -> str:
    u = make_url(url).set(drivername="postgresql", database=database)
    return u.render_as_string(hide_password=False)


async def ensure_database(url: str) -> bool:
    """Create the database named in `url` if it is missing. True when it was created."""
    name = make_url(url).database
    assert name, "database URL names no database"
    conn = await asyncpg.connect(_server_dsn(url))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists:
            return False
        await conn.execute(f'CREATE DATABASE "{name}"')
        return True
    finally:
        await conn.close()


async def drop_database(url: str) -> None:
    name = make_url(url).database
    conn = await asyncpg.connect(_server_dsn(url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def migrate(alembic_ini: Path, url: str, revision: str = "head") -> None:
    """Apply the service's Alembic migrations (sync; alembic's env runs its own loop)."""
    # Imported here: Alembic (and Mako) cost every service ~7-10 MB of RSS for a start-up step.
    from alembic import command
    from alembic.config import Config

    config = Config(str(alembic_ini))
    config.set_main_option("script_location", str(alembic_ini.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, revision)


async def prepare_database(alembic_ini: Path, url: str) -> None:
    """Create the database if needed, then migrate it: what `make run` does per service."""
    await ensure_database(url)
    await asyncio.to_thread(migrate, alembic_ini, url)


_UNAVAILABLE_TYPES = (OperationalError, InterfaceError, ConnectionError, OSError)

# SQLSTATEs meaning "the server is not there right now", not "this message is bad":
# class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now:
# "the database system is shutting down / starting up"), 53300 (too many connections).
_UNAVAILABLE_SQLSTATES = ("57P01", "57P02", "57P03", "53300")


def database_unavailable(exc: BaseException) -> bool:
    """True when `exc` (or what it wraps) says the database is unreachable or restarting.

    asyncpg reports a server that is shutting down or starting up as a plain DBAPIError
    (CannotConnectNowError, AdminShutdownError): without looking at the SQLSTATE such a message
    would be nacked at once and burn its delivery limit during a database restart.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, _UNAVAILABLE_TYPES):
            return True
        sqlstate = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if isinstance(sqlstate, str) and (
            sqlstate.startswith("08") or sqlstate in _UNAVAILABLE_SQLSTATES
        ):
            return True
        if type(current).__module__.startswith("asyncpg") and type(current).__name__ in (
            "ConnectionDoesNotExistError",
            "ConnectionFailureError",
            "InterfaceError",
        ):
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False
