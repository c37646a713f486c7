"""Pricing profiles: create, replace, delete, attach to media. A profile is a royalty-free
price list (rows) or a rights-managed option tree (`RightsManagedTerms`), either with
quantity discounts; both are checked with `shop_pricing` (`service/rights_managed.py`)
before anything is written. A profile keeps its kind (make a new one to change it).

Editing a profile changes future orders only (order lines keep their own copy): the media it
prices are republished (`publish_media`) in the same transaction, with higher revisions.
Rows keep their ids (the license ids carts and orders name) when the edit names them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from shop_catalog.domain.owners import Owner
from shop_catalog.domain.profiles import (
    PricingProfile,
    ProfileKind,
    ProfileRow,
    RightsManagedTerms,
)
from shop_catalog.domain.sales import FieldError, ProfileInUseError, SalesNotFoundError
from shop_catalog.service.offering import publish
from shop_catalog.service.owners import creator, sees
from shop_catalog.service.ports import Repositories
from shop_catalog.service.rights_managed import checked_terms, checked_tiers
from shop_contracts.common import DeliverySpec, QuantityTier
from shop_platform.accounts import Principal
from shop_platform.paging import NameKey, Page, page_of
from shop_pricing.rounding import PriceError, check_amount


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
    rights_managed: RightsManagedTerms | None = None
    quantity_tiers: list[QuantityTier] = field(default_factory=list)


def _checked(draft: ProfileDraft) -> None:
    if not draft.name.strip():
        raise FieldError("name", "must not be empty")
    checked_tiers(draft.quantity_tiers)
    if draft.kind == "rights_managed":
        if draft.rows:
            raise FieldError("rows", "a rights-managed profile has groups of options, not rows")
        if draft.rights_managed is None:
            raise FieldError("base_price", "a rights-managed profile needs a base price")
        checked_terms(draft.rights_managed)
        return
    if draft.rights_managed is not None:
        raise FieldError("kind", "base price and groups make a rights-managed profile")
    if not draft.rows:
        raise FieldError("rows", "a price list needs at least one row")
    for index, row in enumerate(draft.rows):
        if not row.name.strip():
            raise FieldError(f"rows.{index}.name", "must not be empty")
        try:
            check_amount(f"rows.{index}.price", row.price)
        except PriceError as exc:
            raise FieldError(exc.field, exc.problem) from None


def _profile(profile_id: uuid.UUID, draft: ProfileDraft, owner: Owner) -> PricingProfile:
    return PricingProfile(
        id=profile_id,
        owner=owner,
        name=draft.name.strip(),
        kind=draft.kind,
        rows=_rows(draft),
        rights_managed=draft.rights_managed if draft.kind == "rights_managed" else None,
        quantity_tiers=sorted(draft.quantity_tiers, key=lambda t: t.min_quantity),
    )


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


async def create_profile(
    repos: Repositories, draft: ProfileDraft, *, who: Principal
) -> PricingProfile:
    """A new price list, `who`'s (a photographer's own, else the shop's)."""
    _checked(draft)
    if any(row.id is not None for row in draft.rows):
        raise FieldError("rows", "a new price list's rows get new ids (leave `id` out)")
    profile = _profile(uuid.uuid4(), draft, creator(who))
    await repos.sales.insert_profile(profile)
    return profile


async def get_profile(
    repos: Repositories, profile_id: uuid.UUID, *, who: Principal
) -> PricingProfile:
    """The price list, if `who` may see it (another photographer's: not found)."""
    profile = await repos.sales.get_profile(profile_id)
    if profile is None or not sees(who, profile.owner):
        raise SalesNotFoundError(f"no pricing profile {profile_id}")
    return profile


async def list_profiles(repos: Repositories, *, who: Principal) -> list[PricingProfile]:
    """Every price list (by name); a photographer's own only."""
    return await repos.sales.list_profiles(who.photographer_scope)


async def page_profiles(
    repos: Repositories, *, who: Principal, cursor: str | None, limit: int
) -> Page[PricingProfile]:
    """A page of `list_profiles` (same order, same scope) after `cursor` (a page's
    `next_cursor`; anything else is a 422 naming `cursor`)."""
    after = NameKey.decode(cursor) if cursor else None
    found = await repos.sales.list_profiles(who.photographer_scope, after=after, limit=limit + 1)
    return page_of(found, limit, lambda p: NameKey(p.name, p.id).encode())


async def replace_profile(
    repos: Repositories,
    profile_id: uuid.UUID,
    draft: ProfileDraft,
    *,
    who: Principal,
    now: datetime,
) -> PricingProfile:
    """The new name and rows (or option tree) and tiers; rows naming an `id` of this
    profile keep it. The kind cannot change, nor whose it is."""
    current = await get_profile(repos, profile_id, who=who)
    _checked(draft)
    if draft.kind != current.kind:
        raise FieldError(
            "kind", f"this profile is {current.kind.replace('_', '-')}: make a new one instead"
        )
    kept = [row.id for row in draft.rows if row.id is not None]
    if len(set(kept)) != len(kept):
        raise FieldError("rows", "the same row id appears twice")
    owners = await repos.sales.row_owners(kept)
    for index, row in enumerate(draft.rows):
        if row.id is not None and owners.get(row.id) != profile_id:
            raise FieldError(f"rows.{index}.id", f"no row {row.id} in this price list")
    profile = _profile(profile_id, draft, current.owner)
    await repos.sales.replace_profile(profile)
    await publish(repos, media_ids=await repos.sales.media_priced_by(profile_id), now=now)
    return profile


async def delete_profile(
    repos: Repositories, profile_id: uuid.UUID, *, who: Principal, detach: bool, now: datetime
) -> None:
    """409 while attached to media or galleries, unless `detach` (then those media are
    republished without its rows)."""
    await get_profile(repos, profile_id, who=who)
    media_ids, gallery_ids = await repos.sales.profile_attachments(profile_id)
    if (media_ids or gallery_ids) and not detach:
        raise ProfileInUseError(
            f"the price list is attached to {len(media_ids)} media and {len(gallery_ids)} "
            "galleries; detach it first (DELETE ...?detach=true)"
        )
    affected = await repos.sales.media_priced_by(profile_id)
    await repos.sales.delete_profile(profile_id)
    await publish(repos, media_ids=affected, now=now)


async def check_profile_ids(
    repos: Repositories, ids: list[uuid.UUID], field: str, *, who: Principal, owner: Owner
) -> None:
    """Each of `ids` is a price list `who` may see (another photographer's is named as
    unknown), of the same owner as the media or gallery it is attached to (`owner`): the
    shop's price lists price the shop's own work (and, through the shop's galleries, what
    they hold), a photographer's price lists their work. So whatever is attached to a
    photographer's media or gallery is theirs to see, and their forms keep it."""
    if len(set(ids)) != len(ids):
        raise FieldError(field, "the same price list appears twice")
    owners = await repos.sales.profile_owners(ids)
    for profile_id in ids:
        found = owners.get(profile_id)
        if found is None or not sees(who, found):
            raise FieldError(field, f"no pricing profile {profile_id}")
        if found.photographer_id != owner.photographer_id:
            whose = "the shop's" if found.photographer_id is None else "another photographer's"
            raise FieldError(
                field,
                f"pricing profile {profile_id} is {whose}: attach the price lists of the "
                "photographer whose work it is",
            )


async def media_owner(repos: Repositories, media_id: uuid.UUID, who: Principal) -> Owner:
    """The owner of a live media `who` may see (else not found)."""
    owner = (await repos.sales.media_owners([media_id])).get(media_id)
    if owner is None or not sees(who, owner):
        raise SalesNotFoundError(f"no media {media_id}")
    return owner


async def media_profile_ids(
    repos: Repositories, media_id: uuid.UUID, *, who: Principal
) -> list[uuid.UUID]:
    """The price lists attached to one media, if `who` may see it."""
    await media_owner(repos, media_id, who)
    return await repos.sales.media_profile_ids(media_id)


async def set_media_profiles(
    repos: Repositories,
    media_id: uuid.UUID,
    profile_ids: list[uuid.UUID],
    *,
    who: Principal,
    now: datetime,
) -> list[uuid.UUID]:
    """The price lists attached to one media (beside its galleries'), in that order: its
    photographer's own (the shop's for the shop's media)."""
    owner = await media_owner(repos, media_id, who)
    await check_profile_ids(repos, profile_ids, "profile_ids", who=who, owner=owner)
    await repos.sales.set_media_profiles(media_id, profile_ids)
    await publish(repos, media_ids=[media_id], now=now)
    return profile_ids
