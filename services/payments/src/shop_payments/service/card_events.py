"""A verified processor event: processed once; a paid checkout confirms the payment.

Tracing on: a paid checkout's webhook joins the ORDER's trace (the storefront's
POST /api/orders): its handling span is a child of the span the payment request kept when
order.placed was handled, and carries a span link to the webhook's own HTTP request (the
processor's, a short trace of its own), so an operator goes from one to the other;
`payment.confirmed` then continues the order's trace (delivery, the emails). An event about
no stored context (a failure, an unknown type, a request kept with tracing off) stays under
the webhook's request.
"""

from __future__ import annotations

from datetime import datetime

import structlog

from shop_contracts import PaymentFailed
from shop_messaging import tracing
from shop_payments.domain.errors import AmountMismatchError, UnknownOrderEventError
from shop_payments.domain.model import (
    PaymentMethod,
    PaymentRequest,
    ReceivedPayment,
    SettlementOutcome,
)
from shop_payments.service.ports import (
    PAYPAL_PROCESSORS,
    EventRecord,
    EventVerifier,
    ProcessorEvent,
    Repositories,
    Transaction,
)
from shop_payments.service.refund_events import receive_refund_event
from shop_payments.service.settle import settle

log = structlog.get_logger()

DUPLICATE = "duplicate"


async def receive_event(
    transaction: Transaction,
    verifier: EventVerifier,
    payload: bytes,
    signature: str | None,
    now: datetime,
) -> str:
    """A webhook's raw body: verified first (SignatureError, InvalidEventError), then
    processed in one transaction. Every refusal writes nothing: the processor retries."""
    event = verifier.verify(payload, signature)
    async with transaction() as repos:
        return await handle_processor_event(repos, event, now)


async def handle_processor_event(repos: Repositories, event: ProcessorEvent, now: datetime) -> str:
    """The outcome recorded for the event, or "duplicate" when it was seen before.

    Raises UnknownOrderEventError / AmountMismatchError before anything stays written (the
    caller's transaction rolls back, and the processor retries later).
    """
    if event.refunds:  # refunds it reports: service.refund_events (W4)
        return await receive_refund_event(repos, event, now)
    # The order first: an event that comes before order.placed (the processor retries it)
    # then costs one SELECT, not an event row inserted and rolled back.
    request = await _paid_request(repos, event) if event.confirms_payment else None
    order_trace = request.order_traceparent if request is not None else None
    with tracing.span(
        f"{event.processor} webhook {event.type}",
        parent=order_trace,  # the order's trace (None: the webhook request's child)
        links=[tracing.current_traceparent()] if order_trace else (),  # the webhook request
        attributes={"shop.processor_event.type": event.type},
    ):
        return await _process(repos, event, request, now)


async def _process(
    repos: Repositories, event: ProcessorEvent, request: PaymentRequest | None, now: datetime
) -> str:
    # The usual case: the event is recorded by the settlement's statement. Not PayPal's: its
    # capture id is claimed before the settlement (`_first_for_payment`), a write that must
    # follow the event's own claim.
    if request is not None and request.payable and event.processor not in PAYPAL_PROCESSORS:
        return await _confirming_checkout(repos, request, event, now)
    if not await repos.events.claim(event.event_id, event.processor, event.type):
        log.info("processor_event.duplicate", event_id=event.event_id)
        return DUPLICATE
    if request is not None:
        outcome = await _paid_checkout(repos, request, event, now)
    elif event.reports_failure and event.order_id is not None:
        failed = PaymentFailed(order_id=event.order_id, reason="the card payment failed")
        await repos.outbox.add(failed.envelope(correlation_id=event.order_id))
        outcome = "failed"
    else:
        outcome = "ignored"
        if not event.refunds:
            log.info("processor_event.unhandled_type", event_id=event.event_id, type=event.type)
    await repos.events.set_outcome(event.event_id, event.order_id, outcome)
    log.info("processor_event.processed", event_id=event.event_id, type=event.type, outcome=outcome)
    return outcome


async def _paid_request(repos: Repositories, event: ProcessorEvent) -> PaymentRequest:
    """The order's payment request, locked; UnknownOrderEventError when there is none (yet)."""
    order_id = event.order_id
    request = None
    if order_id:
        # The order's lock first, as the message path takes it: a webhook and a cancellation
        # about one order run one after the other, in one lock order (no deadlock).
        request = await repos.requests.get_locked(order_id)
    if request is None:
        log.warning("webhook.unknown_order", event_id=event.event_id)
        raise UnknownOrderEventError(
            f"unknown order: {order_id}"
            if order_id
            else f"unknown order: client_reference_id {event.client_reference_id!r} is not an "
            "order id"
        )
    return request


async def _confirming_checkout(
    repos: Repositories, request: PaymentRequest, event: ProcessorEvent, now: datetime
) -> str:
    """A paid checkout for a request it confirms (the usual case): the event is recorded by
    the settlement's own statement (with its outcome), not claimed first and updated after.
    Seen before: nothing is written, "duplicate"."""
    received = _received(request, event, now)
    record = EventRecord(
        event.event_id,
        event.processor,
        event.type,
        event.order_id,
        SettlementOutcome.CONFIRMED.value,
    )
    settlement = await settle(repos, request, received, event=record)
    if settlement is None:
        log.info("processor_event.duplicate", event_id=event.event_id)
        return DUPLICATE
    outcome = settlement.outcome.value
    log.info("processor_event.processed", event_id=event.event_id, type=event.type, outcome=outcome)
    return outcome


def _received(request: PaymentRequest, event: ProcessorEvent, now: datetime) -> ReceivedPayment:
    """The money the event reports, checked against the request (AmountMismatchError)."""
    if event.amount is None or event.currency is None:
        raise AmountMismatchError("amount_total and currency are required in the checkout session")
    request.check_amount(event.amount, event.currency)
    return ReceivedPayment(
        method=PaymentMethod.CARD,
        processor=event.processor,
        processor_reference=event.reference,
        amount=event.amount,
        currency=event.currency,
        paid_at=now,
    )


async def _paid_checkout(
    repos: Repositories, request: PaymentRequest, event: ProcessorEvent, now: datetime
) -> str:
    received = _received(request, event, now)
    if not await _first_for_payment(repos, event):
        log.info("processor_event.payment_already_settled", reference=event.reference)
        return "already_settled"
    settlement = await settle(repos, request, received)
    assert settlement is not None  # None only for an event recorded with the settlement
    return settlement.outcome.value


async def _first_for_payment(repos: Repositories, event: ProcessorEvent) -> bool:
    """Whether this is the first word of this payment. A PayPal capture is settled by
    whichever comes first, the shop's own capture on the client's return or the webhook
    PAYMENT.CAPTURE.COMPLETED (two events, one payment): the capture id is claimed once."""
    if event.processor not in PAYPAL_PROCESSORS or not event.reference:
        return True
    key = f"{event.processor}:capture:{event.reference}"
    if not await repos.events.claim(key, event.processor, "capture"):
        return False
    await repos.events.set_outcome(key, event.order_id, "settled")
    return True
