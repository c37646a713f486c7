"""Pricing profiles (royalty-free price lists): create, replace, delete, attach to media.

Editing a profile changes future orders only (order lines keep their own copy): the media it
prices are republished (`publish_media`) in the same transaction, with higher revisions.
Rows keep their ids (the license ids carts and orders name) when the edit names them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from shop_catalog.domain.profiles import PricingProfile, ProfileKind, ProfileRow
from shop_catalog.domain.sales import FieldError, ProfileInUseError, SalesNotFoundError
from shop_catalog.service.offering import publish
from shop_catalog.service.ports import Repositories
from shop_contracts.common import DeliverySpec
from shop_pricing.rounding import PriceError, check_amount

RIGHTS_MANAGED_LATER = "rights-managed profiles come with the pricing issue"


@dataclass(frozen=True, slots=True)
class RowDraft:
    name: str
    price: int
    delivery: DeliverySpec
    description: str | None = None
    usage_terms: str | None = None
    id: uuid.UUID | None = None  # keep this row's license id (replace only)


@dataclass(frozen=True, slots=True)
class ProfileDraft:
    name: str
    kind: ProfileKind = "royalty_free"
    rows: list[RowDraft] = field(default_factory=list)


def _checked(draft: ProfileDraft) -> None:
    if draft.kind != "royalty_free":
        raise FieldError("kind", RIGHTS_MANAGED_LATER)
    if not draft.name.strip():
        raise FieldError("name", "must not be empty")
    if not draft.rows:
        raise FieldError("rows", "a price list needs at least one row")
    for index, row in enumerate(draft.rows):
        if not row.name.strip():
            raise FieldError(f"rows.{index}.name", "must not be empty")
        try:
            check_amount(f"rows.{index}.price", row.price)
        except PriceError as exc:
            raise FieldError(exc.field, exc.problem) from None


def _rows(draft: ProfileDraft) -> list[ProfileRow]:
    return [
        ProfileRow(
            id=row.id or uuid.uuid4(),
            name=row.name.strip(),
            price=row.price,
            delivery=row.delivery,
            description=row.description,
            usage_terms=row.usage_terms,
        )
        for row in draft.rows
    ]


async def create_profile(repos: Repositories, draft: ProfileDraft) -> PricingProfile:
    _checked(draft)
    if any(row.id is not None for row in draft.rows):
        raise FieldError("rows", "a new price list's rows get new ids (leave `id` out)")
    profile = PricingProfile(id=uuid.uuid4(), name=draft.name.strip(), rows=_rows(draft))
    await repos.sales.insert_profile(profile)
    return profile


async def get_profile(repos: Repositories, profile_id: uuid.UUID) -> PricingProfile:
    profile = await repos.sales.get_profile(profile_id)
    if profile is None:
        raise SalesNotFoundError(f"no pricing profile {profile_id}")
    return profile


async def replace_profile(
    repos: Repositories, profile_id: uuid.UUID, draft: ProfileDraft, *, now: datetime
) -> PricingProfile:
    """The new name and rows; rows naming an `id` of this profile keep it."""
    await get_profile(repos, profile_id)
    _checked(draft)
    kept = [row.id for row in draft.rows if row.id is not None]
    if len(set(kept)) != len(kept):
        raise FieldError("rows", "the same row id appears twice")
    owners = await repos.sales.row_owners(kept)
    for index, row in enumerate(draft.rows):
        if row.id is not None and owners.get(row.id) != profile_id:
            raise FieldError(f"rows.{index}.id", f"no row {row.id} in this price list")
    profile = PricingProfile(id=profile_id, name=draft.name.strip(), rows=_rows(draft))
    await repos.sales.replace_profile(profile)
    await publish(repos, media_ids=await repos.sales.media_priced_by(profile_id), now=now)
    return profile


async def delete_profile(
    repos: Repositories, profile_id: uuid.UUID, *, detach: bool, now: datetime
) -> None:
    """409 while attached to media or galleries, unless `detach` (then those media are
    republished without its rows)."""
    await get_profile(repos, profile_id)
    media_ids, gallery_ids = await repos.sales.profile_attachments(profile_id)
    if (media_ids or gallery_ids) and not detach:
        raise ProfileInUseError(
            f"the price list is attached to {len(media_ids)} media and {len(gallery_ids)} "
            "galleries; detach it first (DELETE ...?detach=true)"
        )
    affected = await repos.sales.media_priced_by(profile_id)
    await repos.sales.delete_profile(profile_id)
    await publish(repos, media_ids=affected, now=now)


async def check_profile_ids(repos: Repositories, ids: list[uuid.UUID], field: str) -> None:
    if len(set(ids)) != len(ids):
        raise FieldError(field, "the same price list appears twice")
    existing = await repos.sales.existing_profile_ids(ids)
    missing = [i for i in ids if i not in existing]
    if missing:
        raise FieldError(field, f"no pricing profile {missing[0]}")


async def set_media_profiles(
    repos: Repositories, media_id: uuid.UUID, profile_ids: list[uuid.UUID], *, now: datetime
) -> list[uuid.UUID]:
    """The price lists attached to one media (beside its galleries'), in that order."""
    if not await repos.sales.existing_media_ids([media_id]):
        raise SalesNotFoundError(f"no media {media_id}")
    await check_profile_ids(repos, profile_ids, "profile_ids")
    await repos.sales.set_media_profiles(media_id, profile_ids)
    await publish(repos, media_ids=[media_id], now=now)
    return profile_ids
