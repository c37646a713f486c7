"""Throwaway databases: one per test run (or per test), dropped afterwards."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from shop_platform.db import drop_database, ensure_database, migrate
from shop_testkit.servers import postgres_server_url


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


async def create_database(prefix: str) -> str:
    url = make_url(postgres_server_url()).set(database=unique_name(prefix))
    rendered = url.render_as_string(hide_password=False)
    await ensure_database(rendered)
    return rendered


async def remove_database(url: str) -> None:
    await drop_database(url)


@asynccontextmanager
async def database_at(prefix: str, alembic_ini: Path, revision: str = "head") -> AsyncIterator[str]:
    """A new database with the service's migrations (up to `revision`, to test the ones
    after it on rows written the old way): its URL; dropped after."""
    url = await create_database(prefix)
    try:
        await asyncio.to_thread(migrate, alembic_ini, url, revision)
        yield url
    finally:
        await remove_database(url)
