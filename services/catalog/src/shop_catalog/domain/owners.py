"""Whose a media, gallery, price list or selection is (issue 14, the agency): a
photographer's (an orders account), or the shop owner's own (no photographer)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from shop_contracts.common import PhotographerContact


@dataclass(frozen=True, slots=True)
class Owner:
    """The photographer it belongs to, named as when it was made; `photographer_id` None:
    the shop owner's own work (then no name or email either)."""

    photographer_id: uuid.UUID | None = None
    name: str | None = None
    email: str | None = None

    def columns(self) -> dict[str, Any]:
        """The three `photographer_*` columns of its row."""
        return {
            "photographer_id": self.photographer_id,
            "photographer_name": self.name,
            "photographer_email": self.email,
        }

    @classmethod
    def of_row(cls, row: Any) -> Owner:
        """From a row with the three `photographer_*` columns."""
        if row.photographer_id is None:
            return SHOP
        return cls(row.photographer_id, row.photographer_name, row.photographer_email)

    def contact(self) -> PhotographerContact | None:
        """As the snapshots carry it (None: the shop owner's own)."""
        if self.photographer_id is None or not self.email:
            return None
        return PhotographerContact(
            photographer_id=self.photographer_id, name=self.name or self.email, email=self.email
        )


SHOP = Owner()  # the shop owner's own
