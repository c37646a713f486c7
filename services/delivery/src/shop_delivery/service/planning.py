"""What a delivery is about to deliver: its items, whole-gallery lines expanded into files.

A gallery line's files are those of delivery's copy of the gallery when the order is
delivered (`domain.galleries`); read here in one statement, only for orders with such lines.
"""

from __future__ import annotations

import uuid

from shop_delivery.domain.galleries import Expansion, expand
from shop_delivery.service.ports import LoadedDelivery, Repositories


async def plan_items(
    repos: Repositories, loaded: LoadedDelivery
) -> tuple[Expansion, frozenset[uuid.UUID]]:
    """Every item to deliver (gallery files added, in order) and the media marked Final
    among them."""
    if not loaded.galleries:
        return Expansion(list(loaded.items), []), loaded.finalized
    copies = await repos.galleries.get_many([g.gallery_id for g in loaded.galleries])
    expansion = expand(loaded.delivery.order_id, loaded.items, loaded.galleries, copies)
    finalized = await repos.deliveries.finalized_among([i.media_id for i in expansion.added])
    return expansion, loaded.finalized | finalized
