"""The rendition cache: one file per (media key, spec key), reused by every later order."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.db.tables import renditions


@dataclass(frozen=True)
class CachedRendition:
    media_key: str
    spec_key: str
    path: str  # relative to the rendition root
    width: int | None
    height: int | None
    size_bytes: int
    mime_type: str


class RenditionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def find(self, media_key: str, spec_key: str) -> CachedRendition | None:
        query = select(renditions).where(
            renditions.c.media_key == media_key, renditions.c.spec_key == spec_key
        )
        row = (await self.session.execute(query)).mappings().first()
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
        await self.session.execute(
            insert(renditions)
            .values(media_key=rendition.media_key, spec_key=rendition.spec_key, **values)
            .on_conflict_do_update(constraint="uq_renditions_media_spec", set_=values)
        )
