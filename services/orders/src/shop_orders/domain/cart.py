"""A client's cart: one line per media (a new license replaces the old), one per gallery.

Prices are never kept on the cart: each time it is shown or ordered, its lines are priced
from the read model of the catalog; a line whose offer disappeared is unavailable and blocks
the checkout.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from shop_orders.domain.catalog import Media

CART_LIFETIME = timedelta(days=30)  # after the last change
PURGE_AFTER = timedelta(days=7)  # expired carts are deleted this long after they expire


@dataclass(frozen=True, slots=True)
class CartLine:
    id: uuid.UUID
    added_at: datetime
    media_id: uuid.UUID | None = None
    license_id: uuid.UUID | None = None
    gallery_id: uuid.UUID | None = None
    # A rights-managed line: `license_id` = `profile_id`, `options` the client's choices
    # ((group, option) pairs; priced, and checked against the tree, each time it is shown).
    profile_id: uuid.UUID | None = None
    options: tuple[tuple[str, str], ...] | None = None


@dataclass(frozen=True, slots=True)
class Cart:
    id: str
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    checked_out_at: datetime | None = None
    lines: list[CartLine] = field(default_factory=list)

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at <= now

    @property
    def is_checked_out(self) -> bool:
        return self.checked_out_at is not None


@dataclass(frozen=True, slots=True)
class PricedLine:
    """A cart line as the read model prices it now; `price` None: no longer offered."""

    line: CartLine
    title: str
    license_name: str
    price: int | None
    problem: str | None = None  # why it cannot be ordered, in words
    # the media's offers (license id, name, price), for the page's license choice
    choices: tuple[tuple[uuid.UUID, str, int], ...] = ()
    media: Media | None = None  # what the chosen license delivers, for the page to say
    delivery: dict[str, Any] | None = None
    # Pricing (issue 12): a rights-managed line's usage ((group, option) in the profile's
    # order) and the line's quantity discount (its profile's tiers reached in this cart).
    usage: tuple[tuple[str, str], ...] | None = None
    discount: int = 0
    profile_id: uuid.UUID | None = None

    @property
    def usage_text(self) -> str | None:
        if not self.usage:
            return None
        return "; ".join(f"{group}: {option}" for group, option in self.usage)

    @property
    def available(self) -> bool:
        return self.price is not None
