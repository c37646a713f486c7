"""FREE DOWNLOAD: the photographer let a client download a gallery's files for free.

The grant id plays the order id: one delivery (kind `free`) with one item per file, in the
grant's delivery format and link limits, delivered at once (trigger `grant`, no payment, no
Proof held) and announced with `delivery.free_download_ready` (never `delivery.completed`:
a grant is not an order, and nothing of it reaches orders). Applied once: the inbox, then
the delivery row itself (a grant already known is a logged no-op). Nothing waits for an
`order.placed`: the grant carries all it needs.
"""

from __future__ import annotations

import uuid

import structlog

from shop_contracts.events import FreeDownloadGranted
from shop_delivery.domain import Delivery, DeliveryKind, Trigger
from shop_delivery.domain.galleries import member_item
from shop_delivery.domain.items import DeliveryItem
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.delivering import deliver
from shop_delivery.service.ports import LoadedDelivery, Repositories

log = structlog.get_logger()


def grant_number(grant_id: uuid.UUID) -> str:
    """What stands for an order number in file names, the page and LICENSE.txt."""
    return f"FREE-{grant_id.hex[:8].upper()}"


async def grant_free_download(
    repos: Repositories, ctx: ServiceContext, grant: FreeDownloadGranted, message_id: uuid.UUID
) -> bool:
    """Deliver the grant's files; False when it was applied already. Raises
    `RenditionFailedError` when a file cannot be produced (nothing is kept then)."""
    deliveries = repos.deliveries
    await deliveries.lock_order(grant.grant_id)
    if await deliveries.get(grant.grant_id) is not None:
        log.info("delivery.grant_known", grant_id=str(grant.grant_id))
        return False
    delivery = Delivery(
        order_id=grant.grant_id,
        number=grant_number(grant.grant_id),
        client_name=grant.client_email,
        client_email=grant.client_email,
        kind=DeliveryKind.FREE,
    )
    seen: set[uuid.UUID] = set()
    items: list[DeliveryItem] = []
    for member in grant.members:
        if member.media_id in seen:
            continue
        seen.add(member.media_id)
        items.append(
            member_item(
                grant.grant_id,
                grant.grant_id,
                member,
                license_name=grant.license_name,
                spec=grant.delivery,
                gallery_title=grant.gallery_title,
                position=len(items),
            )
        )
    await deliveries.add(delivery, items)
    loaded = LoadedDelivery(
        delivery=delivery,
        items=items,
        policy=await repos.settings.get(),
        finalized=frozenset(),
    )
    await deliver(repos, ctx, loaded, Trigger.GRANT, message_id)
    log.info("delivery.granted", grant_id=str(grant.grant_id), files=len(items))
    return True
