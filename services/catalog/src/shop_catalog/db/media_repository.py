"""The media library's repositories (SQLAlchemy), implementing `service/media_ports.py`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, literal, or_, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_catalog.db.media_tables import catalog_settings, media
from shop_catalog.domain.media import Media
from shop_catalog.domain.media_settings import CatalogSettings, WatermarkSettings
from shop_catalog.domain.owners import Owner

_EDITABLE = (
    "title", "caption", "keywords", "credit", "copyright", "width", "height", "duration_s",
    "captured_at", "state", "size_bytes", "sha256", "mime_type", "file_revision",
    "withdrawn_at", "updated_at",
)  # fmt: skip
_OWNER = ("photographer_id", "photographer_name", "photographer_email")
_FIELDS = [c.name for c in media.columns if c.name not in _OWNER]


def media_of(row: Any) -> Media:
    values = {name: getattr(row, name) for name in _FIELDS}
    values["keywords"] = list(values["keywords"] or [])
    return Media(**values, owner=Owner.of_row(row))


def _escape_like(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlMediaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, item: Media) -> None:
        values = {name: getattr(item, name) for name in _FIELDS}
        await self._session.execute(insert(media).values(**values, **item.owner.columns()))

    async def get(self, media_id: uuid.UUID, *, for_update: bool = False) -> Media | None:
        query = select(media).where(media.c.id == media_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return media_of(row) if row else None

    async def save(self, item: Media) -> None:
        values = {name: getattr(item, name) for name in _EDITABLE}
        await self._session.execute(update(media).where(media.c.id == item.id).values(**values))

    async def page(
        self,
        *,
        q: str | None,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
        photographer_id: uuid.UUID | None = None,
    ) -> list[Media]:
        query = select(media).where(media.c.withdrawn_at.is_(None))
        if photographer_id is not None:
            query = query.where(media.c.photographer_id == photographer_id)
        if q:
            pattern = f"%{_escape_like(q.strip())}%"
            keyword = (
                select(literal(1))
                .select_from(func.unnest(media.c.keywords).alias("k"))
                .where(text("k ILIKE :kw ESCAPE '\\'").bindparams(kw=pattern))
                .exists()
            )
            query = query.where(or_(media.c.title.ilike(pattern, escape="\\"), keyword))
        if after is not None:
            query = query.where(tuple_(media.c.created_at, media.c.id) < tuple_(*after))
        query = query.order_by(media.c.created_at.desc(), media.c.id.desc()).limit(limit)
        return [media_of(r) for r in (await self._session.execute(query)).all()]

    async def lock_content(self, sha256: str) -> None:
        await self._session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
            {"k": f"catalog.media.sha256:{sha256}"},
        )

    async def live_with_content(self, sha256: str) -> Media | None:
        query = select(media).where(and_(media.c.sha256 == sha256, media.c.withdrawn_at.is_(None)))
        row = (await self._session.execute(query.limit(1))).first()
        return media_of(row) if row else None

    async def settings(self, *, for_update: bool = False) -> CatalogSettings:
        query = select(catalog_settings).where(catalog_settings.c.id == 1)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        if row is None:
            return CatalogSettings()
        return CatalogSettings(
            offer_only_final=row.offer_only_final,
            watermark=WatermarkSettings(
                kind=row.watermark_kind,
                text=row.watermark_text,
                logo_key=row.watermark_logo_key,
                position=row.watermark_position,
                size_pct=row.watermark_size_pct,
                opacity_pct=row.watermark_opacity_pct,
                version=row.watermark_version,
            ),
            updated_at=row.updated_at,
        )

    async def save_settings(self, settings: CatalogSettings, now: datetime) -> None:
        mark = settings.watermark
        values = {
            "offer_only_final": settings.offer_only_final,
            "watermark_kind": mark.kind,
            "watermark_text": mark.text,
            "watermark_logo_key": mark.logo_key,
            "watermark_position": mark.position,
            "watermark_size_pct": mark.size_pct,
            "watermark_opacity_pct": mark.opacity_pct,
            "watermark_version": mark.version,
            "updated_at": now,
        }
        statement = pg_insert(catalog_settings).values(id=1, **values)
        statement = statement.on_conflict_do_update(index_elements=["id"], set_=values)
        await self._session.execute(statement)
