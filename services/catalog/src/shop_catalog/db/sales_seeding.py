"""What the demo seed and the one-off legacy import write (media rows by plain SQL: the
columns are the ones the brief fixes for the media library's table)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from shop_catalog.db.sales_media_view import media

SEED_LOCK = 0x5EED_CA7A  # pg advisory lock: two seeds at once, one inserts, one waits


class SeedingQueries:
    _session: AsyncSession

    async def lock_for_seeding(self) -> None:
        await self._session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEED_LOCK})

    async def count_media(self) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(media)) or 0)

    async def insert_media_rows(self, rows: list[dict[str, Any]]) -> None:
        """Media rows with the ids given (demo ids, or the ids orders used)."""
        if rows:
            await self._session.execute(insert(media), rows)
