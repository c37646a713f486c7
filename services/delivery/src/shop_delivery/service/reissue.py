"""REISSUE: fresh download links for a delivered order (same files, fresh expiry and count).

The old links are revoked (404 from then on); the client is emailed the download page again
(`delivery.links_reissued`, sent by notifications). Refused, as a logged no-op, for an
order that is unknown, not delivered yet, cancelled, or cancelled after delivery.
"""

from __future__ import annotations

import uuid

import structlog

from shop_contracts.common import ClientContact
from shop_contracts.events import DownloadLinksReissued
from shop_delivery.domain import IllegalTransitionError
from shop_delivery.domain.links import earliest_expiry, new_links
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.links import delivered_files
from shop_delivery.service.ports import Repositories

log = structlog.get_logger()


async def reissue_links(
    repos: Repositories, ctx: ServiceContext, order_id: uuid.UUID, causation_id: uuid.UUID
) -> bool:
    await repos.deliveries.lock_order(order_id)
    loaded = await repos.deliveries.load(order_id, for_update=True)
    if loaded is None:
        log.info("delivery.reissue_refused", order_id=str(order_id), reason="unknown order")
        return False
    delivery = loaded.delivery
    try:
        delivery.require_live("re-issue download links")
    except IllegalTransitionError as exc:
        log.info("delivery.reissue_refused", order_id=str(order_id), reason=exc.reason)
        return False
    at = ctx.now()
    items = [
        item for item in loaded.items if item.delivered and delivery.delivers_line(item.line_id)
    ]
    links = new_links(order_id, items, loaded.policy, at)
    revoked = await repos.links.revoke_for_order(order_id, at)
    await repos.deliveries.save(delivery, links=links)
    reissued = DownloadLinksReissued(
        order_id=order_id,
        number=delivery.number,
        client=ClientContact(name=delivery.client_name, email=delivery.client_email),
        downloads_url=ctx.downloads_url(order_id),
        files=delivered_files(items),
        expires_at=earliest_expiry(links),
    )
    await repos.outbox.add(reissued.envelope(correlation_id=order_id, causation_id=causation_id))
    log.info("delivery.links_reissued", order_id=str(order_id), files=len(items), revoked=revoked)
    return True
