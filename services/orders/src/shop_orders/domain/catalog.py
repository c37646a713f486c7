"""What the shop sells: media and the license options offered for each."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from shop_orders.domain.branding import DEFAULT_SHOP_NAME
from shop_orders.domain.errors import IllegalTransitionError
from shop_orders.domain.order import MediaKind

MediaStatus = Literal["proof", "final"]


@dataclass(frozen=True, slots=True)
class LicenseOption:
    id: uuid.UUID
    media_id: uuid.UUID
    name: str
    price: int  # minor units of the shop's currency
    # A shop_contracts DeliverySpec as JSON: the format, and the file-name template,
    # link expiry and download count of the delivered copy.
    delivery: dict[str, Any]
    position: int = 0
    usage_terms: str | None = None


@dataclass(frozen=True, slots=True)
class Media:
    id: uuid.UUID
    title: str
    kind: MediaKind
    media_key: str
    width: int
    height: int
    credit: str | None = None
    licenses: list[LicenseOption] = field(default_factory=list)
    status: MediaStatus = "final"
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def size_label(self) -> str:
        return f"{self.width} x {self.height} px"

    @property
    def is_proof(self) -> bool:
        return self.status == "proof"

    def check_finalize(self) -> None:
        """Marking Final is for a Proof only: a second press is refused (409), not repeated."""
        if not self.is_proof:
            raise IllegalTransitionError(f"media {self.id} is already final")

    def check_mark_proof(self) -> None:
        """A Final file becomes a Proof again (e.g. a retouch is coming); not twice."""
        if self.is_proof:
            raise IllegalTransitionError(f"media {self.id} is already a proof")


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
