"""What the order's events and the mark-paid command do to a payment request.

Each runs in the consumed message's transaction (the router's). A message about an order
not seen yet is kept and applied when order.placed arrives; an already-applied fact is a
logged no-op.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog

from shop_contracts import MarkOrderPaid, OrderCancelled, OrderPlaced, OrderValidated
from shop_contracts.envelope import Envelope
from shop_contracts.registry import parse_payload
from shop_payments.domain.errors import IllegalTransitionError
from shop_payments.domain.model import PaymentMethod, PaymentRequest, ReceivedPayment
from shop_payments.service.ports import Repositories
from shop_payments.service.settle import settle

log = structlog.get_logger()


async def record_order(
    repos: Repositories, placed: OrderPlaced, envelope: Envelope, now: datetime
) -> None:
    """order.placed: open a payment request, then apply what arrived before it."""
    await repos.requests.lock_order(placed.order_id)
    request = PaymentRequest.place(
        order_id=placed.order_id,
        number=placed.number,
        amount=placed.total,
        currency=placed.currency,
        client_name=placed.client.name,
        client_email=str(placed.client.email),
        manual_validation=placed.manual_validation,
        now=now,
    )
    if not await repos.requests.add(request):
        log.info("payment_request.already_known", order_id=str(placed.order_id))
        return
    log.info("payment_request.created", order_id=str(placed.order_id), status=request.status)
    for pending in await repos.pending.take(placed.order_id):
        log.info("pending_message.applied", order_id=str(placed.order_id), type=pending.type)
        await apply_message(repos, pending, now)


async def apply_message(repos: Repositories, envelope: Envelope, now: datetime) -> None:
    payload = parse_payload(envelope)
    if isinstance(payload, OrderValidated):
        await validate_order(repos, payload, envelope, now)
    elif isinstance(payload, OrderCancelled):
        await cancel_order(repos, payload, envelope, now)
    elif isinstance(payload, MarkOrderPaid):
        await mark_paid(repos, payload, envelope, now)
    else:
        log.warning("pending_message.unexpected", type=envelope.type)


async def _request_or_keep(
    repos: Repositories, envelope: Envelope, order_id: uuid.UUID
) -> PaymentRequest | None:
    """The request locked FOR UPDATE, or None after keeping the message for later."""
    await repos.requests.lock_order(order_id)
    request = await repos.requests.get(order_id, for_update=True)
    if request is None:
        await repos.pending.keep(order_id, envelope)
        log.info("pending_message.kept", order_id=str(order_id), type=envelope.type)
    return request


async def validate_order(
    repos: Repositories, validated: OrderValidated, envelope: Envelope, now: datetime
) -> None:
    request = await _request_or_keep(repos, envelope, validated.order_id)
    if request is None:
        return
    try:
        request.validate(now)
    except IllegalTransitionError as exc:
        log.info(
            "payment_request.validate_ignored", order_id=str(request.order_id), reason=exc.reason
        )
        return
    await repos.requests.save(request)
    log.info("payment_request.opened", order_id=str(request.order_id))


async def cancel_order(
    repos: Repositories, cancelled: OrderCancelled, envelope: Envelope, now: datetime
) -> None:
    request = await _request_or_keep(repos, envelope, cancelled.order_id)
    if request is None:
        return
    try:
        request.cancel(now)
    except IllegalTransitionError as exc:
        log.warning(
            "payment_request.cancel_ignored", order_id=str(request.order_id), reason=exc.reason
        )
        return
    await repos.requests.save(request)
    log.info("payment_request.cancelled", order_id=str(request.order_id))


async def mark_paid(
    repos: Repositories, command: MarkOrderPaid, envelope: Envelope, now: datetime
) -> None:
    """payment.mark_paid: an off-line payment; confirmed once, never after cancellation."""
    request = await _request_or_keep(repos, envelope, command.order_id)
    if request is None:
        return
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
