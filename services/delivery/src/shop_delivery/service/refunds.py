"""REFUND: money given back (`payment.refunded`): the files it paid for are revoked.

In full: every download link of the order is revoked (404 from then on, like a cancelled
order's), its archives refused, its held Proof files never released, and a delivery that
has not happened yet never does. Partial: the links of `line_ids` only (none when empty),
and their held files; a delivery that comes later produces no file for those lines.

Recorded on the delivery under the order's lock, whatever its state, so a refund handled
while the delivery is being rendered is honoured when it is saved. A refund that arrives
before `order.placed` is kept by the consumer and replayed after it (before any payment).
Applied once: the inbox skips a redelivery, and revoking twice changes nothing.
"""

from __future__ import annotations

import uuid

import structlog

from shop_contracts.events import PaymentRefunded
from shop_delivery.domain import DeliveryStatus, IllegalTransitionError
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.ports import Repositories

log = structlog.get_logger()


async def revoke_refunded(
    repos: Repositories, ctx: ServiceContext, refund: PaymentRefunded, message_id: uuid.UUID
) -> bool:
    """False when the order is not known yet (the consumer keeps the message)."""
    order_id, deliveries = refund.order_id, repos.deliveries
    await deliveries.lock_order(order_id)
    delivery = await deliveries.get(order_id, for_update=True)
    if delivery is None:
        log.info("delivery.refund_early", order_id=str(order_id))
        return False
    at = ctx.now()
    try:
        new_lines = delivery.record_refund(full=refund.full, line_ids=refund.line_ids, at=at)
    except IllegalTransitionError as exc:
        log.info("delivery.refund_ignored", order_id=str(order_id), reason=exc.reason)
        return True
    if refund.full:
        revoked = await repos.links.revoke_for_order(order_id, at)
        dropped = await deliveries.drop_holds(order_id)
    else:
        lines = sorted(new_lines)
        revoked = await repos.links.revoke_lines(order_id, lines, at)
        dropped = await deliveries.drop_holds(order_id, lines) if lines else 0
    await deliveries.save(delivery)
    log.info(
        "delivery.refund_revoked",
        order_id=str(order_id),
        refund_id=str(refund.refund_id),
        full=refund.full,
        lines=len(refund.line_ids),
        revoked=revoked,
        held=dropped,
        delivered=delivery.status is DeliveryStatus.DELIVERED,
    )
    return True
