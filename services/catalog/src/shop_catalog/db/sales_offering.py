"""The queries behind `service/offering.py`: revisions, profiles of media, members."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import func, literal, select, union_all, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_catalog.db.sales_media_view import catalog_settings, media
from shop_catalog.db.sales_profiles import load_profiles
from shop_catalog.db.sales_tables import (
    galleries,
    gallery_media,
    gallery_profiles,
    media_profiles,
    offered_media,
)
from shop_catalog.domain.owners import Owner
from shop_catalog.domain.profiles import PricingProfile
from shop_catalog.domain.sales import GalleryFacts, MediaFacts
from shop_contracts.common import AnyOffer, DeliverySpec, GalleryMember


class OfferingQueries:
    _session: AsyncSession

    async def bump_media_revisions(self, ids: list[uuid.UUID]) -> list[MediaFacts]:
        """One UPDATE: every media's revision + 1, returning what its snapshot needs."""
        statement = (
            update(media)
            .where(media.c.id.in_(ids))
            .values(revision=media.c.revision + 1)
            .returning(
                media.c.id,
                media.c.revision,
                media.c.title,
                media.c.kind,
                media.c.media_key,
                media.c.width,
                media.c.height,
                media.c.credit,
                media.c.state,
                media.c.withdrawn_at,
                media.c.created_at,
                media.c.updated_at,
                media.c.photographer_id,
                media.c.photographer_name,
                media.c.photographer_email,
            )
        )
        rows = (await self._session.execute(statement)).all()
        by_id = {
            r.id: MediaFacts(
                id=r.id,
                revision=r.revision,
                title=r.title,
                kind=r.kind,
                media_key=r.media_key,
                width=r.width or 1,
                height=r.height or 1,
                credit=r.credit,
                state=r.state,
                withdrawn=r.withdrawn_at is not None,
                created_at=r.created_at,
                updated_at=r.updated_at,
                owner=Owner.of_row(r),
            )
            for r in rows
        }
        return [by_id[i] for i in ids if i in by_id]

    async def profiles_of_media(
        self, ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, list[PricingProfile]]:
        """Each media's profiles in the order they apply: its own, then its galleries'."""
        own = select(
            media_profiles.c.media_id,
            media_profiles.c.profile_id,
            literal(0).label("source"),
            literal(0).label("gallery_position"),
            media_profiles.c.position,
        ).where(media_profiles.c.media_id.in_(ids))
        inherited = (
            select(
                gallery_media.c.media_id,
                gallery_profiles.c.profile_id,
                literal(1).label("source"),
                galleries.c.position.label("gallery_position"),
                gallery_profiles.c.position,
            )
            .join(gallery_profiles, gallery_profiles.c.gallery_id == gallery_media.c.gallery_id)
            .join(galleries, galleries.c.id == gallery_media.c.gallery_id)
            .where(gallery_media.c.media_id.in_(ids))
        )
        links = union_all(own, inherited).subquery()
        order = select(links).order_by(
            links.c.media_id, links.c.source, links.c.gallery_position, links.c.position
        )
        attached = (await self._session.execute(order)).all()
        profile_ids = {a.profile_id for a in attached}
        profiles = await load_profiles(self._session, profile_ids)
        result: dict[uuid.UUID, list[PricingProfile]] = defaultdict(list)
        for link in attached:
            if link.profile_id in profiles:
                result[link.media_id].append(profiles[link.profile_id])
        return result

    async def offer_only_final(self) -> bool:
        """The media library's "offer only Final" setting (off when no settings row yet)."""
        value = await self._session.scalar(select(catalog_settings.c.offer_only_final).limit(1))
        return bool(value)

    async def save_offers(self, snapshots: list[tuple[uuid.UUID, int, list[AnyOffer]]]) -> None:
        if not snapshots:
            return
        values = [
            {
                "media_id": media_id,
                "revision": revision,
                "offers": [o.model_dump(mode="json") for o in offers],
            }
            for media_id, revision, offers in snapshots
        ]
        statement = insert(offered_media).values(values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[offered_media.c.media_id],
                set_={
                    "revision": statement.excluded.revision,
                    "offers": statement.excluded.offers,
                    "updated_at": func.now(),
                },
            )
        )

    async def galleries_containing(self, media_ids: list[uuid.UUID]) -> list[uuid.UUID]:
        if not media_ids:
            return []
        found = await self._session.scalars(
            select(gallery_media.c.gallery_id)
            .where(gallery_media.c.media_id.in_(media_ids))
            .distinct()
        )
        return sorted(found)

    async def bump_gallery_revisions(self, ids: list[uuid.UUID]) -> list[GalleryFacts]:
        rows = (
            await self._session.execute(
                update(galleries)
                .where(galleries.c.id.in_(ids))
                .values(revision=galleries.c.revision + 1)
                .returning(
                    galleries.c.id,
                    galleries.c.revision,
                    galleries.c.title,
                    galleries.c.slug,
                    galleries.c.whole_gallery_price,
                    galleries.c.whole_gallery_delivery,
                    galleries.c.photographer_id,
                    galleries.c.photographer_name,
                    galleries.c.photographer_email,
                )
            )
        ).all()
        return [gallery_facts(r) for r in rows]

    async def gallery_members(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[GalleryMember]]:
        """Each gallery's files in order (withdrawn media left out)."""
        if not ids:
            return {}
        rows = (
            await self._session.execute(
                select(
                    gallery_media.c.gallery_id,
                    media.c.id,
                    media.c.media_key,
                    media.c.title,
                    media.c.kind,
                    media.c.width,
                    media.c.height,
                    media.c.credit,
                    media.c.state,
                )
                .join(media, media.c.id == gallery_media.c.media_id)
                .where(gallery_media.c.gallery_id.in_(ids), media.c.withdrawn_at.is_(None))
                .order_by(gallery_media.c.gallery_id, gallery_media.c.position)
            )
        ).all()
        members: dict[uuid.UUID, list[GalleryMember]] = defaultdict(list)
        for r in rows:
            members[r.gallery_id].append(
                GalleryMember(
                    media_id=r.id,
                    media_key=r.media_key,
                    title=r.title,
                    kind=r.kind,
                    width=max(1, r.width or 1),
                    height=max(1, r.height or 1),
                    credit=r.credit,
                    state=r.state,
                )
            )
        return members


def gallery_facts(r: Any) -> GalleryFacts:
    delivery = r.whole_gallery_delivery
    return GalleryFacts(
        id=r.id,
        revision=r.revision,
        title=r.title,
        slug=r.slug,
        whole_gallery_price=r.whole_gallery_price,
        delivery=DeliverySpec.model_validate(delivery) if delivery else DeliverySpec(),
        owner=Owner.of_row(r),
    )
