"""What the shop sells: media and the license options offered for each."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from shop_orders.domain.branding import DEFAULT_SHOP_NAME
from shop_orders.domain.order import MediaKind
from shop_orders.domain.photographer import Photographer

MediaState = Literal["undefined", "proof", "final"]
MediaStatus = Literal["proof", "final"]  # what an order line says: only Proof is held
OfferKind = Literal["royalty_free", "rights_managed"]


@dataclass(frozen=True, slots=True)
class LicenseOption:
    """One offer of a media in the read model of the catalog (catalog.media_offered): its
    id is the price-list row's id, the `license_id` an order names."""

    id: uuid.UUID
    media_id: uuid.UUID
    name: str
    price: int  # minor units of the shop's currency
    # A shop_contracts DeliverySpec as JSON: the format, and the file-name template,
    # link expiry and download count of the delivered copy.
    delivery: dict[str, Any]
    position: int = 0
    usage_terms: str | None = None
    profile_id: uuid.UUID | None = None
    description: str | None = None
    # Pricing (issue 12). A rights-managed offer: `id` = `profile_id`, `price` = the base
    # price, `rights_managed` = {"base_price", "minimum_price", "groups": [{"name",
    # "base_option", "options": [{"name", "ratio"}]}]} (ratios as decimal strings), priced
    # for the usage a client chooses. `quantity_tiers`: the profile's [{"min_quantity",
    # "percent"}] (percent a decimal string).
    kind: OfferKind = "royalty_free"
    rights_managed: dict[str, Any] | None = None
    quantity_tiers: tuple[dict[str, Any], ...] = ()

    @property
    def is_rights_managed(self) -> bool:
        return self.kind == "rights_managed"


@dataclass(frozen=True, slots=True)
class Media:
    """A media as orders knows it from catalog's snapshots (revision 0: from before the
    catalog service)."""

    id: uuid.UUID
    title: str
    kind: MediaKind
    media_key: str
    width: int
    height: int
    credit: str | None = None
    licenses: list[LicenseOption] = field(default_factory=list)
    state: MediaState = "undefined"
    revision: int = 0
    for_sale: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None
    photographer: Photographer | None = None  # the agency (issue 14); None: the owner's

    @property
    def size_label(self) -> str:
        return f"{self.width} x {self.height} px"

    @property
    def status(self) -> MediaStatus:
        """What an order line records: Undefined counts as Final (only Proof is held)."""
        return "proof" if self.state == "proof" else "final"

    @property
    def is_proof(self) -> bool:
        return self.state == "proof"

    def offer(self, license_id: uuid.UUID) -> LicenseOption | None:
        return next((o for o in self.licenses if o.id == license_id), None)


@dataclass(frozen=True, slots=True)
class GalleryForSale:
    """A gallery's snapshot (catalog.gallery_offered): sold whole when it has a price."""

    id: uuid.UUID
    revision: int
    title: str
    slug: str
    whole_gallery_price: int | None
    delivery: dict[str, Any]  # a DeliverySpec as JSON
    members: list[dict[str, Any]]  # GalleryMember as JSON
    deleted: bool = False
    photographer: Photographer | None = None  # the agency (issue 14); None: the owner's

    @property
    def sold_whole(self) -> bool:
        return not self.deleted and self.whole_gallery_price is not None


@dataclass(frozen=True, slots=True)
class ShopSettings:
    """The photographer's shop-wide choices (a singleton row)."""

    manual_validation: bool
    seller_email: str
    terms_text: str | None = None  # terms and conditions, delivered as a PDF with the files
    # The branding every page shows (domain/branding.py); the contact email starts as the
    # seller email.
    shop_name: str = DEFAULT_SHOP_NAME
    contact_email: str | None = None
    contact_phone: str | None = None
    accent_colour: str | None = None  # #rrggbb; None: the shared default
    logo_url: str | None = None
    # Abandoned orders (issue 13; domain/abandoned.py): days unpaid before the client is
    # reminded, before the order is cancelled; None: off.
    remind_unpaid_after_days: int | None = None
    cancel_unpaid_after_days: int | None = None
