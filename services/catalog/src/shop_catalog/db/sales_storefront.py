"""The storefront's reads: one query per page (media with their published offers)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from shop_catalog.db.sales_media_view import media, store_media_columns
from shop_catalog.db.sales_tables import galleries, gallery_media, offered_media, selection_media
from shop_catalog.domain.profiles import GalleryCard, StoreMedia
from shop_catalog.domain.sales import Gallery, Visibility


def _store_media(r: Any) -> StoreMedia:
    return StoreMedia(
        id=r.id,
        title=r.title,
        kind=r.kind,
        width=r.width or 0,
        height=r.height or 0,
        file_revision=r.file_revision or 1,
        caption=r.caption,
        credit=r.credit,
        keywords=list(r.keywords or []),
        offers=list(r.offers or []),
    )


def _with_offers() -> Select[Any]:
    return select(*store_media_columns(), offered_media.c.offers).outerjoin(
        offered_media, offered_media.c.media_id == media.c.id
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_children = galleries.alias("children")
# Built once (the storefront's hottest query): no statement construction per request.
STORE_GALLERY = select(
    galleries.c.id,
    galleries.c.slug,
    galleries.c.title,
    galleries.c.description,
    galleries.c.visibility,
    galleries.c.password_hash,
    galleries.c.whole_gallery_price,
    galleries.c.cover_media_id,
    galleries.c.revision,
    exists().where(_children.c.parent_id == galleries.c.id).label("has_children"),
).where(galleries.c.slug == bindparam("slug"))


class StorefrontQueries:
    _session: AsyncSession

    async def public_galleries(self) -> list[GalleryCard]:
        """Public galleries (top level first, in their order) with their cover: the chosen
        one, else the first media."""
        return await self._cards(galleries.c.visibility == "public")

    async def child_galleries(self, gallery_id: uuid.UUID) -> list[GalleryCard]:
        """The galleries nested in this one that its visitors may open (not private)."""
        return await self._cards(
            and_(galleries.c.parent_id == gallery_id, galleries.c.visibility != "private")
        )

    async def _cards(self, where: Any) -> list[GalleryCard]:
        first = (
            select(gallery_media.c.media_id)
            .join(media, media.c.id == gallery_media.c.media_id)
            .where(gallery_media.c.gallery_id == galleries.c.id, media.c.withdrawn_at.is_(None))
            .order_by(gallery_media.c.position)
            .limit(1)
            .scalar_subquery()
        )
        cover_id = func.coalesce(galleries.c.cover_media_id, first).label("cover_id")
        listed = (
            select(
                galleries.c.id,
                galleries.c.slug,
                galleries.c.title,
                galleries.c.description,
                galleries.c.parent_id,
                galleries.c.position,
                cover_id,
            )
            .where(where)
            .subquery()
        )
        query = (
            select(
                listed,
                media.c.title.label("cover_title"),
                media.c.file_revision,
                media.c.kind,
                media.c.width,
                media.c.height,
            )
            .outerjoin(media, and_(media.c.id == listed.c.cover_id, media.c.withdrawn_at.is_(None)))
            .order_by(listed.c.parent_id.is_not(None), listed.c.position, listed.c.title)
        )
        rows = (await self._session.execute(query)).all()
        return [
            GalleryCard(
                id=r.id,
                slug=r.slug,
                title=r.title,
                description=r.description,
                parent_id=r.parent_id,
                cover=StoreMedia(
                    id=r.cover_id,
                    title=r.cover_title,
                    kind=r.kind,
                    width=r.width or 0,
                    height=r.height or 0,
                    file_revision=r.file_revision or 1,
                )
                if r.cover_id is not None and r.cover_title is not None
                else None,
            )
            for r in rows
        ]

    async def store_gallery(self, slug: str) -> Gallery | None:
        """A gallery as the storefront opens it (one small query, by its unique slug)."""
        r = (await self._session.execute(STORE_GALLERY, {"slug": slug})).first()
        if r is None:
            return None
        return Gallery(
            id=r.id,
            slug=r.slug,
            title=r.title,
            description=r.description,
            visibility=r.visibility,
            password_hash=r.password_hash,
            whole_gallery_price=r.whole_gallery_price,
            cover_media_id=r.cover_media_id,
            revision=r.revision,
            has_children=r.has_children,
        )

    async def gallery_page(
        self, gallery_id: uuid.UUID, *, offset: int, limit: int
    ) -> list[StoreMedia]:
        """One page of a gallery's media (one query, index on (gallery_id, position))."""
        query = (
            _with_offers()
            .join(gallery_media, gallery_media.c.media_id == media.c.id)
            .where(gallery_media.c.gallery_id == gallery_id, media.c.withdrawn_at.is_(None))
            .order_by(gallery_media.c.position)
            .offset(offset)
            .limit(limit)
        )
        return [_store_media(r) for r in (await self._session.execute(query)).all()]

    async def store_media(self, media_ids: list[uuid.UUID]) -> list[StoreMedia]:
        if not media_ids:
            return []
        rows = (
            await self._session.execute(
                _with_offers().where(media.c.id.in_(media_ids), media.c.withdrawn_at.is_(None))
            )
        ).all()
        by_id = {r.id: _store_media(r) for r in rows}
        return [by_id[i] for i in media_ids if i in by_id]

    async def galleries_of_media(
        self, media_id: uuid.UUID
    ) -> list[tuple[uuid.UUID, Visibility, str | None]]:
        """(gallery id, visibility, password hash) of each gallery holding the media."""
        rows = await self._session.execute(
            select(galleries.c.id, galleries.c.visibility, galleries.c.password_hash)
            .join(gallery_media, gallery_media.c.gallery_id == galleries.c.id)
            .where(gallery_media.c.media_id == media_id)
        )
        return [(r.id, r.visibility, r.password_hash) for r in rows]

    async def in_selection(self, selection_id: uuid.UUID, media_id: uuid.UUID) -> bool:
        return bool(
            await self._session.scalar(
                select(
                    exists().where(
                        selection_media.c.selection_id == selection_id,
                        selection_media.c.media_id == media_id,
                    )
                )
            )
        )

    async def search_public(self, q: str, *, limit: int) -> list[StoreMedia]:
        """Media of public galleries whose title or a keyword contains `q`."""
        pattern = f"%{_escape_like(q)}%"
        # keywords joined by a unit separator: a pattern (which cannot hold one) never
        # matches across two keywords
        keywords = func.array_to_string(media.c.keywords, "\x1f")
        matches = or_(
            media.c.title.ilike(pattern, escape="\\"),
            keywords.ilike(pattern, escape="\\"),
        )
        public = exists().where(
            and_(
                gallery_media.c.media_id == media.c.id,
                galleries.c.id == gallery_media.c.gallery_id,
                galleries.c.visibility == "public",
            )
        )
        query = (
            _with_offers()
            .where(media.c.withdrawn_at.is_(None), matches, public)
            .order_by(media.c.title, media.c.id)
            .limit(limit)
        )
        return [_store_media(r) for r in (await self._session.execute(query)).all()]

    async def library(self, photographer_id: uuid.UUID | None = None) -> list[StoreMedia]:
        """Every media of the library (admin pickers), newest first; or only that
        photographer's."""
        query = (
            _with_offers()
            .where(media.c.withdrawn_at.is_(None))
            .order_by(media.c.created_at.desc(), media.c.id)
        )
        if photographer_id is not None:
            query = query.where(media.c.photographer_id == photographer_id)
        rows = (await self._session.execute(query)).all()
        return [_store_media(r) for r in rows]
