"""Publishing what is for sale: a media's `catalog.media_offered` snapshot (its offers
resolved with `shop_pricing`) and the `catalog.gallery_offered` snapshots of the galleries
that contain it. Every change that alters what a media is offered with calls
`publish_media` in the same transaction (the snapshots go to the outbox).

- A media's offers: those of its own profiles (in their order), then those of the
  galleries it is in (gallery by gallery), each profile once: a royalty-free profile's rows
  (none bigger than the original, `shop_pricing.offers.offers_for`), a rights-managed
  profile's option tree (`RightsManagedOffer`, unless its delivery would upsize the file);
  each offer carries its profile's quantity tiers. Empty when "offer only Final" is on and
  the media is not Final.
- A withdrawn media gets its revision bumped but no `media_offered`: the media library
  writes `catalog.media_withdrawn` with the revision this returns.
- Its galleries get a new revision and a `gallery_offered` with their current members.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from shop_catalog.domain.profiles import PricingProfile
from shop_catalog.domain.sales import GalleryFacts, MediaFacts
from shop_catalog.service.ports import Repositories
from shop_contracts.common import AnyOffer, GalleryMember, RightsManagedOffer
from shop_contracts.events import GalleryOffered, MediaOffered
from shop_pricing.offers import MediaSize, Row, RoyaltyFreeProfile, offers_for, too_big


async def publish_media(
    repos: Repositories, media_ids: Iterable[uuid.UUID], *, now: datetime
) -> dict[uuid.UUID, int]:
    """Bump each media's revision and write its snapshot (and its galleries') to the
    outbox. Returns each media's new revision (for `media_withdrawn`)."""
    return await publish(repos, media_ids=media_ids, now=now)


async def publish_gallery(
    repos: Repositories, gallery_ids: Iterable[uuid.UUID], *, now: datetime
) -> None:
    """A gallery's own change (title, whole price, slug): a new `gallery_offered`."""
    await publish(repos, gallery_ids=gallery_ids, now=now)


async def publish(
    repos: Repositories,
    *,
    media_ids: Iterable[uuid.UUID] = (),
    gallery_ids: Iterable[uuid.UUID] = (),
    now: datetime,
) -> dict[uuid.UUID, int]:
    """Media snapshots for `media_ids`, gallery snapshots for `gallery_ids` and for every
    gallery containing one of the media; each message once."""
    ids = list(dict.fromkeys(media_ids))
    revisions: dict[uuid.UUID, int] = {}
    if ids:
        media = await repos.sales.bump_media_revisions(ids)
        revisions = {m.id: m.revision for m in media}
        await _offer_media(repos, media, now)
    galleries = list(dict.fromkeys([*gallery_ids, *await repos.sales.galleries_containing(ids)]))
    if galleries:
        await _offer_galleries(repos, galleries, now)
    return revisions


def _royalty_free(profile: PricingProfile) -> RoyaltyFreeProfile:
    return RoyaltyFreeProfile(
        id=profile.id,
        name=profile.name,
        rows=tuple(
            Row(
                id=r.id,
                name=r.name,
                price=r.price,
                delivery=r.delivery,
                description=r.description,
                usage_terms=r.usage_terms,
            )
            for r in profile.rows
        ),
    )


def _rights_managed(size: MediaSize, profile: PricingProfile) -> list[AnyOffer]:
    terms = profile.rights_managed
    if terms is None or too_big(size, terms.delivery) is not None:
        return []
    offer = RightsManagedOffer(
        profile_id=profile.id,
        name=profile.name,
        description=terms.description,
        usage_terms=terms.usage_terms,
        base_price=terms.base_price,
        minimum_price=terms.minimum_price,
        groups=terms.groups,
        delivery=terms.delivery,
        quantity_tiers=profile.quantity_tiers,
    )
    return [offer]


def resolve_offers(
    media: MediaFacts, profiles: list[PricingProfile], *, only_final: bool
) -> list[AnyOffer]:
    """What `media` is offered under `profiles` (in the order they apply), each once."""
    if media.withdrawn or (only_final and media.state != "final"):
        return []
    size = MediaSize(media.kind, media.width, media.height)
    offers: list[AnyOffer] = []
    for profile in {p.id: p for p in profiles}.values():
        if profile.kind == "rights_managed":
            offers += _rights_managed(size, profile)
            continue
        tiers = {"quantity_tiers": profile.quantity_tiers}
        offers += [o.model_copy(update=tiers) for o in offers_for(size, [_royalty_free(profile)])]
    return offers


async def _offer_media(repos: Repositories, media: list[MediaFacts], now: datetime) -> None:
    profiles = await repos.sales.profiles_of_media([m.id for m in media])
    only_final = await repos.sales.offer_only_final()
    envelopes = []
    snapshots: list[tuple[uuid.UUID, int, list[AnyOffer]]] = []
    for item in media:
        offers = resolve_offers(item, profiles.get(item.id, []), only_final=only_final)
        snapshots.append((item.id, item.revision, offers))
        if item.withdrawn:
            continue
        event = MediaOffered(
            media_id=item.id,
            revision=item.revision,
            title=item.title,
            kind=item.kind,
            media_key=item.media_key,
            width=max(1, item.width),
            height=max(1, item.height),
            credit=item.credit,
            state=item.state,
            offers=offers,
            created_at=item.created_at,
            updated_at=item.updated_at,
            photographer=item.owner.contact(),
        )
        envelopes.append(event.envelope(correlation_id=item.id, occurred_at=now))
    await repos.sales.save_offers(snapshots)
    await repos.outbox.add(*envelopes)


def gallery_offered(
    gallery: GalleryFacts, members: list[GalleryMember], *, deleted: bool = False
) -> GalleryOffered:
    return GalleryOffered(
        gallery_id=gallery.id,
        revision=gallery.revision,
        title=gallery.title,
        slug=gallery.slug,
        whole_gallery_price=None if deleted else gallery.whole_gallery_price,
        delivery=gallery.delivery,
        members=[] if deleted else members,
        deleted=deleted,
        photographer=gallery.owner.contact(),
    )


async def _offer_galleries(
    repos: Repositories, gallery_ids: list[uuid.UUID], now: datetime
) -> None:
    galleries = await repos.sales.bump_gallery_revisions(gallery_ids)
    members = await repos.sales.gallery_members([g.id for g in galleries])
    await repos.outbox.add(
        *(
            gallery_offered(g, members.get(g.id, [])).envelope(correlation_id=g.id, occurred_at=now)
            for g in galleries
        )
    )
