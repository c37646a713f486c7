"""Pricing profiles and their attachments (to single media and to galleries)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import delete, func, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from shop_catalog.db.sales_media_view import media
from shop_catalog.db.sales_tables import (
    gallery_media,
    gallery_profiles,
    media_profiles,
    pricing_profiles,
    profile_rows,
)
from shop_catalog.domain.owners import Owner
from shop_catalog.domain.profiles import PricingProfile, ProfileRow, RightsManagedTerms
from shop_contracts.common import DeliverySpec, QuantityTier, RightsManagedGroup
from shop_platform.paging import NameKey


async def records_by_profile(
    session: AsyncSession, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[Any]]:
    """Each profile's row records in their order ([] for a profile without rows)."""
    grouped: dict[uuid.UUID, list[Any]] = {i: [] for i in ids}
    if not ids:
        return grouped
    records = await session.execute(
        select(profile_rows)
        .where(profile_rows.c.profile_id.in_(ids))
        .order_by(profile_rows.c.profile_id, profile_rows.c.position)
    )
    for record in records:
        grouped[record.profile_id].append(record)
    return grouped


def _row_values(profile_id: uuid.UUID, position: int, row: ProfileRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "profile_id": profile_id,
        "position": position,
        "name": row.name,
        "description": row.description,
        "usage_terms": row.usage_terms,
        "price": row.price,
        "delivery": row.delivery.model_dump(mode="json", exclude_none=True),
    }


def rights_managed_json(terms: RightsManagedTerms | None) -> dict[str, Any] | None:
    """The `rights_managed` column (ratios as exact decimal strings)."""
    if terms is None:
        return None
    return {
        "base_price": terms.base_price,
        "minimum_price": terms.minimum_price,
        "delivery": terms.delivery.model_dump(mode="json", exclude_none=True),
        "groups": [g.model_dump(mode="json") for g in terms.groups],
        "description": terms.description,
        "usage_terms": terms.usage_terms,
    }


def rights_managed_of(value: dict[str, Any] | None) -> RightsManagedTerms | None:
    if value is None:
        return None
    return RightsManagedTerms(
        base_price=value["base_price"],
        minimum_price=value.get("minimum_price"),
        delivery=DeliverySpec.model_validate(value.get("delivery") or {}),
        groups=[RightsManagedGroup.model_validate(g) for g in value["groups"]],
        description=value.get("description"),
        usage_terms=value.get("usage_terms"),
    )


def tiers_json(tiers: list[QuantityTier]) -> list[dict[str, Any]]:
    return [t.model_dump(mode="json") for t in tiers]


def tiers_of(value: list[dict[str, Any]] | None) -> list[QuantityTier]:
    return [QuantityTier.model_validate(t) for t in value or []]


def profile_of(head: Any, rows: list[Any]) -> PricingProfile:
    """A profile from its `pricing_profiles` record and its row records."""
    return PricingProfile(
        id=head.id,
        name=head.name,
        kind=head.kind,
        rows=[
            ProfileRow(
                id=r.id,
                name=r.name,
                price=r.price,
                delivery=DeliverySpec.model_validate(r.delivery),
                description=r.description,
                usage_terms=r.usage_terms,
            )
            for r in rows
        ],
        rights_managed=rights_managed_of(head.rights_managed),
        quantity_tiers=tiers_of(head.quantity_discounts),
        owner=Owner.of_row(head),
    )


async def load_profiles(
    session: AsyncSession, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, PricingProfile]:
    """The profiles of `ids` that exist, with their rows (two queries)."""
    if not ids:
        return {}
    heads = (
        await session.execute(select(pricing_profiles).where(pricing_profiles.c.id.in_(ids)))
    ).all()
    grouped = await records_by_profile(session, [h.id for h in heads])
    return {h.id: profile_of(h, grouped[h.id]) for h in heads}


class ProfileQueries:
    _session: AsyncSession

    async def insert_profile(self, profile: PricingProfile) -> None:
        await self._session.execute(
            insert(pricing_profiles).values(
                id=profile.id,
                name=profile.name,
                kind=profile.kind,
                rights_managed=rights_managed_json(profile.rights_managed),
                quantity_discounts=tiers_json(profile.quantity_tiers),
                **profile.owner.columns(),
            )
        )
        await self._insert_rows(profile)

    async def _insert_rows(self, profile: PricingProfile) -> None:
        if profile.rows:
            await self._session.execute(
                insert(profile_rows),
                [_row_values(profile.id, i, row) for i, row in enumerate(profile.rows)],
            )

    async def replace_profile(self, profile: PricingProfile) -> None:
        """New name and rows; rows keep their ids (license ids) when the caller kept them."""
        await self._session.execute(
            update(pricing_profiles)
            .where(pricing_profiles.c.id == profile.id)
            .values(
                name=profile.name,
                rights_managed=rights_managed_json(profile.rights_managed),
                quantity_discounts=tiers_json(profile.quantity_tiers),
                updated_at=func.now(),
            )
        )
        await self._session.execute(
            delete(profile_rows).where(profile_rows.c.profile_id == profile.id)
        )
        await self._insert_rows(profile)

    async def get_profile(self, profile_id: uuid.UUID) -> PricingProfile | None:
        found = await self.profiles_by_id([profile_id])
        return found[0] if found else None

    async def list_profiles(
        self,
        photographer_id: uuid.UUID | None = None,
        *,
        after: NameKey | None = None,
        limit: int | None = None,
    ) -> list[PricingProfile]:
        """Every price list (by name, then id), or only that photographer's; with `after`,
        only those after it; at most `limit` (issue 14: keyset paging)."""
        query = select(pricing_profiles.c.id).order_by(
            pricing_profiles.c.name, pricing_profiles.c.id
        )
        if photographer_id is not None:
            query = query.where(pricing_profiles.c.photographer_id == photographer_id)
        if after is not None:
            query = query.where(
                tuple_(pricing_profiles.c.name, pricing_profiles.c.id)
                > tuple_(after.name, after.id)
            )
        if limit is not None:
            query = query.limit(limit)
        return await self.profiles_by_id(list(await self._session.scalars(query)))

    async def profiles_by_id(self, ids: list[uuid.UUID]) -> list[PricingProfile]:
        found = await load_profiles(self._session, ids)
        return [found[i] for i in ids if i in found]

    async def delete_profile(self, profile_id: uuid.UUID) -> None:
        await self._session.execute(
            delete(pricing_profiles).where(pricing_profiles.c.id == profile_id)
        )

    async def row_owners(self, row_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        if not row_ids:
            return {}
        rows = await self._session.execute(
            select(profile_rows.c.id, profile_rows.c.profile_id).where(
                profile_rows.c.id.in_(row_ids)
            )
        )
        return {r.id: r.profile_id for r in rows}

    async def profile_owners(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, Owner]:
        """The owner of each of `ids` that is a price list."""
        if not ids:
            return {}
        rows = await self._session.execute(
            select(
                pricing_profiles.c.id,
                pricing_profiles.c.photographer_id,
                pricing_profiles.c.photographer_name,
                pricing_profiles.c.photographer_email,
            ).where(pricing_profiles.c.id.in_(ids))
        )
        return {r.id: Owner.of_row(r) for r in rows}

    async def profile_attachments(
        self, profile_id: uuid.UUID
    ) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
        """(media it is attached to, galleries it is attached to)."""
        media_ids = await self._session.scalars(
            select(media_profiles.c.media_id).where(media_profiles.c.profile_id == profile_id)
        )
        gallery_ids = await self._session.scalars(
            select(gallery_profiles.c.gallery_id).where(gallery_profiles.c.profile_id == profile_id)
        )
        return list(media_ids), list(gallery_ids)

    async def media_priced_by(self, profile_id: uuid.UUID) -> list[uuid.UUID]:
        """Media whose offers use this profile: its own attachments and its galleries'."""
        own = select(media_profiles.c.media_id).where(media_profiles.c.profile_id == profile_id)
        inherited = (
            select(gallery_media.c.media_id)
            .join(gallery_profiles, gallery_profiles.c.gallery_id == gallery_media.c.gallery_id)
            .where(gallery_profiles.c.profile_id == profile_id)
        )
        found = await self._session.scalars(own.union(inherited))
        return sorted(found)

    async def media_owners(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, Owner]:
        """The owner of each of `ids` that is a media of the library (not withdrawn)."""
        if not ids:
            return {}
        rows = await self._session.execute(
            select(
                media.c.id,
                media.c.photographer_id,
                media.c.photographer_name,
                media.c.photographer_email,
            ).where(media.c.id.in_(ids), media.c.withdrawn_at.is_(None))
        )
        return {r.id: Owner.of_row(r) for r in rows}

    async def media_profile_ids(self, media_id: uuid.UUID) -> list[uuid.UUID]:
        found = await self._session.scalars(
            select(media_profiles.c.profile_id)
            .where(media_profiles.c.media_id == media_id)
            .order_by(media_profiles.c.position)
        )
        return list(found)

    async def set_media_profiles(self, media_id: uuid.UUID, profile_ids: list[uuid.UUID]) -> None:
        await self._session.execute(
            delete(media_profiles).where(media_profiles.c.media_id == media_id)
        )
        if profile_ids:
            await self._session.execute(
                insert(media_profiles),
                [
                    {"media_id": media_id, "profile_id": p, "position": i}
                    for i, p in enumerate(profile_ids)
                ],
            )
