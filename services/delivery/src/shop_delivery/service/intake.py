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
    DeliveryStatus,
    IllegalTransitionError,
    PendingKind,
    Trigger,
    first_trigger,
)
from shop_delivery.domain.items import DeliveryItem, ItemKind, terms_line_id
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.delivering import deliver

log = structlog.get_logger()


async def record_order(
    session: AsyncSession, ctx: ServiceContext, placed: OrderPlaced, message_id: uuid.UUID
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
        terms_text=placed.terms_text or None,
    )
    await repo.add(delivery, _items(placed))
    log.info("delivery.recorded", order_id=str(placed.order_id), items=len(placed.lines))
    pending = await repo.take_pending(placed.order_id, ctx.now())
    action = first_trigger(pending)
    if action is PendingKind.CANCEL:
        delivery.cancel(ctx.now())
        await repo.save(delivery)
        log.info("delivery.cancelled", order_id=str(placed.order_id), pending=True)
    elif isinstance(action, Trigger):
        await deliver(session, ctx, delivery, action, message_id)


def _items(placed: OrderPlaced) -> list[DeliveryItem]:
    """One item per line, plus the terms PDF when the photographer has set terms."""
    items = [_item(placed.order_id, position, line) for position, line in enumerate(placed.lines)]
    if placed.terms_text and placed.terms_text.strip():
        terms_id = terms_line_id(placed.order_id)
        items.append(
            DeliveryItem(
                id=uuid.uuid4(),
                order_id=placed.order_id,
                line_id=terms_id,
                media_id=terms_id,
                media_key="terms",
                media_kind="document",
                license_name="Terms and conditions",
                spec={},
                position=len(placed.lines),
                kind=ItemKind.TERMS,
            )
        )
    return items


def _item(order_id: uuid.UUID, position: int, line: OrderLine) -> DeliveryItem:
    return DeliveryItem(
        id=uuid.uuid4(),
        order_id=order_id,
        line_id=line.line_id,
        media_id=line.media_id,
        media_key=line.media_key,
        media_kind=line.media_kind,
        license_name=line.license_name,
        spec=line.delivery.model_dump(mode="json"),
        position=position,
        media_status=line.media_status,
        media_created_at=line.media_created_at,
        media_updated_at=line.media_updated_at,
        credit=line.credit,
        usage_terms=line.usage_terms,
    )


async def trigger_delivery(
    session: AsyncSession,
    ctx: ServiceContext,
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
    session: AsyncSession, ctx: ServiceContext, order_id: uuid.UUID, message_id: uuid.UUID
) -> None:
    """The order was cancelled: never deliver it; any open download links are revoked.

    Cancelled after delivery, it stays delivered but is withdrawn: its links stay revoked
    (no re-issue) and its held Proof files are never released.
    """
    repo = DeliveryRepository(session)
    await repo.lock_order(order_id)
    delivery = await repo.get(order_id, for_update=True)
    if delivery is None:
        await repo.keep_pending(order_id, PendingKind.CANCEL, message_id)
        log.info("delivery.cancel_kept", order_id=str(order_id))
        return
    revoked = await LinkRepository(session).revoke_for_order(order_id, ctx.now())
    if delivery.status is DeliveryStatus.DELIVERED:
        delivery.withdraw(ctx.now())
        dropped = await repo.drop_holds(order_id)
        await repo.save(delivery)
        log.info("delivery.withdrawn", order_id=str(order_id), revoked=revoked, held=dropped)
        return
    try:
        delivery.cancel(ctx.now())
    except IllegalTransitionError as exc:
        log.info(
            "delivery.cancel_ignored", order_id=str(order_id), reason=exc.reason, revoked=revoked
        )
        return
    await repo.save(delivery)
    log.info("delivery.cancelled", order_id=str(order_id), revoked=revoked)
