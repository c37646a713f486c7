"""Which media the unfinished orders use (fed by orders' and delivery's events)."""

from __future__ import annotations

import uuid

from shop_catalog.service.ports import Repositories
from shop_contracts.events import OrderPlaced


def media_ids_of(order: OrderPlaced) -> list[uuid.UUID]:
    """Every media an order's lines need: the file of a line, the members of a gallery's (a
    quote's service line names no media)."""
    ids: list[uuid.UUID] = []
    for line in order.lines:
        if line.service:
            continue
        if line.gallery_id is not None:
            ids += [member.media_id for member in line.members]
        else:
            ids.append(line.media_id)
    return ids


async def order_placed(repos: Repositories, order: OrderPlaced) -> None:
    await repos.usage.record(order.order_id, media_ids_of(order))


async def order_finished(repos: Repositories, order_id: uuid.UUID) -> None:
    """Delivered or cancelled: its media may be deleted now."""
    await repos.usage.finish(order_id)
