"""Value objects shared by several messages."""

from __future__ import annotations

import unicodedata
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    field_validator,
    model_validator,
)

Currency = str  # ISO 4217 code, upper case; see `CurrencyField`
CurrencyField = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code")
MinorUnits = int  # money is always integer minor units plus a currency


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Address(Frozen):
    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    postal_code: str = Field(min_length=1, max_length=20)
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code")
    region: str | None = Field(
        default=None, max_length=100, description="state or province (tax rates by region)"
    )


class Client(Frozen):
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    address: Address


class PhotographerContact(Frozen):
    """A photographer of an agency (an orders account), as emails and sales name them."""

    photographer_id: uuid.UUID
    name: str
    email: EmailStr


class ClientContact(Frozen):
    """Who to write to, without the address."""

    name: str
    email: EmailStr


DeliveryMode = Literal["original", "long_edge", "fit", "fill", "megabytes"]
DeliveryFormat = Literal["same", "jpeg", "tiff", "png", "webp"]

# The fields each mode needs; `original` needs none.
_NEEDED: dict[str, tuple[str, ...]] = {
    "long_edge": ("long_edge",),
    "fit": ("width", "height"),
    "fill": ("width", "height"),
    "megabytes": ("megabytes",),
}


class DeliverySpec(BaseModel):
    """A delivery format: `original`, or a resize mode plus output format and JPEG quality.

    - `long_edge`: the longer side becomes `long_edge` pixels.
    - `fit`: fits within `width` x `height` (100x100 on 3:2 gives 100x67).
    - `fill`: just covers `width` x `height`, no crop (100x100 on 3:2 gives 150x100).
    - `megabytes`: `width * height * 3` bytes equals `megabytes` MB (1 Mpixel = 3 MB).

    Renditions never upscale: a smaller original is delivered at its own size.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: DeliveryMode = "original"
    long_edge: int | None = Field(default=None, gt=0, description="pixels")
    width: int | None = Field(default=None, gt=0, description="pixels")
    height: int | None = Field(default=None, gt=0, description="pixels")
    megabytes: float | None = Field(default=None, gt=0, description="uncompressed 8-bit RGB MB")
    format: DeliveryFormat = "same"
    quality: int = Field(default=90, ge=1, le=100)
    # Video clips: re-encode to H.264 MP4 at most this many lines high (None: the original).
    video_max_height: int | None = Field(default=None, ge=2)
    video_crf: int = Field(default=23, ge=0, le=51)
    # Not part of the rendition itself (not in `key()`): how the delivered copy is named,
    # stamped and linked.
    file_name_template: str = Field(default="{{basename}}_{{license}}", max_length=200)
    stamp_license: bool = Field(
        default=True, description="write the license into the file's XMP (not for originals)"
    )
    link_expiry_days: int | None = Field(
        default=None, ge=1, le=3650, description="None: the delivery setting"
    )
    max_downloads: int | None = Field(
        default=None, ge=1, le=1000, description="None: the delivery setting"
    )

    @field_validator("file_name_template", mode="before")
    @classmethod
    def _no_format_characters(cls, value: object) -> object:
        """Invisible format characters (U+202E...) would disguise the delivered file's name."""
        if isinstance(value, str):
            return "".join(c for c in value if unicodedata.category(c) != "Cf")
        return value

    @model_validator(mode="after")
    def _fields_for_mode(self) -> DeliverySpec:
        missing = [name for name in _NEEDED.get(self.mode, ()) if getattr(self, name) is None]
        if missing:
            raise ValueError(f"delivery mode {self.mode!r} needs {', '.join(missing)}")
        return self

    def key(self) -> str:
        """A short stable string naming the rendition, used as its cache key.

        Only the fields that change the output are included, so equal renditions share
        one cache entry (e.g. `long_edge-1024-same-q90`, `fit-100x100-jpeg-q80`).
        """
        if self.video_max_height is not None:
            return f"video-{self.video_max_height}p-crf{self.video_crf}"
        if self.mode == "original":
            return "original"
        if self.mode == "long_edge":
            size = f"{self.long_edge}"
        elif self.mode == "megabytes":
            size = f"{self.megabytes:g}"
        else:
            size = f"{self.width}x{self.height}"
        return f"{self.mode}-{size}-{self.format}-q{self.quality}"


MediaState = Literal["undefined", "proof", "final"]


class GalleryMember(Frozen):
    """One file of a gallery, with what delivery needs to produce it."""

    media_id: uuid.UUID
    media_key: str
    title: str
    kind: Literal["image", "video"]
    width: int = Field(ge=1)
    height: int = Field(ge=1)
    credit: str | None = None
    state: MediaState = "undefined"


class QuantityTier(Frozen):
    """A quantity discount of a pricing profile: `percent` off each of its lines when the
    order has at least `min_quantity` lines priced with that profile (shop_pricing.discounts)."""

    min_quantity: int = Field(ge=2, le=10_000)
    percent: Decimal = Field(gt=0, le=100)


class Offer(Frozen):
    """A royalty-free row of a pricing profile as offered for one media: rows asking for
    more pixels than the original are never offered (the catalog checks that with
    `shop_pricing` before it publishes). `license_id` is the row's id, the one an order
    names."""

    kind: Literal["royalty_free"] = "royalty_free"
    license_id: uuid.UUID
    profile_id: uuid.UUID
    name: str = Field(min_length=1, max_length=100)
    description: str | None = None
    usage_terms: str | None = None
    price: MinorUnits = Field(ge=0, le=10**12)
    delivery: DeliverySpec
    quantity_tiers: list[QuantityTier] = Field(default_factory=list, description="the profile's")


class RightsManagedOption(Frozen):
    name: str = Field(min_length=1, max_length=200)
    ratio: Decimal = Field(gt=0)


class RightsManagedGroup(Frozen):
    """One dimension of a usage (usage, size, duration, territory...): the client chooses
    one option; prices scale by (chosen ratio / base option's ratio)."""

    name: str = Field(min_length=1, max_length=200)
    base_option: str = Field(min_length=1, max_length=200)
    options: list[RightsManagedOption] = Field(min_length=1)


class RightsManagedOffer(Frozen):
    """A rights-managed profile as offered for one media: the client chooses an option in
    every group and the price is computed with `shop_pricing.rights_managed` (base price x
    product of ratio / base ratio, raised to the minimum, rounded once). The order line's
    `license_id` is then the profile id and its `usage` the choices."""

    kind: Literal["rights_managed"] = "rights_managed"
    profile_id: uuid.UUID
    name: str = Field(min_length=1, max_length=100)
    description: str | None = None
    usage_terms: str | None = None
    base_price: MinorUnits = Field(ge=0, le=10**12)
    minimum_price: MinorUnits | None = Field(default=None, ge=0, le=10**12)
    groups: list[RightsManagedGroup] = Field(min_length=1)
    delivery: DeliverySpec = Field(
        default_factory=DeliverySpec, description="the original unless the profile says otherwise"
    )
    quantity_tiers: list[QuantityTier] = Field(default_factory=list)


AnyOffer = Annotated[Offer | RightsManagedOffer, Field(discriminator="kind")]


class InfoFieldValue(Frozen):
    """A client's answer to one of the photographer's order information fields."""

    name: str = Field(min_length=1, max_length=100)
    label: str = Field(min_length=1, max_length=200)
    value: str = Field(max_length=10_000)


class OrderLine(Frozen):
    """One licensed file of an order, with everything delivery needs to produce it."""

    line_id: uuid.UUID
    media_id: uuid.UUID
    media_title: str
    media_kind: Literal["image", "video"]
    media_key: str = Field(description="key of the original in the media store")
    license_id: uuid.UUID
    license_name: str
    price: MinorUnits = Field(ge=0)
    delivery: DeliverySpec
    media_status: Literal["proof", "final"] = "final"
    media_created_at: AwareDatetime | None = Field(
        default=None, description="upload date (file names fall back to it)"
    )
    media_updated_at: AwareDatetime | None = None
    credit: str | None = Field(default=None, description="the photographer's credit line")
    usage_terms: str | None = Field(default=None, description="what the license allows")
    # A whole gallery sold as one line (one price): `media_id` and `license_id` are then the
    # gallery's id, `media_key` is empty, and `members` are its files when the order was
    # placed. Delivery fixes the files at payment from its own copy of the gallery
    # (`catalog.gallery_offered`), falling back to these.
    gallery_id: uuid.UUID | None = None
    members: list[GalleryMember] = Field(default_factory=list)
    # Pricing issue: the profile the line was priced with; for a rights-managed line
    # `license_id` is that profile's id and `usage` the option chosen in each group (in the
    # profile's order), written into the delivered file's license. `discount` is the line's
    # share of the order's discounts (quantity and coupon, spread in proportion).
    profile_id: uuid.UUID | None = None
    usage: dict[str, str] | None = None
    discount: MinorUnits = Field(default=0, ge=0)
    # Payments and after-sale issue (quotations): a service line has no file (its media
    # fields are the quote's ids, `media_key` ""); an offline-delivery line's file is
    # delivered by the photographer by hand. Delivery produces neither.
    service: bool = False
    offline_delivery: bool = False
    # The usage's groups in the profile's order: a JSON object's key order does not survive
    # everywhere (PostgreSQL's JSONB sorts keys, and the outbox keeps envelopes as JSONB), so
    # `usage` is read back in this order. Filled from `usage` when a line is made.
    usage_groups: list[str] | None = Field(
        default=None, description="the groups of `usage` in the profile's order"
    )
    # Back-office issue (agency): the photographer whose media (or gallery) the line sells,
    # an account id of orders; None: the shop owner's own work. Sales are split by it.
    photographer_id: uuid.UUID | None = None

    @model_validator(mode="before")
    @classmethod
    def _usage_in_its_order(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        usage, groups = data.get("usage"), data.get("usage_groups")
        if isinstance(usage, dict) and usage:
            if groups is None:
                return {**data, "usage_groups": list(usage)}
            if isinstance(groups, list) and sorted(groups) == sorted(usage):
                return {**data, "usage": {group: usage[group] for group in groups}}
        return data

    @property
    def usage_text(self) -> str | None:
        """ "Usage: Web; Size: A3" (None: royalty-free)."""
        if not self.usage:
            return None
        return "; ".join(f"{group}: {option}" for group, option in self.usage.items())

    @property
    def is_gallery(self) -> bool:
        return self.gallery_id is not None
