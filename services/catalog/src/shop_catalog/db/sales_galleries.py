"""Galleries: rows, members, profiles, allowed emails, free-download grants, selections."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_catalog.db.sales_tables import (
    free_download_grants,
    galleries,
    gallery_allowed_emails,
    gallery_media,
    gallery_profiles,
    selection_media,
    selections,
)
from shop_catalog.domain.owners import Owner
from shop_catalog.domain.profiles import Selection
from shop_catalog.domain.sales import Gallery
from shop_catalog.service.sales_ports import GalleryKey
from shop_contracts.common import DeliverySpec
from shop_platform.paging import TimeKey


def _values(g: Gallery) -> dict[str, Any]:
    return {
        "slug": g.slug,
        "title": g.title,
        "description": g.description,
        "parent_id": g.parent_id,
        "position": g.position,
        "cover_media_id": g.cover_media_id,
        "visibility": g.visibility,
        "password_hash": g.password_hash,
        "whole_gallery_price": g.whole_gallery_price,
        "whole_gallery_delivery": (
            g.whole_gallery_delivery.model_dump(mode="json", exclude_none=True)
            if g.whole_gallery_delivery
            else None
        ),
    }


class GalleryQueries:
    _session: AsyncSession

    async def insert_gallery(self, g: Gallery) -> None:
        await self._session.execute(
            insert(galleries).values(id=g.id, **_values(g), **g.owner.columns())
        )
        await self.set_gallery_profiles(g.id, g.profile_ids)

    async def update_gallery(self, g: Gallery) -> None:
        await self._session.execute(
            update(galleries)
            .where(galleries.c.id == g.id)
            .values(**_values(g), updated_at=func.now())
        )
        await self.set_gallery_profiles(g.id, g.profile_ids)

    async def set_gallery_profiles(self, gallery_id: uuid.UUID, ids: list[uuid.UUID]) -> None:
        await self._session.execute(
            delete(gallery_profiles).where(gallery_profiles.c.gallery_id == gallery_id)
        )
        if ids:
            await self._session.execute(
                insert(gallery_profiles),
                [
                    {"gallery_id": gallery_id, "profile_id": p, "position": i}
                    for i, p in enumerate(ids)
                ],
            )

    async def slug_taken(self, slug: str) -> bool:
        return bool(await self._session.scalar(select(exists().where(galleries.c.slug == slug))))

    async def get_gallery(self, gallery_id: uuid.UUID) -> Gallery | None:
        found = await self._galleries(galleries.c.id == gallery_id)
        return found[0] if found else None

    async def gallery_by_slug(self, slug: str) -> Gallery | None:
        found = await self._galleries(galleries.c.slug == slug)
        return found[0] if found else None

    async def list_galleries(
        self,
        photographer_id: uuid.UUID | None = None,
        *,
        after: GalleryKey | None = None,
        limit: int | None = None,
    ) -> list[Gallery]:
        """Every gallery, or only that photographer's; with `after`, only those after it in
        the list's order `(position, title, id)`; at most `limit` (issue 14: keyset paging)."""
        where = []
        if photographer_id is not None:
            where.append(galleries.c.photographer_id == photographer_id)
        if after is not None:
            where.append(
                tuple_(galleries.c.position, galleries.c.title, galleries.c.id)
                > tuple_(after.position, after.title, after.id)
            )
        return await self._galleries(and_(*where) if where else None, limit=limit)

    async def _galleries(self, where: Any, *, limit: int | None = None) -> list[Gallery]:
        count = (
            select(func.count())
            .where(gallery_media.c.gallery_id == galleries.c.id)
            .scalar_subquery()
            .label("media_count")
        )
        query = select(galleries, count).order_by(
            galleries.c.position, galleries.c.title, galleries.c.id
        )
        if where is not None:
            query = query.where(where)
        if limit is not None:
            query = query.limit(limit)
        rows = (await self._session.execute(query)).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        profiles: dict[uuid.UUID, list[uuid.UUID]] = {i: [] for i in ids}
        for link in await self._session.execute(
            select(gallery_profiles)
            .where(gallery_profiles.c.gallery_id.in_(ids))
            .order_by(gallery_profiles.c.position)
        ):
            profiles[link.gallery_id].append(link.profile_id)
        emails: dict[uuid.UUID, list[str]] = {i: [] for i in ids}
        for allowed in await self._session.execute(
            select(gallery_allowed_emails.c.gallery_id, gallery_allowed_emails.c.email)
            .where(gallery_allowed_emails.c.gallery_id.in_(ids))
            .order_by(gallery_allowed_emails.c.created_at, gallery_allowed_emails.c.email)
        ):
            emails[allowed.gallery_id].append(allowed.email)
        return [
            Gallery(
                id=r.id,
                slug=r.slug,
                title=r.title,
                description=r.description,
                visibility=r.visibility,
                parent_id=r.parent_id,
                position=r.position,
                cover_media_id=r.cover_media_id,
                password_hash=r.password_hash,
                whole_gallery_price=r.whole_gallery_price,
                whole_gallery_delivery=(
                    DeliverySpec.model_validate(r.whole_gallery_delivery)
                    if r.whole_gallery_delivery
                    else None
                ),
                revision=r.revision,
                profile_ids=profiles[r.id],
                allowed_emails=emails[r.id],
                media_count=r.media_count,
                owner=Owner.of_row(r),
            )
            for r in rows
        ]

    async def delete_gallery(self, gallery_id: uuid.UUID) -> None:
        await self._session.execute(delete(galleries).where(galleries.c.id == gallery_id))

    async def gallery_media_ids(self, gallery_id: uuid.UUID) -> list[uuid.UUID]:
        found = await self._session.scalars(
            select(gallery_media.c.media_id)
            .where(gallery_media.c.gallery_id == gallery_id)
            .order_by(gallery_media.c.position)
        )
        return list(found)

    async def set_gallery_media(self, gallery_id: uuid.UUID, media_ids: list[uuid.UUID]) -> None:
        await self._session.execute(
            delete(gallery_media).where(gallery_media.c.gallery_id == gallery_id)
        )
        if media_ids:
            await self._session.execute(
                insert(gallery_media),
                [
                    {"gallery_id": gallery_id, "media_id": m, "position": i}
                    for i, m in enumerate(media_ids)
                ],
            )

    async def add_allowed_email(self, gallery_id: uuid.UUID, email: str, token_hash: str) -> bool:
        """True when the email is new on this gallery (then it gets an access link)."""
        statement = (
            pg_insert(gallery_allowed_emails)
            .values(gallery_id=gallery_id, email=email, token_hash=token_hash)
            .on_conflict_do_nothing(index_elements=["gallery_id", "email"])
            .returning(gallery_allowed_emails.c.email)
        )
        return (await self._session.execute(statement)).first() is not None

    async def remove_allowed_emails(self, gallery_id: uuid.UUID, keep: list[str]) -> None:
        await self._session.execute(
            delete(gallery_allowed_emails).where(
                gallery_allowed_emails.c.gallery_id == gallery_id,
                gallery_allowed_emails.c.email.not_in(keep),
            )
        )

    async def allowed_by_token(self, gallery_id: uuid.UUID, token_hash: str) -> bool:
        return bool(
            await self._session.scalar(
                select(
                    exists().where(
                        gallery_allowed_emails.c.gallery_id == gallery_id,
                        gallery_allowed_emails.c.token_hash == token_hash,
                    )
                )
            )
        )

    async def insert_free_download(
        self, grant_id: uuid.UUID, gallery_id: uuid.UUID, email: str, delivery: DeliverySpec
    ) -> None:
        await self._session.execute(
            insert(free_download_grants).values(
                id=grant_id,
                gallery_id=gallery_id,
                client_email=email,
                delivery=delivery.model_dump(mode="json", exclude_none=True),
            )
        )

    async def insert_selection(self, selection: Selection) -> None:
        await self._session.execute(
            insert(selections).values(
                id=selection.id,
                token=selection.token,
                title=selection.title,
                client_email=selection.client_email,
                message=selection.message,
                **selection.owner.columns(),
            )
        )
        if selection.media_ids:
            await self._session.execute(
                insert(selection_media),
                [
                    {"selection_id": selection.id, "media_id": m, "position": i}
                    for i, m in enumerate(selection.media_ids)
                ],
            )

    async def selection_by_token(self, token: str) -> Selection | None:
        row = (
            await self._session.execute(select(selections).where(selections.c.token == token))
        ).first()
        if row is None:
            return None
        media_ids = await self._session.scalars(
            select(selection_media.c.media_id)
            .where(selection_media.c.selection_id == row.id)
            .order_by(selection_media.c.position)
        )
        return Selection(
            row.id,
            row.token,
            row.title,
            row.client_email,
            row.message,
            list(media_ids),
            owner=Owner.of_row(row),
        )

    async def list_selections(
        self,
        photographer_id: uuid.UUID | None = None,
        *,
        after: TimeKey | None = None,
        limit: int | None = None,
    ) -> list[Selection]:
        """Every selection (newest first on `(created_at, id)`), or only that photographer's;
        with `after`, only those after it; at most `limit` (issue 14: keyset paging)."""
        query = select(selections).order_by(selections.c.created_at.desc(), selections.c.id.desc())
        if photographer_id is not None:
            query = query.where(selections.c.photographer_id == photographer_id)
        if after is not None:
            query = query.where(
                tuple_(selections.c.created_at, selections.c.id)
                < tuple_(after.created_at, after.id)
            )
        if limit is not None:
            query = query.limit(limit)
        rows = (await self._session.execute(query)).all()
        return [
            Selection(
                r.id,
                r.token,
                r.title,
                r.client_email,
                r.message,
                owner=Owner.of_row(r),
                created_at=r.created_at,
            )
            for r in rows
        ]
