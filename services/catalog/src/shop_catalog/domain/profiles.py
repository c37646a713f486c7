"""Pricing profiles (royalty-free price lists, rights-managed option trees, quantity
discounts) and what the storefront shows of a media."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from shop_catalog.domain.owners import SHOP, Owner
from shop_contracts.common import DeliverySpec, QuantityTier, RightsManagedGroup

ProfileKind = Literal["royalty_free", "rights_managed"]


@dataclass(frozen=True, slots=True)
class ProfileRow:
    id: uuid.UUID  # the license_id orders name
    name: str
    price: int
    delivery: DeliverySpec
    description: str | None = None
    usage_terms: str | None = None


@dataclass(frozen=True, slots=True)
class RightsManagedTerms:
    """A rights-managed profile's option tree and prices (minor units): the client chooses
    one option in every group; `shop_pricing.rights_managed` prices the usage."""

    base_price: int
    groups: list[RightsManagedGroup]
    minimum_price: int | None = None
    delivery: DeliverySpec = field(default_factory=DeliverySpec)  # the original by default
    description: str | None = None
    usage_terms: str | None = None


@dataclass(frozen=True, slots=True)
class PricingProfile:
    id: uuid.UUID
    name: str
    kind: ProfileKind = "royalty_free"
    rows: list[ProfileRow] = field(default_factory=list)  # royalty-free only
    rights_managed: RightsManagedTerms | None = None  # rights-managed only
    quantity_tiers: list[QuantityTier] = field(default_factory=list)  # either kind
    owner: Owner = SHOP  # the photographer it belongs to (never changes)


@dataclass(frozen=True, slots=True)
class StoreMedia:
    """A media as the storefront shows it, with the offers it was last published with."""

    id: uuid.UUID
    title: str
    kind: Literal["image", "video"]
    width: int
    height: int
    file_revision: int
    caption: str | None = None
    credit: str | None = None
    keywords: list[str] = field(default_factory=list)
    offers: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class GalleryCard:
    id: uuid.UUID
    slug: str
    title: str
    description: str | None
    cover: StoreMedia | None
    parent_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class Selection:
    id: uuid.UUID
    token: str
    title: str
    client_email: str
    message: str | None
    media_ids: list[uuid.UUID] = field(default_factory=list)
    owner: Owner = SHOP  # the photographer who sent it
    created_at: datetime | None = None  # when listed (the admin's pages' cursor)
