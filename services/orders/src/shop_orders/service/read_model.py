"""The read model of the catalog: catalog's snapshots applied when they are newer.

A snapshot is kept only when its revision is higher than the stored one, so a snapshot
arriving late (after a newer one) or a redelivery changes nothing. A media's offers are
replaced by the snapshot's (an offer's id is its price-list row's id: the license id).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import structlog

from shop_contracts.common import DeliverySpec, Offer, PhotographerContact, RightsManagedOffer
from shop_contracts.events import GalleryOffered, MediaOffered, MediaWithdrawn
from shop_orders.domain.catalog import GalleryForSale, LicenseOption, Media, OfferKind
from shop_orders.domain.photographer import Photographer
from shop_orders.domain.pricing import rights_managed_json
from shop_orders.service.ports import Repositories

log = structlog.get_logger()


def spec_json(spec: DeliverySpec) -> dict[str, Any]:
    """A delivery spec as stored: its mode and what differs from the defaults."""
    return {"mode": spec.mode, **spec.model_dump(mode="json", exclude_defaults=True)}


def photographer_of(contact: PhotographerContact | None) -> Photographer | None:
    """The agency (issue 14): whose the media or gallery is (None: the shop owner's)."""
    if contact is None:
        return None
    return Photographer(id=contact.photographer_id, name=contact.name, email=str(contact.email))


def media_of(snapshot: MediaOffered) -> Media:
    return Media(
        id=snapshot.media_id,
        title=snapshot.title,
        kind=snapshot.kind,
        media_key=snapshot.media_key,
        width=snapshot.width,
        height=snapshot.height,
        credit=snapshot.credit,
        state=snapshot.state,
        revision=snapshot.revision,
        for_sale=True,
        created_at=snapshot.created_at,
        updated_at=snapshot.updated_at,
        photographer=photographer_of(snapshot.photographer),
        licenses=[
            option_of(snapshot.media_id, position, offer)
            for position, offer in enumerate(snapshot.offers)
        ],
    )


def option_of(
    media_id: uuid.UUID, position: int, offer: Offer | RightsManagedOffer
) -> LicenseOption:
    """One offer of a snapshot as the read model keeps it: a royalty-free row under its
    row's id; a rights-managed profile under the profile's id, its base price as the price
    and its option tree beside it."""
    kind: OfferKind = "royalty_free"
    license_id, price, tree = offer.profile_id, 0, None
    if isinstance(offer, RightsManagedOffer):
        kind, price = "rights_managed", offer.base_price
        tree = rights_managed_json(offer.base_price, offer.minimum_price, offer.groups)
    else:
        license_id, price = offer.license_id, offer.price
    return LicenseOption(
        id=license_id,
        media_id=media_id,
        name=offer.name,
        price=price,
        delivery=spec_json(offer.delivery),
        position=position,
        usage_terms=offer.usage_terms,
        profile_id=offer.profile_id,
        description=offer.description,
        kind=kind,
        rights_managed=tree,
        quantity_tiers=tuple(
            {"min_quantity": tier.min_quantity, "percent": str(tier.percent)}
            for tier in offer.quantity_tiers
        ),
    )


async def apply_media_offered(repos: Repositories, snapshot: MediaOffered) -> bool:
    kept = await repos.catalog.put_media(media_of(snapshot))
    log.info(
        "catalog.media_offered" if kept else "catalog.media_offered_stale",
        media_id=str(snapshot.media_id),
        revision=snapshot.revision,
        offers=len(snapshot.offers),
    )
    return kept


async def apply_media_withdrawn(
    repos: Repositories, message: MediaWithdrawn, now: datetime | None = None
) -> bool:
    kept = await repos.catalog.withdraw_media(
        message.media_id, message.revision, now or datetime.now(UTC)
    )
    log.info(
        "catalog.media_withdrawn" if kept else "catalog.media_withdrawn_stale",
        media_id=str(message.media_id),
        revision=message.revision,
    )
    return kept


def gallery_of(snapshot: GalleryOffered) -> GalleryForSale:
    return GalleryForSale(
        id=snapshot.gallery_id,
        revision=snapshot.revision,
        title=snapshot.title,
        slug=snapshot.slug,
        whole_gallery_price=snapshot.whole_gallery_price,
        delivery=spec_json(snapshot.delivery),
        members=[member.model_dump(mode="json") for member in snapshot.members],
        deleted=snapshot.deleted,
        photographer=photographer_of(snapshot.photographer),
    )


async def apply_gallery_offered(
    repos: Repositories, snapshot: GalleryOffered, now: datetime | None = None
) -> bool:
    kept = await repos.catalog.put_gallery(gallery_of(snapshot), now or datetime.now(UTC))
    log.info(
        "catalog.gallery_offered" if kept else "catalog.gallery_offered_stale",
        gallery_id=str(snapshot.gallery_id),
        revision=snapshot.revision,
    )
    return kept
