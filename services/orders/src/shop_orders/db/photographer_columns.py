"""The three photographer columns (issue 14, migration 0015) of `media`,
`galleries_for_sale` and `order_lines`, read and written the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shop_orders.domain.photographer import Photographer


def photographer_values(photographer: Photographer | None) -> dict[str, Any]:
    if photographer is None:
        return {"photographer_id": None, "photographer_name": None, "photographer_email": None}
    return {
        "photographer_id": photographer.id,
        "photographer_name": photographer.name,
        "photographer_email": photographer.email,
    }


def photographer_of(row: Mapping[Any, Any], prefix: str = "") -> Photographer | None:
    photographer_id = row.get(f"{prefix}photographer_id")
    if photographer_id is None:
        return None
    return Photographer(
        id=photographer_id,
        name=row.get(f"{prefix}photographer_name") or "",
        email=row.get(f"{prefix}photographer_email") or "",
    )
