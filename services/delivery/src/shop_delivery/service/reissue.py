"""REISSUE: fresh download links for a delivered order (same files, fresh expiry and count).

The old links are revoked (404 from then on); the client is emailed the download page again
(`delivery.links_reissued`, sent by notifications). Refused, as a logged no-op, for an
order that is unknown, not delivered yet, cancelled, or cancelled after delivery.
"""

from __future__ import annotations

import uuid

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shop_contracts.common import ClientContact
from shop_contracts.events import DownloadLinksReissued
from shop_delivery.db.deliveries import DeliveryRepository
from shop_delivery.db.links import LinkRepository
from shop_delivery.db.settings import SettingsRepository
from shop_delivery.domain import IllegalTransitionError
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.links import delivered_files, open_links
from shop_messaging.outbox import add_to_outbox

log = structlog.get_logger()


async def reissue_links(
    session: AsyncSession, ctx: ServiceContext, order_id: uuid.UUID, causation_id: uuid.UUID
) -> bool:
    repo = DeliveryRepository(session)
    await repo.lock_order(order_id)
    delivery = await repo.get(order_id, for_update=True)
    if delivery is None:
        log.info("delivery.reissue_refused", order_id=str(order_id), reason="unknown order")
        return False
    try:
        delivery.require_live("re-issue download links")
    except IllegalTransitionError as exc:
        log.info("delivery.reissue_refused", order_id=str(order_id), reason=exc.reason)
        return False
    at = ctx.now()
    items = [item for item in await repo.items(order_id) if item.delivered]
    revoked = await LinkRepository(session).revoke_for_order(order_id, at)
    policy = await SettingsRepository(session).get()
    expires_at = await open_links(session, order_id, items, policy, at)
    reissued = DownloadLinksReissued(
        order_id=order_id,
        number=delivery.number,
        client=ClientContact(name=delivery.client_name, email=delivery.client_email),
        downloads_url=ctx.downloads_url(order_id),
        files=delivered_files(items),
        expires_at=expires_at,
    )
    await add_to_outbox(
        session, reissued.envelope(correlation_id=order_id, causation_id=causation_id)
    )
    log.info("delivery.links_reissued", order_id=str(order_id), files=len(items), revoked=revoked)
    return True
