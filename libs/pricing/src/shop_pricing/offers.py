"""Royalty-free price lists and what a media is offered with.

A pricing profile is a named, ordered list of rows (name, description, usage terms, price,
delivery format with link expiry and download limit). A media is offered the rows of every
profile attached to it or to one of its galleries, in profile order then row order, except
the rows that would deliver more pixels than its original (no upsizing is ever sold).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from shop_contracts.common import DeliverySpec, Offer
from shop_media.sizing import exceeds_original
from shop_pricing.rounding import check_amount

MediaKind = Literal["image", "video"]


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a royalty-free price list; its id is the `license_id` orders name."""

    id: uuid.UUID
    name: str
    price: int  # minor units
    delivery: DeliverySpec
    description: str | None = None
    usage_terms: str | None = None

    def __post_init__(self) -> None:
        check_amount("price", self.price)


@dataclass(frozen=True, slots=True)
class RoyaltyFreeProfile:
    id: uuid.UUID
    name: str
    rows: tuple[Row, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class MediaSize:
    kind: MediaKind
    width: int
    height: int


def too_big(media: MediaSize, spec: DeliverySpec) -> str | None:
    """Why `spec` would upsize `media`, or None when it fits within the original."""
    if media.kind == "video":
        if spec.video_max_height is not None and spec.video_max_height > media.height:
            return (
                f"video height {spec.video_max_height} is bigger than the original "
                f"({media.height} lines)"
            )
        return None
    if exceeds_original(spec, media.width, media.height):
        return (
            f"delivery mode {spec.mode} asks for more pixels than the original has "
            f"({media.width} x {media.height} px)"
        )
    return None


def offers_for(media: MediaSize, profiles: Iterable[RoyaltyFreeProfile]) -> list[Offer]:
    """The offers of `media` under `profiles` (already in the order they apply): each row
    once (a profile attached twice, e.g. to the media and its gallery, counts once), and
    none bigger than the original."""
    offers: list[Offer] = []
    seen: set[uuid.UUID] = set()
    for profile in profiles:
        for row in profile.rows:
            if row.id in seen or too_big(media, row.delivery) is not None:
                continue
            seen.add(row.id)
            offers.append(
                Offer(
                    license_id=row.id,
                    profile_id=profile.id,
                    name=row.name,
                    description=row.description,
                    usage_terms=row.usage_terms,
                    price=row.price,
                    delivery=row.delivery,
                )
            )
    return offers


def find_offer(offers: Iterable[Offer], license_id: uuid.UUID) -> Offer | None:
    return next((offer for offer in offers if offer.license_id == license_id), None)
