"""What the order's events and the mark-paid command do to a payment request.

Each runs in the consumed message's transaction (the router's). A message about an order
not seen yet answers False: the consumer keeps it (`shop_messaging.waiting`) and replays it
when order.placed arrives. An already-applied fact is a logged no-op.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

import structlog

from shop_contracts import MarkOrderPaid, OrderCancelled, OrderPlaced, OrderValidated
from shop_contracts.envelope import Envelope
from shop_messaging import tracing
from shop_payments.domain.errors import IllegalTransitionError
from shop_payments.domain.model import (
    OrderFigures,
    PaymentMethod,
    PaymentRequest,
    ReceivedPayment,
    RequestLine,
)
from shop_payments.service.offer import PaymentOptions
from shop_payments.service.ports import Repositories
from shop_payments.service.requested import request_payment, tell_how_to_pay
from shop_payments.service.settle import settle

log = structlog.get_logger()


async def place_order(
    repos: Repositories,
    placed: OrderPlaced,
    envelope: Envelope,
    now: datetime,
    options: PaymentOptions,
    replay_early: Callable[[], Awaitable[int]],
) -> None:
    """order.placed: open a payment request and tell the client how to pay, in one write.
    When messages came before it (`replay_early`, the consumer's kept messages), the request
    is written untold, they are applied, and the client is told if it is still open then
    (not when a kept cancellation or validation decided otherwise)."""
    await repos.requests.lock_order(placed.order_id)
    request = _new_request(placed, now)
    tell = request.request_payment(now)  # written told, unless messages wait (below)
    added = await repos.requests.add(request)
    if added.added:
        log.info("payment_request.created", order_id=str(placed.order_id), status=request.status)
    else:
        log.info("payment_request.already_known", order_id=str(placed.order_id))
    if added.early:
        await replay_early()
        if not added.added:
            return
        replayed = await repos.requests.get(placed.order_id, for_update=True)
        assert replayed is not None  # requests are never deleted
        if await request_payment(
            repos, replayed, options, placed.payment_url, now, envelope.event_id
        ):
            await repos.requests.save(replayed)
        return
    if added.added and tell:
        await tell_how_to_pay(repos, request, options, placed.payment_url, envelope.event_id)


def _new_request(placed: OrderPlaced, now: datetime) -> PaymentRequest:
    return PaymentRequest.place(
        order_id=placed.order_id,
        number=placed.number,
        amount=placed.total,
        currency=placed.currency,
        client_name=placed.client.name,
        client_email=str(placed.client.email),
        manual_validation=placed.manual_validation,
        now=now,
        lines=tuple(
            RequestLine(
                line.media_title, line.license_name, line.price, line.discount, line.usage_text
            )
            for line in placed.lines
        ),
        order_url=placed.order_url,
        order_traceparent=tracing.current_traceparent(),  # order.placed's handler (tracing on)
        figures=figures_of(placed),
    )


def figures_of(placed: OrderPlaced) -> OrderFigures:
    """What payments keeps of the order's figures (the payment page, payment.requested)."""
    return OrderFigures(
        subtotal=placed.subtotal,
        discount=placed.discount,
        tax=placed.tax,
        tax_rate=placed.tax_rate,
        prices_include_tax=placed.prices_include_tax,
        reverse_charge=placed.reverse_charge,
        vat_number=placed.vat_number,
        coupon_code=placed.coupon_code,
    )


async def _request(repos: Repositories, order_id: uuid.UUID, what: str) -> PaymentRequest | None:
    """The request locked FOR UPDATE, or None when order.placed has not arrived yet."""
    await repos.requests.lock_order(order_id)
    request = await repos.requests.get(order_id, for_update=True)
    if request is None:
        log.info("payment_request.message_early", order_id=str(order_id), type=what)
    return request


async def validate_order(
    repos: Repositories,
    validated: OrderValidated,
    envelope: Envelope,
    now: datetime,
    options: PaymentOptions,
) -> bool:
    """order.validated: the request opens and the client is told how to pay."""
    request = await _request(repos, validated.order_id, envelope.type)
    if request is None:
        return False
    try:
        request.validate(now)
    except IllegalTransitionError as exc:
        log.info(
            "payment_request.validate_ignored", order_id=str(request.order_id), reason=exc.reason
        )
        return True
    await request_payment(repos, request, options, validated.payment_url, now, envelope.event_id)
    await repos.requests.save(request)
    log.info("payment_request.opened", order_id=str(request.order_id))
    return True


async def cancel_order(
    repos: Repositories, cancelled: OrderCancelled, envelope: Envelope, now: datetime
) -> bool:
    request = await _request(repos, cancelled.order_id, envelope.type)
    if request is None:
        return False
    try:
        refund_due = request.cancel(now)
    except IllegalTransitionError as exc:
        log.warning(
            "payment_request.cancel_ignored", order_id=str(request.order_id), reason=exc.reason
        )
        return True
    await repos.requests.save(request)
    if refund_due:
        owed = await repos.payments.owe_back(request.order_id)
        log.warning("payment.refund_due", order_id=str(request.order_id), payments=owed)
    log.info("payment_request.cancelled", order_id=str(request.order_id))
    return True


async def mark_paid(
    repos: Repositories, command: MarkOrderPaid, envelope: Envelope, now: datetime
) -> bool:
    """payment.mark_paid: an off-line payment; confirmed once, never after cancellation.
    A zero-total order (a coupon covered it all) is marked paid by orders itself
    (`requested_by="system"`, amount 0): confirmed with amount 0, and delivery follows."""
    request = await _request(repos, command.order_id, envelope.type)
    if request is None:
        return False
    if (command.amount, command.currency) != (request.amount, request.currency):
        log.warning(
            "payment.offline_amount_differs",
            order_id=str(request.order_id),
            marked=f"{command.amount} {command.currency}",
            expected=f"{request.amount} {request.currency}",
        )
    received = ReceivedPayment(
        method=PaymentMethod.OFFLINE,
        processor=None,
        processor_reference=f"marked paid by {command.requested_by}",
        amount=command.amount,
        currency=command.currency,
        paid_at=now,
    )
    await settle(repos, request, received, causation_id=envelope.event_id)
    return True
