"""DELIVER: produce each item's file, open one download link per file, announce it.

Called with the delivery row locked (FOR UPDATE) inside the message's transaction, so an
order is delivered once even when a payment and a forced delivery race on two replicas.
The renditions were usually rendered before that transaction opened (`service.prepare`):
here they are cache hits, and only the per-order work (stamped copies, the terms PDF) runs.

With `deliver_only_final`, Proof files are held: the order is delivered without them
(`held_line_ids` in `delivery.completed`) and they follow when marked Final (`release`).
"""

from __future__ import annotations

import uuid

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shop_contracts.common import ClientContact
from shop_contracts.events import DeliveryCompleted, DeliveryFailed
from shop_delivery.db.deliveries import DeliveryRepository
from shop_delivery.db.settings import SettingsRepository
from shop_delivery.domain import Delivery, DeliveryPolicy, Trigger
from shop_delivery.domain.items import DeliveryItem, ItemKind
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.links import delivered_files, open_links
from shop_delivery.service.producing import produce_files
from shop_delivery.service.renditions import RenditionFailedError
from shop_messaging.outbox import add_to_outbox

log = structlog.get_logger()


async def deliver(
    session: AsyncSession,
    ctx: ServiceContext,
    delivery: Delivery,
    trigger: Trigger,
    causation_id: uuid.UUID | None,
) -> bool:
    """Deliver now. Raises `IllegalTransitionError` (with the reason) when it must not.

    Returns False when a file could not be produced: `delivery.failed` is announced and the
    delivery stays undelivered (a later trigger may try again).
    """
    at = ctx.now()
    delivery.start(trigger, at)
    repo = DeliveryRepository(session)
    policy = await SettingsRepository(session).get()
    items = await repo.items(delivery.order_id)
    media = [item for item in items if item.kind is ItemKind.MEDIA]
    held = await held_back(repo, policy, media)
    held_ids = {item.id for item in held}
    ready = [item for item in items if item.id not in held_ids]
    try:
        await produce_files(ctx, delivery, ready, media_count=len(media))
    except RenditionFailedError as exc:
        await fail(session, delivery, exc.reason, causation_id)
        return False
    for item in ready:
        await repo.save_item_file(item)
    await repo.hold_items(held)
    expires_at = await open_links(session, delivery.order_id, ready, policy, at)
    delivery.mark_delivered(at)
    await repo.save(delivery)
    assert delivery.delivered_at is not None
    completed = DeliveryCompleted(
        order_id=delivery.order_id,
        number=delivery.number,
        client=ClientContact(name=delivery.client_name, email=delivery.client_email),
        downloads_url=ctx.downloads_url(delivery.order_id),
        files=delivered_files(ready),
        forced=delivery.forced,
        delivered_at=delivery.delivered_at,
        expires_at=expires_at,
        held_line_ids=[item.line_id for item in held],
    )
    await add_to_outbox(
        session, completed.envelope(correlation_id=delivery.order_id, causation_id=causation_id)
    )
    log.info(
        "delivery.delivered",
        order_id=str(delivery.order_id),
        trigger=trigger.value,
        files=len(ready),
        held=len(held),
    )
    return True


async def held_back(
    repo: DeliveryRepository, policy: DeliveryPolicy, media: list[DeliveryItem]
) -> list[DeliveryItem]:
    """Proof files kept back: only with `deliver_only_final`, and not once marked Final."""
    if not policy.deliver_only_final:
        return []
    proofs = [item for item in media if item.is_proof]
    finalized = await repo.finalized([item.media_id for item in proofs])
    return [item for item in proofs if item.media_id not in finalized]


async def fail(
    session: AsyncSession, delivery: Delivery, reason: str, causation_id: uuid.UUID | None
) -> None:
    delivery.mark_failed(reason)
    await DeliveryRepository(session).save(delivery)
    await announce_failure(session, delivery, reason, causation_id)


async def announce_failure(
    session: AsyncSession, delivery: Delivery, reason: str, causation_id: uuid.UUID | None
) -> None:
    failed = DeliveryFailed(order_id=delivery.order_id, reason=reason)
    await add_to_outbox(
        session, failed.envelope(correlation_id=delivery.order_id, causation_id=causation_id)
    )
    log.warning("delivery.failed", order_id=str(delivery.order_id), reason=reason)
