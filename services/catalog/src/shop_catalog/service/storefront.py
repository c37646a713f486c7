"""What a visitor may see: public galleries, unlisted ones by their address, private ones
with their password, access link or unlock cookie, selections by their token; and search
over public galleries only."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from shop_catalog.domain.profiles import GalleryCard, Selection, StoreMedia
from shop_catalog.domain.sales import Gallery, GalleryLockedError, SalesNotFoundError
from shop_catalog.service.gallery_access import GalleryKeys
from shop_catalog.service.ports import Repositories
from shop_catalog.service.selections import open_selection
from shop_platform.security import hash_token

PAGE_SIZE = 60
T = TypeVar("T")
SEARCH_LIMIT = 120


@dataclass(frozen=True, slots=True)
class GalleryPage:
    gallery: Gallery
    media: list[StoreMedia]
    page: int
    has_next: bool
    children: list[GalleryCard] = field(default_factory=list)


async def home_galleries(repos: Repositories) -> list[GalleryCard]:
    """The home page's galleries: public ones not nested in another public gallery (those
    are shown on their parent's page)."""
    cards = await repos.sales.public_galleries()
    public = {c.id for c in cards}
    return [c for c in cards if c.parent_id is None or c.parent_id not in public]


async def find_gallery(repos: Repositories, slug: str) -> Gallery:
    gallery = await repos.sales.store_gallery(slug[:200])
    if gallery is None:
        raise SalesNotFoundError("no such gallery")
    return gallery


async def access_link_valid(repos: Repositories, gallery: Gallery, token: str) -> bool:
    return gallery.is_private and await repos.sales.allowed_by_token(gallery.id, hash_token(token))


async def gallery_page(repos: Repositories, gallery: Gallery, page: int) -> GalleryPage:
    """One page (PAGE_SIZE media) of an opened gallery: one query."""
    page = max(1, page)
    found = await repos.sales.gallery_page(
        gallery.id, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1
    )
    return GalleryPage(
        gallery,
        found[:PAGE_SIZE],
        page,
        len(found) > PAGE_SIZE,
        await children_of(repos, gallery, page),
    )


async def children_of(repos: Repositories, gallery: Gallery, page: int) -> list[GalleryCard]:
    """The galleries nested in this one (shown on its first page)."""
    if page != 1 or not gallery.has_children:
        return []
    return await repos.sales.child_galleries(gallery.id)


class PageCache(Generic[T]):
    """Gallery pages as served, keyed by (gallery id, revision, page). A gallery's revision
    grows with every change of the gallery or of one of its media (`offering.publish`), so
    an entry is never stale: a changed gallery is simply asked under a new key. Bounded
    (least recently used first out); each process keeps its own."""

    def __init__(self, max_entries: int = 256) -> None:
        self._entries: OrderedDict[tuple[uuid.UUID, int, int], T] = OrderedDict()
        self._max = max_entries

    def get(self, gallery: Gallery, page: int) -> T | None:
        key = (gallery.id, gallery.revision, page)
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, gallery: Gallery, page: int, value: T) -> None:
        self._entries[(gallery.id, gallery.revision, page)] = value
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)


async def visible_media(
    repos: Repositories,
    media_id: uuid.UUID,
    *,
    keys: GalleryKeys,
    cookies: Mapping[str, str],
    selection_token: str | None = None,
) -> StoreMedia:
    """A media seen through a public or unlisted gallery, an unlocked private one, or the
    selection whose token is given; otherwise 404 (never telling why)."""
    found = await repos.sales.store_media([media_id])
    if not found:
        raise SalesNotFoundError("no such media")
    if selection_token:
        selection = await repos.sales.selection_by_token(selection_token)
        if selection is not None and media_id in selection.media_ids:
            return found[0]
    for gallery_id, visibility, password_hash in await repos.sales.galleries_of_media(media_id):
        if visibility != "private":
            return found[0]
        gallery = Gallery(
            id=gallery_id,
            slug="",
            title="",
            description=None,
            visibility=visibility,
            password_hash=password_hash,
        )
        if keys.unlocked(gallery, cookies):
            return found[0]
    raise SalesNotFoundError("no such media")


async def selection_view(repos: Repositories, token: str) -> tuple[Selection, list[StoreMedia]]:
    selection = await open_selection(repos, token)
    return selection, await repos.sales.store_media(selection.media_ids)


async def search(repos: Repositories, q: str) -> list[StoreMedia]:
    q = "".join(c for c in q if c.isprintable()).strip()
    if not q:
        return []
    return await repos.sales.search_public(q[:100], limit=SEARCH_LIMIT)


def locked(gallery: Gallery) -> GalleryLockedError:
    return GalleryLockedError("this gallery needs its password")
