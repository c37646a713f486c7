"""What each consumed message does. One transaction per message (the router's).

Every use case first takes the order's advisory lock, so `order.placed` and an early
`payment.confirmed` handled at the same time on two replicas cannot both miss each other.
"""

from __future__ import annotations

import uuid

import structlog

from shop_contracts.common import OrderLine
from shop_contracts.events import OrderPlaced
from shop_delivery.domain import Delivery, DeliveryStatus, IllegalTransitionError, Trigger
from shop_delivery.domain.galleries import GalleryLine
from shop_delivery.domain.items import DeliveryItem, ItemKind, terms_line_id
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.delivering import deliver
from shop_delivery.service.ports import Repositories

log = structlog.get_logger()


async def record_order(
    repos: Repositories, ctx: ServiceContext, placed: OrderPlaced, message_id: uuid.UUID
) -> bool:
    """A new order: its delivery awaits a trigger. Triggers that arrived first were kept by
    the consumer, which replays them right after this when it returns True
    (`shop_messaging.waiting`)."""
    deliveries = repos.deliveries
    await deliveries.lock_order(placed.order_id)
    delivery = Delivery(
        order_id=placed.order_id,
        number=placed.number,
        client_name=placed.client.name,
        client_email=str(placed.client.email),
        terms_text=placed.terms_text or None,
        payment_url=placed.payment_url,
    )
    galleries = [
        GalleryLine(position, line)
        for position, line in enumerate(placed.lines)
        if line.is_gallery and produces_files(line)
    ]
    added = await deliveries.add(delivery, _items(placed), galleries)
    if not added.new:
        log.info("delivery.order_known", order_id=str(placed.order_id))
        return added.messages_waiting
    log.info(
        "delivery.recorded",
        order_id=str(placed.order_id),
        items=len(placed.lines),
        galleries=len(galleries),
    )
    return added.messages_waiting


def produces_files(line: OrderLine) -> bool:
    """A quote's service line has no file, and a line the photographer delivers by hand
    gets neither a file nor a link: delivery never records them."""
    return not (line.service or line.offline_delivery)


def _items(placed: OrderPlaced) -> list[DeliveryItem]:
    """One item per line that produces a file, plus the terms PDF when the photographer has
    set terms and there is a file to go with them. A whole gallery line gets its items (one
    per file) when the order is delivered. An order of service and hand-delivered lines
    only has no item: it is delivered with no file (`delivery.completed`, files empty)."""
    items = [
        _item(placed.order_id, position, line)
        for position, line in enumerate(placed.lines)
        if not line.is_gallery and produces_files(line)
    ]
    with_files = any(produces_files(line) for line in placed.lines)
    if with_files and placed.terms_text and placed.terms_text.strip():
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
        usage=line.usage_text,
    )


async def trigger_delivery(
    repos: Repositories,
    ctx: ServiceContext,
    order_id: uuid.UUID,
    trigger: Trigger,
    message_id: uuid.UUID,
) -> bool:
    """A payment or a forced delivery: deliver once. False when the order is not known yet
    (the consumer keeps the message until it is). A payment is recorded whatever happens:
    after a forced delivery the client is no longer told that the payment is due.

    One trip: the order's lock, then the delivery (locked) with its items and the settings;
    `deliver` decides and saves at once."""
    await repos.deliveries.lock_order(order_id)
    loaded = await repos.deliveries.load(order_id, for_update=True)
    if loaded is None:
        log.info("delivery.trigger_early", order_id=str(order_id), trigger=trigger.value)
        return False
    if trigger is Trigger.PAYMENT and not loaded.delivery.is_free:
        loaded.delivery.record_payment()
    try:
        await deliver(repos, ctx, loaded, trigger, message_id)
    except IllegalTransitionError as exc:
        await repos.deliveries.save(loaded.delivery)  # the payment, if it is new
        log.info(
            "delivery.trigger_ignored",
            order_id=str(order_id),
            trigger=trigger.value,
            reason=exc.reason,
        )
    return True


async def cancel_delivery(
    repos: Repositories, ctx: ServiceContext, order_id: uuid.UUID, message_id: uuid.UUID
) -> bool:
    """The order was cancelled: never deliver it; any open download links are revoked.

    Cancelled after delivery, it stays delivered but is withdrawn: its links stay revoked
    (no re-issue) and its held Proof files are never released. False when the order is not
    known yet (the consumer keeps the message until it is).
    """
    deliveries = repos.deliveries
    await deliveries.lock_order(order_id)
    delivery = await deliveries.get(order_id, for_update=True)
    if delivery is None:
        log.info("delivery.cancel_early", order_id=str(order_id))
        return False
    try:
        delivery.require_order("cancel")
    except IllegalTransitionError as exc:
        log.info("delivery.cancel_ignored", order_id=str(order_id), reason=exc.reason)
        return True
    revoked = await repos.links.revoke_for_order(order_id, ctx.now())
    if delivery.status is DeliveryStatus.DELIVERED:
        delivery.withdraw(ctx.now())
        dropped = await deliveries.drop_holds(order_id)
        await deliveries.save(delivery)
        log.info("delivery.withdrawn", order_id=str(order_id), revoked=revoked, held=dropped)
        return True
    try:
        delivery.cancel(ctx.now())
    except IllegalTransitionError as exc:
        log.info(
            "delivery.cancel_ignored", order_id=str(order_id), reason=exc.reason, revoked=revoked
        )
        return True
    await deliveries.save(delivery)
    log.info("delivery.cancelled", order_id=str(order_id), revoked=revoked)
    return True
