"""Galleries: create, edit, delete, their media, allowed emails, free-download grants.

Every change that can alter an offer or a gallery snapshot publishes in the same
transaction: media whose offers change (`publish_media`), the gallery's `gallery_offered`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from shop_catalog.domain.owners import Owner
from shop_catalog.domain.sales import (
    FieldError,
    Gallery,
    GalleryFacts,
    SalesNotFoundError,
    Visibility,
    check_access_setup,
    gallery_slug,
    unique_emails,
)
from shop_catalog.service.gallery_access import GalleryKeys, hash_password_async, new_access_token
from shop_catalog.service.offering import gallery_offered, publish
from shop_catalog.service.owners import creator, sees
from shop_catalog.service.ports import Repositories
from shop_catalog.service.profiles import check_profile_ids
from shop_catalog.service.sales_ports import GalleryKey
from shop_contracts.common import DeliverySpec
from shop_contracts.events import FreeDownloadGranted, GalleryAccessGranted
from shop_platform.accounts import Principal
from shop_platform.paging import Page, page_of
from shop_platform.security import random_token

MAX_DEPTH = 10


@dataclass(frozen=True, slots=True)
class GalleryDraft:
    title: str
    visibility: Visibility = "public"
    description: str | None = None
    password: str | None = None  # None: keep the current one (edit)
    allowed_emails: list[str] = field(default_factory=list)
    parent_id: uuid.UUID | None = None
    position: int = 0
    cover_media_id: uuid.UUID | None = None
    pricing_profile_ids: list[uuid.UUID] = field(default_factory=list)
    whole_gallery_price: int | None = None
    whole_gallery_delivery: DeliverySpec | None = None


async def get_gallery(repos: Repositories, gallery_id: uuid.UUID, *, who: Principal) -> Gallery:
    """The gallery, if `who` may see it (another photographer's: not found)."""
    gallery = await repos.sales.get_gallery(gallery_id)
    if gallery is None or not sees(who, gallery.owner):
        raise SalesNotFoundError(f"no gallery {gallery_id}")
    return gallery


async def list_galleries(repos: Repositories, *, who: Principal) -> list[Gallery]:
    """Every gallery; a photographer's own only."""
    return await repos.sales.list_galleries(who.photographer_scope)


async def page_galleries(
    repos: Repositories, *, who: Principal, cursor: str | None, limit: int
) -> Page[Gallery]:
    """A page of `list_galleries` (same order, same scope) after `cursor` (a page's
    `next_cursor`; anything else is a 422 naming `cursor`)."""
    after = GalleryKey.decode(cursor) if cursor else None
    found = await repos.sales.list_galleries(who.photographer_scope, after=after, limit=limit + 1)
    return page_of(found, limit, lambda g: GalleryKey.of(g).encode())


async def check_media_ids(
    repos: Repositories, ids: list[uuid.UUID], field: str, *, who: Principal, owner: Owner
) -> None:
    """Each of `ids` is a live media `who` may see; in a photographer's gallery (`owner`),
    only that photographer's media. Another photographer's is named as unknown."""
    owners = await repos.sales.media_owners(ids)
    for media_id in ids:
        found = owners.get(media_id)
        if found is None or not sees(who, found):
            raise FieldError(field, f"no media {media_id}")
        if owner.photographer_id not in (None, found.photographer_id):
            raise FieldError(
                field, f"media {media_id} belongs to another photographer than the gallery"
            )


async def _check(
    repos: Repositories,
    draft: GalleryDraft,
    current: Gallery | None,
    *,
    who: Principal,
    owner: Owner,
) -> None:
    """The draft's title, price lists, parent and cover. A parent `who` cannot see is
    refused as unknown, unless it is the one the gallery already has (the owner may nest
    a photographer's gallery in the shop's)."""
    gallery_id = current.id if current else None
    kept_parent = current.parent_id if current else None
    if not draft.title.strip():
        raise FieldError("title", "must not be empty")
    await check_profile_ids(
        repos, draft.pricing_profile_ids, "pricing_profile_ids", who=who, owner=owner
    )
    parent_id, depth = draft.parent_id, 0
    while parent_id is not None:  # up to the top: no gallery inside itself
        if parent_id == gallery_id:
            raise FieldError("parent_id", "a gallery cannot be inside itself")
        parent = await repos.sales.get_gallery(parent_id)
        hidden = parent_id != kept_parent and parent is not None and not sees(who, parent.owner)
        if parent is None or (depth == 0 and hidden):
            raise FieldError("parent_id", f"no gallery {parent_id}")
        parent_id, depth = parent.parent_id, depth + 1
        if depth > MAX_DEPTH:
            raise FieldError("parent_id", f"galleries nest {MAX_DEPTH} deep at most")
    if draft.cover_media_id is not None:
        await check_media_ids(repos, [draft.cover_media_id], "cover_media_id", who=who, owner=owner)


async def _unique_slug(repos: Repositories, title: str, visibility: Visibility) -> str:
    for attempt in range(50):
        slug = gallery_slug(title, visibility, random_token(9).lower().replace("_", "x"))
        if attempt and visibility == "public":
            slug = f"{slug}-{attempt + 1}"
        if not await repos.sales.slug_taken(slug):
            return slug
    raise FieldError("title", "no free address for this title")  # pragma: no cover


async def _grant_access(
    repos: Repositories, gallery: Gallery, emails: list[str], keys: GalleryKeys, now: datetime
) -> None:
    """New allowed emails get an access link by email (GalleryAccessGranted)."""
    envelopes = []
    for email in emails:
        token, token_hash = new_access_token()
        if await repos.sales.add_allowed_email(gallery.id, email, token_hash):
            event = GalleryAccessGranted(
                gallery_id=gallery.id,
                gallery_title=gallery.title,
                client_email=email,
                access_url=keys.access_url(gallery.slug, token),
            )
            envelopes.append(event.envelope(correlation_id=gallery.id, occurred_at=now))
    await repos.outbox.add(*envelopes)


def _with_settings(
    gallery: Gallery, draft: GalleryDraft, *, slug: str, password_hash: str | None
) -> Gallery:
    """The gallery with the draft's settings (what the admin's form and API set)."""
    return replace(
        gallery,
        slug=slug,
        title=draft.title.strip(),
        description=draft.description,
        visibility=draft.visibility,
        parent_id=draft.parent_id,
        position=draft.position,
        cover_media_id=draft.cover_media_id,
        password_hash=password_hash,
        whole_gallery_price=draft.whole_gallery_price,
        whole_gallery_delivery=draft.whole_gallery_delivery,
        profile_ids=draft.pricing_profile_ids,
    )


async def create_gallery(
    repos: Repositories,
    draft: GalleryDraft,
    *,
    who: Principal,
    keys: GalleryKeys,
    now: datetime,
) -> Gallery:
    """A new gallery, `who`'s (a photographer's own, else the shop's)."""
    owner = creator(who)
    await _check(repos, draft, None, who=who, owner=owner)
    emails = unique_emails(draft.allowed_emails)
    check_access_setup(draft.visibility, has_password=bool(draft.password), allowed_emails=emails)
    password_hash = (
        await hash_password_async(draft.password)
        if draft.password and draft.visibility == "private"
        else None
    )
    gallery = _with_settings(
        Gallery(
            id=uuid.uuid4(),
            slug="",
            title="",
            description=None,
            visibility="public",
            owner=owner,
        ),
        draft,
        slug=await _unique_slug(repos, draft.title.strip(), draft.visibility),
        password_hash=password_hash,
    )
    await repos.sales.insert_gallery(gallery)
    if gallery.is_private:
        await _grant_access(repos, gallery, emails, keys, now)
    await publish(repos, gallery_ids=[gallery.id], now=now)
    return await get_gallery(repos, gallery.id, who=who)


async def update_gallery(
    repos: Repositories,
    gallery_id: uuid.UUID,
    draft: GalleryDraft,
    *,
    who: Principal,
    keys: GalleryKeys,
    now: datetime,
) -> Gallery:
    """Replace the gallery's settings. The password is kept unless a new one is given; a
    gallery that stops being private forgets it. A new visibility gets a matching slug
    (readable for public, unguessable otherwise)."""
    current = await get_gallery(repos, gallery_id, who=who)
    await _check(repos, draft, current, who=who, owner=current.owner)
    emails = unique_emails(draft.allowed_emails)
    private = draft.visibility == "private"
    password_hash = current.password_hash if private else None
    if private and draft.password:
        password_hash = await hash_password_async(draft.password)
    check_access_setup(
        draft.visibility, has_password=password_hash is not None, allowed_emails=emails
    )
    slug = current.slug
    if draft.visibility != current.visibility:  # a title edit keeps the address
        slug = await _unique_slug(repos, draft.title.strip(), draft.visibility)
    gallery = _with_settings(current, draft, slug=slug, password_hash=password_hash)
    await repos.sales.update_gallery(gallery)
    await repos.sales.remove_allowed_emails(gallery_id, emails if private else [])
    if private:
        await _grant_access(repos, gallery, emails, keys, now)
    members = await repos.sales.gallery_media_ids(gallery_id)
    profiles_changed = current.profile_ids != draft.pricing_profile_ids
    await publish(
        repos, media_ids=members if profiles_changed else [], gallery_ids=[gallery_id], now=now
    )
    return await get_gallery(repos, gallery_id, who=who)


async def delete_gallery(
    repos: Repositories, gallery_id: uuid.UUID, *, who: Principal, now: datetime
) -> None:
    """Gone from the storefront; its media are republished without its price lists, and
    orders learns it is no longer sold whole (`deleted`)."""
    gallery = await get_gallery(repos, gallery_id, who=who)
    members = await repos.sales.gallery_media_ids(gallery_id)
    await repos.sales.delete_gallery(gallery_id)
    await publish(repos, media_ids=members, now=now)
    facts = GalleryFacts(
        id=gallery.id,
        revision=gallery.revision + 1,
        title=gallery.title,
        slug=gallery.slug,
        whole_gallery_price=None,
        delivery=gallery.whole_gallery_delivery or DeliverySpec(),
        owner=gallery.owner,
    )
    event = gallery_offered(facts, [], deleted=True)
    await repos.outbox.add(event.envelope(correlation_id=gallery.id, occurred_at=now))


async def gallery_media_ids(
    repos: Repositories, gallery_id: uuid.UUID, *, who: Principal
) -> list[uuid.UUID]:
    await get_gallery(repos, gallery_id, who=who)
    return await repos.sales.gallery_media_ids(gallery_id)


async def set_gallery_media(
    repos: Repositories,
    gallery_id: uuid.UUID,
    media_ids: list[uuid.UUID],
    *,
    who: Principal,
    now: datetime,
) -> list[uuid.UUID]:
    """The gallery's media, in that order. Media that enter or leave it are republished
    (their offers include the gallery's price lists). A photographer's gallery holds only
    their own media."""
    gallery = await get_gallery(repos, gallery_id, who=who)
    if len(set(media_ids)) != len(media_ids):
        raise FieldError("media_ids", "the same media appears twice")
    await check_media_ids(repos, media_ids, "media_ids", who=who, owner=gallery.owner)
    before = await repos.sales.gallery_media_ids(gallery_id)
    await repos.sales.set_gallery_media(gallery_id, media_ids)
    changed = set(before) ^ set(media_ids)
    await publish(
        repos,
        media_ids=[m for m in [*before, *media_ids] if m in changed],
        gallery_ids=[gallery_id],
        now=now,
    )
    return media_ids


async def grant_free_download(
    repos: Repositories,
    gallery_id: uuid.UUID,
    client_email: str,
    delivery: DeliverySpec,
    *,
    who: Principal,
    now: datetime,
) -> uuid.UUID:
    """A client may download the gallery's files for free, with these link limits (a
    photographer: their own gallery, which holds only their media)."""
    gallery = await get_gallery(repos, gallery_id, who=who)
    members = (await repos.sales.gallery_members([gallery_id])).get(gallery_id, [])
    if not members:
        raise FieldError("gallery", "the gallery has no media to download")
    grant_id = uuid.uuid4()
    email = client_email.strip().lower()
    await repos.sales.insert_free_download(grant_id, gallery_id, email, delivery)
    event = FreeDownloadGranted(
        grant_id=grant_id,
        gallery_id=gallery_id,
        gallery_title=gallery.title,
        client_email=email,
        members=members,
        delivery=delivery,
    )
    await repos.outbox.add(event.envelope(correlation_id=grant_id, occurred_at=now))
    return grant_id


async def add_allowed_email(
    repos: Repositories,
    gallery_id: uuid.UUID,
    email: str,
    *,
    who: Principal,
    keys: GalleryKeys,
    now: datetime,
) -> Gallery:
    gallery = await get_gallery(repos, gallery_id, who=who)
    if not gallery.is_private:
        raise FieldError("email", "only a private gallery has allowed emails")
    await _grant_access(repos, gallery, unique_emails([email]), keys, now)
    return await get_gallery(repos, gallery_id, who=who)
