"""What the shop sells: media and the license options offered for each."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from shop_orders.domain.order import MediaKind


@dataclass(frozen=True, slots=True)
class LicenseOption:
    id: uuid.UUID
    media_id: uuid.UUID
    name: str
    price: int  # minor units of the shop's currency
    delivery: dict[str, Any]  # a shop_contracts DeliverySpec, as JSON
    position: int = 0


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

    @property
    def size_label(self) -> str:
        return f"{self.width} x {self.height} px"


@dataclass(frozen=True, slots=True)
class ShopSettings:
    """The photographer's shop-wide choices (a singleton row)."""

    manual_validation: bool
    seller_email: str
