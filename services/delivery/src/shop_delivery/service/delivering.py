"""DELIVER: render each item's file, name it, open one download link per item, announce it.

Called with the delivery row locked (FOR UPDATE) inside the message's transaction, so an
order is delivered once even when a payment and a forced delivery race on two replicas.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shop_contracts.common import ClientContact
from shop_contracts.events import DeliveredFile, DeliveryCompleted, DeliveryFailed
from shop_delivery.db.deliveries import DeliveryRepository
from shop_delivery.db.links import LinkRepository
from shop_delivery.db.settings import SettingsRepository
from shop_delivery.domain import Delivery, DownloadLink, Trigger, link_expiry
from shop_delivery.domain.files import base_file_name, unique_file_names
from shop_delivery.domain.items import DeliveryItem, StoredFile
from shop_delivery.service.context import DeliveryContext
from shop_delivery.service.renditions import RenditionFailedError
from shop_messaging.outbox import add_to_outbox

log = structlog.get_logger()


async def deliver(
    session: AsyncSession,
    ctx: DeliveryContext,
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
    items = await repo.items(delivery.order_id)
    try:
        files = await _produce_files(session, ctx, items)
    except RenditionFailedError as exc:
        await _fail(session, delivery, exc.reason, causation_id)
        return False
    await _attach_files(repo, items, files)
    expires_at = await _open_links(session, delivery, items, at)
    delivery.mark_delivered(at)
    await repo.save(delivery)
    completed = _completed(ctx, delivery, items, expires_at)
    await add_to_outbox(
        session, completed.envelope(correlation_id=delivery.order_id, causation_id=causation_id)
    )
    log.info(
        "delivery.delivered",
        order_id=str(delivery.order_id),
        trigger=trigger.value,
        files=len(items),
    )
    return True


async def _produce_files(
    session: AsyncSession, ctx: DeliveryContext, items: list[DeliveryItem]
) -> list[StoredFile]:
    """One file per item; each distinct (media, format) once, in a stable order (no deadlock
    between two orders locking the same renditions)."""

    def key(item: DeliveryItem) -> tuple[str, str]:
        return item.media_key, json.dumps(item.spec, sort_keys=True)

    produced: dict[tuple[str, str], StoredFile] = {}
    for item in sorted(items, key=key):
        if key(item) not in produced:
            produced[key(item)] = await ctx.renderer.file_for(session, item.media_key, item.spec)
    return [produced[key(item)] for item in items]


async def _attach_files(
    repo: DeliveryRepository, items: list[DeliveryItem], files: list[StoredFile]
) -> None:
    """Each item gets its file and a readable name, unique within the order."""
    names = unique_file_names(
        base_file_name(item.media_key, item.license_name, stored.extension)
        for item, stored in zip(items, files, strict=True)
    )
    for item, name, stored in zip(items, names, files, strict=True):
        item.file_name, item.file = name, stored
        await repo.save_item_file(item)


async def _open_links(
    session: AsyncSession, delivery: Delivery, items: list[DeliveryItem], at: datetime
) -> datetime:
    policy = await SettingsRepository(session).get()
    expires_at = link_expiry(at, policy.link_expiry_days)
    links = [
        DownloadLink(
            id=uuid.uuid4(),
            item_id=item.id,
            order_id=delivery.order_id,
            expires_at=expires_at,
            max_downloads=policy.max_downloads,
            download_count=0,
            revoked_at=None,
            created_at=at,
        )
        for item in items
    ]
    await LinkRepository(session).add_many(links)
    return expires_at


def _completed(
    ctx: DeliveryContext,
    delivery: Delivery,
    items: list[DeliveryItem],
    expires_at: datetime,
) -> DeliveryCompleted:
    assert delivery.delivered_at is not None
    files = [
        DeliveredFile(
            line_id=item.line_id,
            file_name=item.file_name or "",
            size_bytes=item.file.size_bytes if item.file else 0,
        )
        for item in items
    ]
    return DeliveryCompleted(
        order_id=delivery.order_id,
        number=delivery.number,
        client=ClientContact(name=delivery.client_name, email=delivery.client_email),
        downloads_url=ctx.downloads_url(delivery.order_id),
        files=files,
        forced=delivery.forced,
        delivered_at=delivery.delivered_at,
        expires_at=expires_at,
    )


async def _fail(
    session: AsyncSession, delivery: Delivery, reason: str, causation_id: uuid.UUID | None
) -> None:
    delivery.mark_failed(reason)
    await DeliveryRepository(session).save(delivery)
    failed = DeliveryFailed(order_id=delivery.order_id, reason=reason)
    await add_to_outbox(
        session, failed.envelope(correlation_id=delivery.order_id, causation_id=causation_id)
    )
    log.warning("delivery.failed", order_id=str(delivery.order_id), reason=reason)
