"""Refunds (issue 13): the photographer asks (`request_refund`, or a paid order's
cancellation with "refund"), payments refunds through the processor that took the money and
answers with `payment.refunded` or `payment.refund_failed`, applied here once each.

Asking: the order is locked, the domain checks what is left (paid - refunded - refunds on
their way), the refund is recorded and `RefundPayment` written to the outbox, all in the
request's transaction. Answers: the order is locked, the refund's row says whether it is
already applied (a second report of one refund id changes nothing); a refund made in the
processor's dashboard is recorded when it is first reported.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import structlog

from shop_contracts.commands import RefundPayment
from shop_contracts.envelope import Envelope
from shop_contracts.events import OfflinePaymentChosen, PaymentRefunded, RefundFailed
from shop_orders.domain import facts
from shop_orders.domain.errors import OrderNotFoundError
from shop_orders.domain.order import Order, OrderStatus
from shop_orders.domain.refunds import Refund, RefundStatus
from shop_orders.service import messages
from shop_orders.service.outcomes import UnknownOrderError
from shop_orders.service.ports import Repositories

log = structlog.get_logger()


def refund_payment(refund: Refund, now: datetime) -> Envelope:
    return RefundPayment(
        order_id=refund.order_id,
        refund_id=refund.id,
        amount=refund.asked_amount,
        line_ids=list(refund.line_ids),
        reason=refund.reason,
        requested_by=messages.requested_by(refund.requested_by),
    ).envelope(correlation_id=refund.order_id, occurred_at=now)


async def send_refund(repos: Repositories, refund: Refund) -> None:
    """Record an asked refund and write its command (the order is saved by the caller)."""
    await repos.refunds.add(refund)
    await repos.outbox.add(refund_payment(refund, refund.requested_at))
    log.info(
        "order.refund_requested",
        order_id=str(refund.order_id),
        refund_id=str(refund.id),
        amount=refund.amount,
    )


async def request_refund(
    repos: Repositories,
    order_id: uuid.UUID,
    *,
    amount: int | None,
    line_ids: list[uuid.UUID],
    reason: str | None,
    actor: str = "admin",
) -> Order:
    """`amount` None: all that is left. 409 nothing paid / more than left, 422 a bad line."""
    order = await repos.orders.get(order_id, for_update=True)
    if order is None:
        raise OrderNotFoundError(f"no order {order_id}")
    now = datetime.now(UTC)
    refund = order.request_refund(uuid.uuid4(), amount, tuple(line_ids), reason, now, actor)
    await repos.orders.save(order)
    await send_refund(repos, refund)
    return order


async def _locked(repos: Repositories, order_id: uuid.UUID, what: str) -> Order:
    order = await repos.orders.get(order_id, for_update=True)
    if order is None:
        raise UnknownOrderError(f"{what} for order {order_id}, which orders never placed")
    return order


class RefundBeforePaymentError(RuntimeError):
    """payment.refunded for an order orders has not seen paid yet (its payment.confirmed is
    still on its way): the message is retried, never applied out of order."""


async def apply_payment_refunded(repos: Repositories, event: PaymentRefunded) -> bool:
    """Once per refund id: False when this refund was already applied. A cancelled order
    that orders never saw paid (money payments received after the cancellation) takes it
    as it comes; any other unpaid one waits for its payment (retried)."""
    order = await _locked(repos, event.order_id, PaymentRefunded.TYPE)
    if not order.is_paid and order.status is not OrderStatus.CANCELLED:
        raise RefundBeforePaymentError(f"order {order.id} refunded before it was seen paid")
    known = await repos.refunds.get(event.refund_id)
    if known is not None and known.status is RefundStatus.REFUNDED:
        log.info("order.refund_already_applied", order_id=str(order.id), refund_id=str(known.id))
        return False
    now = datetime.now(UTC)
    pending = known.amount if known is not None and known.status is RefundStatus.REQUESTED else 0
    order.refund_settled(
        pending,
        event.amount,
        full=event.full,
        origin=event.origin,
        by_hand=event.by_hand,
        reason=event.reason if known is None else None,  # the shop's reason is in its request
        now=now,
    )
    if known is None:  # made in the processor's dashboard (or asked by a lost request)
        await repos.refunds.add(_reported(event, now))
    else:
        await repos.refunds.settle(known.id, RefundStatus.REFUNDED, event.amount, now)
    await repos.orders.save(order)
    log.info(
        "order.refunded",
        order_id=str(order.id),
        refund_id=str(event.refund_id),
        amount=event.amount,
        origin=event.origin,
        payment_status=order.payment_status.value,
    )
    return True


def _reported(event: PaymentRefunded, now: datetime) -> Refund:
    return Refund(
        id=event.refund_id,
        order_id=event.order_id,
        amount=event.amount,
        status=RefundStatus.REFUNDED,
        requested_at=event.refunded_at,
        asked_amount=event.amount,
        line_ids=tuple(event.line_ids),
        reason=event.reason,
        requested_by=event.processor or "processor",
        origin=event.origin,
        refunded_amount=event.amount,
        settled_at=now,
    )


async def apply_refund_failed(repos: Repositories, event: RefundFailed) -> bool:
    """The refund asked no longer counts as on its way; once per refund id."""
    order = await _locked(repos, event.order_id, RefundFailed.TYPE)
    known = await repos.refunds.get(event.refund_id)
    if known is not None and known.status is not RefundStatus.REQUESTED:
        log.info("order.refund_failure_already_applied", refund_id=str(known.id))
        return False
    now = datetime.now(UTC)
    pending = known.amount if known is not None else 0
    amount = event.amount if event.amount is not None else pending or None
    order.refund_failed(pending, amount, event.reason, now)
    if known is not None:
        await repos.refunds.settle(known.id, RefundStatus.FAILED, None, now)
    await repos.orders.save(order)
    log.warning("order.refund_failed", order_id=str(order.id), refund_id=str(event.refund_id))
    return True


async def record_offline_choice(repos: Repositories, event: OfflinePaymentChosen) -> None:
    """History only (payments records the choice once): one INSERT, no order load."""
    note = facts.offline_chosen(event.method_name)
    if not await repos.orders.append_note(event.order_id, note, datetime.now(UTC)):
        raise UnknownOrderError(
            f"{OfflinePaymentChosen.TYPE} for order {event.order_id}, which orders never placed"
        )
