"""RELEASE: a Proof media file was marked Final: deliver it in every order holding it.

Each order is handled under its lock, with its delivery row locked, re-reading which items
are still held: a line is released once, even when `media.finalized` is redelivered or two
replicas handle two such messages. The media is remembered as Final, so an order paid
later is delivered with it at once.
"""

from __future__ import annotations

import uuid

import structlog

from shop_contracts.common import ClientContact
from shop_contracts.events import DeliveryFilesReleased, MediaFinalized
from shop_delivery.domain import IllegalTransitionError
from shop_delivery.domain.items import ItemKind
from shop_delivery.domain.links import new_links
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.delivering import announce_failure
from shop_delivery.service.links import delivered_files
from shop_delivery.service.ports import Repositories
from shop_delivery.service.producing import produce_files
from shop_delivery.service.renditions import RenditionFailedError

log = structlog.get_logger()


async def release_media(
    repos: Repositories, ctx: ServiceContext, event: MediaFinalized, message_id: uuid.UUID
) -> int:
    """Release the media in every order holding it; returns how many orders got files."""
    await repos.deliveries.mark_finalized(event.media_id, event.media_key)
    released = 0
    for order_id in await repos.deliveries.orders_holding(event.media_id):
        released += await release_order(repos, ctx, order_id, event.media_id, message_id)
    log.info("media.finalized", media_id=str(event.media_id), orders=released)
    return released


async def release_order(
    repos: Repositories,
    ctx: ServiceContext,
    order_id: uuid.UUID,
    media_id: uuid.UUID,
    causation_id: uuid.UUID,
) -> int:
    await repos.deliveries.lock_order(order_id)
    loaded = await repos.deliveries.load(order_id, for_update=True)
    if loaded is None:
        return 0
    delivery, items = loaded.delivery, loaded.items
    try:
        delivery.require_live("release held files")
    except IllegalTransitionError as exc:
        log.info("delivery.release_refused", order_id=str(order_id), reason=exc.reason)
        return 0
    held = [
        item
        for item in items
        if item.held and item.media_id == media_id and delivery.delivers_line(item.line_id)
    ]
    if not held:
        return 0
    media_count = sum(1 for item in items if item.kind is ItemKind.MEDIA)
    taken = [item.file_name for item in items if item.file_name]
    try:
        await produce_files(ctx, delivery, held, media_count=media_count, taken_names=taken)
    except RenditionFailedError as exc:
        # Stays held: the reason is announced; the photographer can mark it Final again.
        await announce_failure(repos.outbox, delivery, exc.reason, causation_id)
        return 0
    at = ctx.now()
    for item in held:
        item.held, item.released_at = False, at
    links = new_links(order_id, held, loaded.policy, at)
    await repos.deliveries.save(delivery, items=held, links=links)
    released = DeliveryFilesReleased(
        order_id=order_id,
        number=delivery.number,
        client=ClientContact(name=delivery.client_name, email=delivery.client_email),
        downloads_url=ctx.downloads_url(order_id),
        files=delivered_files(held),
    )
    await repos.outbox.add(released.envelope(correlation_id=order_id, causation_id=causation_id))
    log.info("delivery.files_released", order_id=str(order_id), files=len(held))
    return 1
