"""The rendition cache: one file per (media key, spec key), reused by every later order.

Each lookup and each record is a short transaction of its own, never the message's: no
connection is held while rendering.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_delivery.db.tables import renditions
from shop_delivery.service.ports import CachedRendition


class SqlRenditionCache:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def find(self, media_key: str, spec_key: str) -> CachedRendition | None:
        query = select(renditions).where(
            renditions.c.media_key == media_key, renditions.c.spec_key == spec_key
        )
        async with self._sessions.begin() as session:
            row = (await session.execute(query)).mappings().first()
        if row is None:
            return None
        return CachedRendition(
            media_key=row["media_key"],
            spec_key=row["spec_key"],
            path=row["path"],
            width=row["width"],
            height=row["height"],
            size_bytes=row["size_bytes"],
            mime_type=row["mime_type"],
        )

    async def put(self, rendition: CachedRendition) -> None:
        values = {
            "path": rendition.path,
            "width": rendition.width,
            "height": rendition.height,
            "size_bytes": rendition.size_bytes,
            "mime_type": rendition.mime_type,
        }
        async with self._sessions.begin() as session:
            await session.execute(
                insert(renditions)
                .values(media_key=rendition.media_key, spec_key=rendition.spec_key, **values)
                .on_conflict_do_update(constraint="uq_renditions_media_spec", set_=values)
            )


class SqlRenditionRows:
    """The cache's rows in the message's own transaction (a replaced original's are dropped)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def drop(self, media_key: str) -> list[str]:
        statement = delete(renditions).where(renditions.c.media_key == media_key)
        result = await self.session.execute(statement.returning(renditions.c.path))
        return [row[0] for row in result.all()]
