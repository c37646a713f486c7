"""What each consumed message does. One transaction per message (the router's).

Every use case first takes the order's advisory lock, so `order.placed` and an early
`payment.confirmed` handled at the same time on two replicas cannot both miss each other.
"""

from __future__ import annotations

import uuid

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shop_contracts.common import OrderLine
from shop_contracts.events import OrderPlaced
from shop_delivery.db.deliveries import DeliveryRepository
from shop_delivery.db.links import LinkRepository
from shop_delivery.domain import (
    Delivery,
    IllegalTransitionError,
    PendingKind,
    Trigger,
    first_trigger,
)
from shop_delivery.domain.items import DeliveryItem
from shop_delivery.service.context import DeliveryContext
from shop_delivery.service.delivering import deliver

log = structlog.get_logger()


async def record_order(
    session: AsyncSession, ctx: DeliveryContext, placed: OrderPlaced, message_id: uuid.UUID
) -> None:
    """A new order: its delivery awaits a trigger, unless one arrived first."""
    repo = DeliveryRepository(session)
    await repo.lock_order(placed.order_id)
    if await repo.get(placed.order_id) is not None:
        log.info("delivery.order_known", order_id=str(placed.order_id))
        return
    delivery = Delivery(
        order_id=placed.order_id,
        number=placed.number,
        client_name=placed.client.name,
        client_email=str(placed.client.email),
    )
    await repo.add(delivery, [_item(placed.order_id, line) for line in placed.lines])
    log.info("delivery.recorded", order_id=str(placed.order_id), items=len(placed.lines))
    pending = await repo.take_pending(placed.order_id, ctx.now())
    action = first_trigger(pending)
    if action is PendingKind.CANCEL:
        delivery.cancel(ctx.now())
        await repo.save(delivery)
        log.info("delivery.cancelled", order_id=str(placed.order_id), pending=True)
    elif isinstance(action, Trigger):
        await deliver(session, ctx, delivery, action, message_id)


def _item(order_id: uuid.UUID, line: OrderLine) -> DeliveryItem:
    return DeliveryItem(
        id=uuid.uuid4(),
        order_id=order_id,
        line_id=line.line_id,
        media_id=line.media_id,
        media_key=line.media_key,
        media_kind=line.media_kind,
        license_name=line.license_name,
        spec=line.delivery.model_dump(mode="json"),
    )


async def trigger_delivery(
    session: AsyncSession,
    ctx: DeliveryContext,
    order_id: uuid.UUID,
    trigger: Trigger,
    message_id: uuid.UUID,
) -> None:
    """A payment or a forced delivery: deliver once, keep it if the order is not known yet."""
    repo = DeliveryRepository(session)
    await repo.lock_order(order_id)
    delivery = await repo.get(order_id, for_update=True)
    if delivery is None:
        await repo.keep_pending(order_id, PendingKind(trigger.value), message_id)
        log.info("delivery.trigger_kept", order_id=str(order_id), trigger=trigger.value)
        return
    try:
        await deliver(session, ctx, delivery, trigger, message_id)
    except IllegalTransitionError as exc:
        log.info(
            "delivery.trigger_ignored",
            order_id=str(order_id),
            trigger=trigger.value,
            reason=exc.reason,
        )


async def cancel_delivery(
    session: AsyncSession, ctx: DeliveryContext, order_id: uuid.UUID, message_id: uuid.UUID
) -> None:
    """The order was cancelled: never deliver it; any open download links are revoked."""
    repo = DeliveryRepository(session)
    await repo.lock_order(order_id)
    delivery = await repo.get(order_id, for_update=True)
    if delivery is None:
        await repo.keep_pending(order_id, PendingKind.CANCEL, message_id)
        log.info("delivery.cancel_kept", order_id=str(order_id))
        return
    revoked = await LinkRepository(session).revoke_for_order(order_id, ctx.now())
    try:
        delivery.cancel(ctx.now())
    except IllegalTransitionError as exc:
        log.info(
            "delivery.cancel_ignored", order_id=str(order_id), reason=exc.reason, revoked=revoked
        )
        return
    await repo.save(delivery)
    log.info("delivery.cancelled", order_id=str(order_id), revoked=revoked)
