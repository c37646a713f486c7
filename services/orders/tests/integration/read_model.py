"""Feeding orders' read model of the catalog in tests: catalog's snapshots (MediaOffered,
GalleryOffered), applied through the consumer's router as the broker would deliver them.

`demo_snapshots` builds the demo media's snapshots (the files of `shop_media.demo`, their
sizes read by `shop_media.probe`) with the ids catalog's seed gives them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from shop_contracts.common import DeliverySpec, GalleryMember, Offer, PhotographerContact
from shop_contracts.events import GalleryOffered, MediaOffered, MediaWithdrawn
from shop_media.demo import ensure_demo_media
from shop_media.probe import probe
from shop_media.store import MediaStore
from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media
from shop_orders.domain.photographer import Photographer

from .helpers import handle

_IDS = uuid.UUID("5b0f6c1e-6a43-4f0e-9a53-3f1d2c7a9e10")  # the demo ids' namespace (catalog)
WEB = DeliverySpec(mode="long_edge", long_edge=1024, format="jpeg", quality=85)
ORIGINAL = DeliverySpec(mode="original")
DEMO_LICENSES: dict[str, list[tuple[str, int, DeliverySpec]]] = {
    "image": [("Web", 2500, WEB), ("Full resolution", 9000, ORIGINAL)],
    "video": [("Full clip", 12000, ORIGINAL)],
}
PROFILE = uuid.uuid5(_IDS, "profile/demo")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def demo_id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(_IDS, "/".join(parts))


def snapshot_of(media: Media, *, revision: int = 1) -> MediaOffered:
    """The snapshot catalog would publish for `media` and its license options."""
    return MediaOffered(
        media_id=media.id,
        revision=revision,
        title=media.title,
        kind=media.kind,
        media_key=media.media_key,
        width=media.width,
        height=media.height,
        credit=media.credit,
        state=media.state,
        offers=[
            Offer(
                license_id=option.id,
                profile_id=option.profile_id or PROFILE,
                name=option.name,
                description=option.description,
                usage_terms=option.usage_terms,
                price=option.price,
                delivery=DeliverySpec.model_validate(option.delivery),
            )
            for option in media.licenses
        ],
        created_at=media.created_at or NOW,
        updated_at=media.updated_at or NOW,
        photographer=contact_of(media.photographer),
    )


def contact_of(photographer: Photographer | None) -> PhotographerContact | None:
    """The agency (issue 14): a photographer as catalog's snapshots name them."""
    if photographer is None:
        return None
    return PhotographerContact(
        photographer_id=photographer.id, name=photographer.name, email=photographer.email
    )


def demo_snapshots(store: MediaStore) -> list[MediaOffered]:
    """The demo media as catalog's seed offers them (real files, real sizes)."""
    snapshots = []
    for entry in ensure_demo_media(store):
        info = probe(store.path_for(entry.key))
        media_id = demo_id(entry.key)
        snapshots.append(
            MediaOffered(
                media_id=media_id,
                revision=1,
                title=entry.title,
                kind=entry.kind,
                media_key=entry.key,
                width=info.width or entry.width,
                height=info.height or entry.height,
                credit=entry.credit,
                offers=[
                    Offer(
                        license_id=demo_id(entry.key, name),
                        profile_id=PROFILE,
                        name=name,
                        price=price,
                        delivery=spec,
                    )
                    for name, price, spec in DEMO_LICENSES[entry.kind]
                ],
                created_at=NOW,
                updated_at=NOW,
            )
        )
    return snapshots


def gallery_snapshot(
    media: Sequence[Media],
    *,
    gallery_id: uuid.UUID | None = None,
    revision: int = 1,
    price: int | None = 20000,
    title: str = "Demo gallery",
    deleted: bool = False,
    photographer: Photographer | None = None,
) -> GalleryOffered:
    return GalleryOffered(
        gallery_id=gallery_id or uuid.uuid4(),
        revision=revision,
        title=title,
        slug=title.lower().replace(" ", "-"),
        whole_gallery_price=price,
        delivery=WEB,
        members=[
            GalleryMember(
                media_id=m.id,
                media_key=m.media_key,
                title=m.title,
                kind=m.kind,
                width=m.width,
                height=m.height,
                credit=m.credit,
                state=m.state,
            )
            for m in media
        ],
        deleted=deleted,
        photographer=contact_of(photographer),
    )


def withdrawn(media_id: uuid.UUID, revision: int) -> MediaWithdrawn:
    return MediaWithdrawn(media_id=media_id, revision=revision)


async def offer(
    service: OrdersRoot, *messages: MediaOffered | MediaWithdrawn | GalleryOffered
) -> list[bool]:
    """Deliver catalog's messages to orders' consumer, in this order (True: handled,
    False: a duplicate the inbox skipped)."""
    handled = []
    for message in messages:
        about = message.gallery_id if isinstance(message, GalleryOffered) else message.media_id
        handled.append(await handle(service, message.envelope(correlation_id=about)))
    return handled


async def offer_media(service: OrdersRoot, media: Sequence[Media]) -> None:
    await offer(service, *(snapshot_of(m) for m in media))
