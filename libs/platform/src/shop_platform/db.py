"""Engines, sessions, database creation and migrations: the same in every service."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def make_engine(url: str, *, pool_size: int = 5, max_overflow: int = 5) -> AsyncEngine:
    """Small pools: four services (and their replicas) share one server's max_connections.

    No pre-ping: it doubled the transactions per checkout (docs/performance.md). After a
    database restart the first use of a dead connection fails; SQLAlchemy then invalidates
    the whole pool, consumers retry the message and the client retries its request.
    """
    return create_async_engine(
        url, pool_size=pool_size, max_overflow=max_overflow, pool_recycle=1800
    )


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


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
    config = Config(str(alembic_ini))
    config.set_main_option("script_location", str(alembic_ini.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, revision)


async def prepare_database(alembic_ini: Path, url: str) -> None:
    """Create the database if needed, then migrate it: what `make run` does per service."""
    await ensure_database(url)
    await asyncio.to_thread(migrate, alembic_ini, url)
