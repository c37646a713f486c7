"""DELIVER: produce each item's file, open one download link per file, announce it.

Called with the delivery loaded and its row locked (FOR UPDATE) inside the message's
transaction, so an order is delivered once even when a payment and a forced delivery race
on two replicas. Load, decide, save: what is delivered or held, the links and the new state
are decided in the domain, then saved at once. The renditions were usually rendered before
that transaction opened (`service.prepare`): here they are cache hits, and only the
per-order work (stamped copies, the terms PDF) runs.

With `deliver_only_final`, Proof files are held: the order is delivered without them
(`held_line_ids` in `delivery.completed`, one entry per held file: a gallery line's held
files each name the line) and they follow when marked Final (`release`).

Whole-gallery lines are expanded here, once: their files are fixed from then on. A
free-download grant (`service.grants`) is delivered the same way, without holding Proof
files, and announced with `delivery.free_download_ready` instead of `delivery.completed`
(it is not an order); a file that cannot be produced raises `RenditionFailedError`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import structlog

from shop_contracts.common import ClientContact
from shop_contracts.events import DeliveryCompleted, DeliveryFailed, FreeDownloadReady
from shop_delivery.domain import Delivery, DownloadLink, Trigger
from shop_delivery.domain.items import DeliveryItem, ItemKind
from shop_delivery.domain.links import earliest_expiry, new_links
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.links import delivered_files
from shop_delivery.service.planning import plan_items
from shop_delivery.service.ports import LoadedDelivery, Outbox, Repositories
from shop_delivery.service.producing import produce_files
from shop_delivery.service.renditions import RenditionFailedError

log = structlog.get_logger()


async def deliver(
    repos: Repositories,
    ctx: ServiceContext,
    loaded: LoadedDelivery,
    trigger: Trigger,
    causation_id: uuid.UUID | None,
) -> bool:
    """Deliver now. Raises `IllegalTransitionError` (with the reason) when it must not.

    Returns False when a file could not be produced: `delivery.failed` is announced and the
    delivery stays undelivered (a later trigger may try again).
    """
    delivery, policy = loaded.delivery, loaded.policy
    at = ctx.now()
    delivery.start(trigger, at)
    expansion, finalized = await plan_items(repos, loaded)
    # The lines a partial refund took back before delivery: no file, no link.
    items = [item for item in expansion.items if delivery.delivers_line(item.line_id)]
    held = [] if delivery.is_free else policy.held_back(items, finalized)
    held_ids = {item.id for item in held}
    ready = [item for item in items if item.id not in held_ids]
    media_count = sum(1 for item in items if item.kind is ItemKind.MEDIA)
    try:
        await produce_files(ctx, delivery, ready, media_count=media_count)
    except RenditionFailedError as exc:
        if delivery.is_free:
            raise
        await fail(repos, delivery, exc.reason, causation_id)
        return False
    for item in held:
        item.held = True
    links = new_links(delivery.order_id, ready, policy, at)
    delivery.mark_delivered(at)
    added_ids = {item.id for item in expansion.added}
    await repos.deliveries.save(
        delivery,
        items=[item for item in items if item.id not in added_ids],
        added=expansion.added,
        links=links,
    )
    if delivery.is_free:
        await _announce_free(repos, ctx, delivery, ready, links, causation_id)
        return True
    assert delivery.delivered_at is not None
    completed = DeliveryCompleted(
        order_id=delivery.order_id,
        number=delivery.number,
        client=ClientContact(name=delivery.client_name, email=delivery.client_email),
        downloads_url=ctx.downloads_url(delivery.order_id),
        files=delivered_files(ready),
        forced=delivery.forced,
        delivered_at=delivery.delivered_at,
        expires_at=earliest_expiry(links),
        held_line_ids=[item.line_id for item in held],
    )
    await repos.outbox.add(
        completed.envelope(correlation_id=delivery.order_id, causation_id=causation_id)
    )
    log.info(
        "delivery.delivered",
        order_id=str(delivery.order_id),
        trigger=trigger.value,
        files=len(ready),
        held=len(held),
    )
    return True


async def _announce_free(
    repos: Repositories,
    ctx: ServiceContext,
    delivery: Delivery,
    items: Sequence[DeliveryItem],
    links: Sequence[DownloadLink],
    causation_id: uuid.UUID | None,
) -> None:
    ready = FreeDownloadReady(
        grant_id=delivery.order_id,
        gallery_title=next((i.gallery_title for i in items if i.gallery_title), ""),
        client_email=delivery.client_email,
        downloads_url=ctx.downloads_url(delivery.order_id),
        files=delivered_files(items),
        expires_at=earliest_expiry(links),
    )
    await repos.outbox.add(
        ready.envelope(correlation_id=delivery.order_id, causation_id=causation_id)
    )
    log.info("delivery.free_download_ready", grant_id=str(delivery.order_id), files=len(items))


async def fail(
    repos: Repositories, delivery: Delivery, reason: str, causation_id: uuid.UUID | None
) -> None:
    delivery.mark_failed(reason)
    await repos.deliveries.save(delivery)
    await announce_failure(repos.outbox, delivery, reason, causation_id)


async def announce_failure(
    outbox: Outbox, delivery: Delivery, reason: str, causation_id: uuid.UUID | None
) -> None:
    failed = DeliveryFailed(order_id=delivery.order_id, reason=reason)
    await outbox.add(failed.envelope(correlation_id=delivery.order_id, causation_id=causation_id))
    log.warning("delivery.failed", order_id=str(delivery.order_id), reason=reason)
