"""Delivery's copy of each gallery, kept from `catalog.gallery_offered` (highest revision)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import RowMapping, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_contracts.common import GalleryMember
from shop_delivery.db.tables import gallery_copies
from shop_delivery.domain.galleries import GalleryCopy


def _copy(row: RowMapping) -> GalleryCopy:
    return GalleryCopy(
        gallery_id=row["gallery_id"],
        revision=row["revision"],
        title=row["title"],
        members=[GalleryMember.model_validate(m) for m in row["members"]],
        deleted=row["deleted"],
    )


class SqlGalleryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def apply(self, copy: GalleryCopy, slug: str) -> bool:
        values = {
            "revision": copy.revision,
            "title": copy.title,
            "slug": slug,
            "members": [m.model_dump(mode="json") for m in copy.members],
            "deleted": copy.deleted,
        }
        statement = insert(gallery_copies).values(gallery_id=copy.gallery_id, **values)
        upsert = statement.on_conflict_do_update(
            index_elements=["gallery_id"],
            set_={**values, "updated_at": func.now()},
            where=gallery_copies.c.revision < statement.excluded.revision,
        )
        result = await self.session.execute(upsert.returning(gallery_copies.c.gallery_id))
        return result.first() is not None

    async def get_many(self, gallery_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, GalleryCopy]:
        if not gallery_ids:
            return {}
        query = select(gallery_copies).where(gallery_copies.c.gallery_id.in_(list(gallery_ids)))
        rows = (await self.session.execute(query)).mappings().all()
        return {row["gallery_id"]: _copy(row) for row in rows}
