"""HTTP shapes of the admin's price lists, galleries and selections, and of the storefront
(CONTRACT.md, "Catalog service"), with their mappers to and from the use cases' types."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
)

from shop_catalog.domain.profiles import GalleryCard, StoreMedia
from shop_catalog.domain.sales import Gallery
from shop_catalog.service.galleries import GalleryDraft
from shop_catalog.service.media_urls import preview_url, preview_urls
from shop_catalog.service.rights_managed import base_choices, lowest_price, quote
from shop_contracts.common import DeliverySpec, PhotographerContact, RightsManagedOffer
from shop_platform.text import check_multiline, check_single_line

MAX_PRICE = 10**12
# Free text refuses control characters (a NUL breaks PostgreSQL, a line break in a title
# breaks an email subject) and drops invisible format characters: shop_platform.text.
Name = Annotated[
    str,
    BeforeValidator(check_single_line),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
]
Title = Annotated[
    str,
    BeforeValidator(check_single_line),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
]
Text = Annotated[str, BeforeValidator(check_multiline), StringConstraints(max_length=5000)]
Price = Annotated[int, Field(ge=0, le=MAX_PRICE, strict=True)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MediaProfilesWrite(Strict):
    profile_ids: list[uuid.UUID] = Field(max_length=50)


class GalleryWrite(Strict):
    title: Title
    description: Text | None = None
    visibility: Literal["public", "unlisted", "private"] = "public"
    password: (
        Annotated[
            str, BeforeValidator(check_single_line), StringConstraints(min_length=1, max_length=200)
        ]
        | None
    ) = None
    allowed_emails: list[EmailStr] = Field(default_factory=list, max_length=500)
    parent_id: uuid.UUID | None = None
    position: int = Field(default=0, ge=0, le=100_000)
    cover_media_id: uuid.UUID | None = None
    pricing_profile_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    whole_gallery_price: Price | None = None
    whole_gallery_delivery: DeliverySpec | None = None

    def draft(self) -> GalleryDraft:
        return GalleryDraft(
            title=self.title,
            description=self.description or None,
            visibility=self.visibility,
            password=self.password,
            allowed_emails=[str(e) for e in self.allowed_emails],
            parent_id=self.parent_id,
            position=self.position,
            cover_media_id=self.cover_media_id,
            pricing_profile_ids=self.pricing_profile_ids,
            whole_gallery_price=self.whole_gallery_price,
            whole_gallery_delivery=self.whole_gallery_delivery,
        )


class GalleryRead(BaseModel):
    id: uuid.UUID
    slug: str
    url: str
    title: str
    description: str | None
    visibility: str
    has_password: bool
    allowed_emails: list[str]
    parent_id: uuid.UUID | None
    position: int
    cover_media_id: uuid.UUID | None
    pricing_profile_ids: list[uuid.UUID]
    whole_gallery_price: int | None
    whole_gallery_delivery: DeliverySpec | None
    media_count: int
    revision: int
    photographer: PhotographerContact | None = Field(
        default=None, description="the photographer it belongs to; null: the shop owner's own"
    )

    @classmethod
    def of(cls, g: Gallery, public_url: str) -> GalleryRead:
        return cls(
            id=g.id,
            photographer=g.owner.contact(),
            slug=g.slug,
            url=f"{public_url.rstrip('/')}/g/{g.slug}",
            title=g.title,
            description=g.description,
            visibility=g.visibility,
            has_password=g.password_hash is not None,
            allowed_emails=g.allowed_emails,
            parent_id=g.parent_id,
            position=g.position,
            cover_media_id=g.cover_media_id,
            pricing_profile_ids=g.profile_ids,
            whole_gallery_price=g.whole_gallery_price,
            whole_gallery_delivery=g.whole_gallery_delivery,
            media_count=g.media_count,
            revision=g.revision,
        )


class GalleryMediaWrite(Strict):
    media_ids: list[uuid.UUID] = Field(max_length=10_000)


class AllowedEmailWrite(Strict):
    email: EmailStr


class FreeDownloadWrite(Strict):
    client_email: EmailStr
    delivery: DeliverySpec = Field(default_factory=DeliverySpec)


class SelectionWrite(Strict):
    title: Title
    media_ids: list[uuid.UUID] = Field(min_length=1, max_length=1000)
    client_email: EmailStr
    message: Text | None = None


# --- storefront -------------------------------------------------------------------------


def store_offer(offer: dict[str, Any]) -> dict[str, Any]:
    """A published offer as the storefront shows it (no delivery internals). Royalty-free:
    its row (`license_id`, `price`). Rights-managed: its option tree, `price` the base
    options' (preselected) and `from_price` the cheapest usage's. Both: `quantity_tiers`."""
    tiers = offer.get("quantity_tiers") or []
    if offer.get("kind") == "rights_managed":
        rm = RightsManagedOffer.model_validate(offer)
        return {
            "kind": "rights_managed",
            "profile_id": str(rm.profile_id),
            "name": rm.name,
            "description": rm.description,
            "usage_terms": rm.usage_terms,
            "base_price": rm.base_price,
            "minimum_price": rm.minimum_price,
            "groups": [g.model_dump(mode="json") for g in rm.groups],
            "price": quote(rm, base_choices(rm))[1],
            "from_price": lowest_price(rm),
            "quantity_tiers": tiers,
        }
    return {
        "kind": offer.get("kind", "royalty_free"),
        "license_id": offer["license_id"],
        "profile_id": offer.get("profile_id"),
        "name": offer["name"],
        "description": offer.get("description"),
        "usage_terms": offer.get("usage_terms"),
        "price": offer["price"],
        "from_price": offer["price"],
        "quantity_tiers": tiers,
    }


def media_json(m: StoreMedia, base: str) -> dict[str, Any]:
    return {
        "id": str(m.id),
        "title": m.title,
        "kind": m.kind,
        "width": m.width,
        "height": m.height,
        "caption": m.caption,
        "credit": m.credit,
        "keywords": m.keywords,
        **preview_urls(base, m),
        "offers": [store_offer(o) for o in m.offers],
    }


def card_json(card: GalleryCard, base: str) -> dict[str, Any]:
    cover = card.cover
    return {
        "id": str(card.id),
        "slug": card.slug,
        "title": card.title,
        "description": card.description,
        "parent_id": str(card.parent_id) if card.parent_id else None,
        "cover_url": preview_url(base, cover.id, "thumb.jpg", cover.file_revision)
        if cover
        else None,
    }
