"""Galleries, selections, price lists: the pure rules and the facts use cases work on."""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from shop_catalog.domain.owners import SHOP, Owner
from shop_contracts.common import DeliverySpec, MediaState

Visibility = Literal["public", "unlisted", "private"]
VISIBILITIES: tuple[Visibility, ...] = ("public", "unlisted", "private")
MediaKind = Literal["image", "video"]


class SalesError(Exception):
    """Base of the sales part's domain errors."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FieldError(SalesError):
    """Bad input a schema cannot see (unknown ids, an impossible combination): 422."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class SalesNotFoundError(SalesError):
    """No such gallery, profile, selection or media (or not visible to this visitor)."""


class ProfileInUseError(SalesError):
    """A pricing profile still attached to media or galleries (delete with ?detach=true)."""


class GalleryLockedError(SalesError):
    """A private gallery asked for without its password or access (403)."""


@dataclass(frozen=True, slots=True)
class MediaFacts:
    """What a media's snapshot is made of (read from the media library's row)."""

    id: uuid.UUID
    revision: int
    title: str
    kind: MediaKind
    media_key: str
    width: int
    height: int
    credit: str | None
    state: MediaState
    withdrawn: bool
    created_at: datetime
    updated_at: datetime
    owner: Owner = SHOP


@dataclass(frozen=True, slots=True)
class GalleryFacts:
    id: uuid.UUID
    revision: int
    title: str
    slug: str
    whole_gallery_price: int | None
    delivery: DeliverySpec
    owner: Owner = SHOP


@dataclass(frozen=True, slots=True)
class Gallery:
    id: uuid.UUID
    slug: str
    title: str
    description: str | None
    visibility: Visibility
    parent_id: uuid.UUID | None = None
    position: int = 0
    cover_media_id: uuid.UUID | None = None
    password_hash: str | None = None
    whole_gallery_price: int | None = None
    whole_gallery_delivery: DeliverySpec | None = None
    revision: int = 0
    profile_ids: list[uuid.UUID] = field(default_factory=list)
    allowed_emails: list[str] = field(default_factory=list)
    media_count: int = 0
    has_children: bool = True  # False when known to have no nested gallery (storefront)
    owner: Owner = SHOP  # the photographer it belongs to (never changes)

    @property
    def is_private(self) -> bool:
        return self.visibility == "private"


def check_access_setup(
    visibility: Visibility, *, has_password: bool, allowed_emails: list[str]
) -> None:
    """A private gallery needs a password or at least one allowed email."""
    if visibility == "private" and not has_password and not allowed_emails:
        raise FieldError(
            "password", "a private gallery needs a password or at least one allowed email"
        )


def slugify(title: str) -> str:
    """`"Été à Paris!"` -> `"ete-a-paris"` (ASCII letters, digits and dashes; never empty)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:80].strip("-") or "gallery"


def gallery_slug(title: str, visibility: Visibility, random_suffix: str) -> str:
    """Public galleries get a readable slug; unlisted and private ones an unguessable one
    (a guesser cannot tell a private gallery from no gallery at all)."""
    base = slugify(title)
    return base if visibility == "public" else f"{base}-{random_suffix}"


def unique_emails(emails: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for email in emails:
        seen.setdefault(email.strip().lower(), None)
    return list(seen)
