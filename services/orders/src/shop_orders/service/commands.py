"""The photographer's commands on an order: validate, mark paid, force delivery, cancel,
re-issue download links.

Each loads the order locked, lets the domain guard the transition (an illegal one raises
`IllegalTransitionError`, answered 409), saves it and writes its message to the outbox.

Tracing on: a command's work joins the ORDER's trace (the storefront's POST /api/orders,
maybe days before): its span (`order <action>`) is a child of the placing request's span,
from the traceparent the order kept when it was placed, and carries a span link to the
admin's request (a short trace of its own), so an operator goes from one trace to the
other; the message it writes continues the order's trace (what payments and delivery do
with it, the emails). An order placed with tracing off: the span is the request's child.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import structlog

from shop_contracts.envelope import Envelope
from shop_messaging import tracing
from shop_orders.domain.errors import OrderNotFoundError
from shop_orders.domain.order import AdminAction, Order
from shop_orders.domain.refunds import AfterPayment, Refund
from shop_orders.service import messages
from shop_orders.service.links import Links
from shop_orders.service.ports import Repositories
from shop_orders.service.refunds import refund_payment

log = structlog.get_logger()


# A command's domain transition; it returns the messages to publish (same `now` for all).
Step = Callable[[Order, datetime], list[Envelope]]


async def _run(
    repos: Repositories, order_id: uuid.UUID, action: AdminAction, event: str, step: Step
) -> Order:
    """Lock the order, apply the guarded transition, save it, write its message."""
    order = await repos.orders.get(order_id, for_update=True)
    if order is None:
        raise OrderNotFoundError(f"no order {order_id}")
    with tracing.span(
        f"order {action.value}",
        parent=order.traceparent,  # the order's trace (None: placed with tracing off)
        links=[tracing.current_traceparent()] if order.traceparent else (),  # the request
        attributes={"shop.order.id": str(order.id), "shop.order.action": action.value},
    ):
        now = datetime.now(UTC)
        sent = step(order, now)
        await repos.orders.save(order)
        await repos.outbox.add(*sent)
    log.info(event, order_id=str(order.id))
    return order


async def validate_order(
    repos: Repositories, order_id: uuid.UUID, *, links: Links, actor: str = "admin"
) -> Order:
    def step(order: Order, now: datetime) -> list[Envelope]:
        order.validate(now, actor)  # a free order: payment skipped (its history says so)
        validated = messages.order_validated(order, links, now)
        if order.is_free:
            return [validated, messages.mark_order_paid(order, now, "system")]
        return [validated]

    return await _run(repos, order_id, AdminAction.VALIDATE, "order.validated", step)


async def request_mark_paid(
    repos: Repositories, order_id: uuid.UUID, *, actor: str = "admin"
) -> Order:
    """Ask payments to record an off-line payment; the order turns paid on payment.confirmed."""

    def step(order: Order, now: datetime) -> list[Envelope]:
        order.request_mark_paid(now, actor)
        return [messages.mark_order_paid(order, now, actor)]

    return await _run(repos, order_id, AdminAction.MARK_PAID, "order.mark_paid_requested", step)


async def request_force_delivery(
    repos: Repositories, order_id: uuid.UUID, *, actor: str = "admin"
) -> Order:
    def step(order: Order, now: datetime) -> list[Envelope]:
        order.request_force_delivery(now, actor)
        return [messages.force_delivery(order, now, actor)]

    return await _run(repos, order_id, AdminAction.FORCE_DELIVERY, "order.delivery_forced", step)


async def cancel_order(
    repos: Repositories,
    order_id: uuid.UUID,
    *,
    actor: str = "admin",
    reason: str | None = None,
    after_payment: AfterPayment | None = None,
) -> Order:
    """A paid order needs `after_payment` (422 without): "refund" also asks payments for
    everything left (`RefundPayment`), "keep" records the reason."""
    refunds: list[Refund] = []

    def step(order: Order, now: datetime) -> list[Envelope]:
        refund = order.cancel(now, actor, reason, after_payment)
        cancelled = messages.order_cancelled(order, now, reason)
        if refund is None:
            return [cancelled]
        refunds.append(refund)
        return [cancelled, refund_payment(refund, now)]

    order = await _run(repos, order_id, AdminAction.CANCEL, "order.cancelled", step)
    for refund in refunds:
        await repos.refunds.add(refund)
        log.info("order.refund_requested", order_id=str(order.id), refund_id=str(refund.id))
    if order.coupon_id is not None and await repos.coupons.give_back(order.id):
        # in the cancelling transaction: the use is another client's again
        log.info("coupon.use_given_back", order_id=str(order.id), coupon=order.coupon_code)
    return order


async def request_links_reissue(
    repos: Repositories, order_id: uuid.UUID, *, actor: str = "admin"
) -> Order:
    """Ask delivery for fresh download links (it emails the client); delivered orders only."""

    def step(order: Order, now: datetime) -> list[Envelope]:
        order.request_links_reissue(now, actor)
        return [messages.reissue_links(order, now, actor)]

    return await _run(
        repos, order_id, AdminAction.REISSUE_LINKS, "order.links_reissue_requested", step
    )
