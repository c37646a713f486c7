"""Receiving money for a request: the one place a payment is confirmed."""

from __future__ import annotations

import uuid

import structlog

from shop_contracts import PaymentConfirmed
from shop_contracts.envelope import Envelope
from shop_payments.domain.model import (
    PaymentMethod,
    PaymentRequest,
    ReceivedPayment,
    Settlement,
    SettlementOutcome,
)
from shop_payments.service.ports import EventRecord, Repositories

log = structlog.get_logger()


async def settle(
    repos: Repositories,
    request: PaymentRequest,
    received: ReceivedPayment,
    *,
    causation_id: uuid.UUID | None = None,
    event: EventRecord | None = None,
) -> Settlement | None:
    """Apply `received` to a request locked FOR UPDATE; outbox PaymentConfirmed once.

    The partial unique index on confirmed payments backs the row lock: a second
    confirmation for the same order fails the transaction instead of being published.

    `event` (only for a payable request: it confirms): the processor event that brought
    the money, recorded by the settlement's own statement; None when that event was
    recorded before (processed already: nothing written).
    """
    settlement = request.receive(received, uuid.uuid4())
    if settlement.outcome is SettlementOutcome.CONFIRMED:
        assert settlement.payment is not None
        # one round trip: the request, its payment (and the event)
        if not await repos.requests.save(request, payment=settlement.payment, event=event):
            return None
        await repos.outbox.add(_confirmed(settlement, causation_id))
        log.info(
            "payment.confirmed",
            order_id=str(request.order_id),
            method=received.method.value,
            processor=received.processor,
        )
        return settlement
    assert event is None, "an event is recorded with a confirmation only"
    if settlement.payment is not None:
        await repos.payments.add(settlement.payment)
    if settlement.outcome is SettlementOutcome.AFTER_CANCELLATION and settlement.payment:
        # Orders must know the money is there, to offer it back (a Refund button).
        await repos.outbox.add(_confirmed(settlement, causation_id, refund_due=True))
        log.warning(
            "payment.received_after_cancellation",
            order_id=str(request.order_id),
            method=received.method.value,
        )
    else:
        log.warning(
            "payment.not_confirmed",
            order_id=str(request.order_id),
            outcome=settlement.outcome.value,
            method=received.method.value,
            refund_due=settlement.payment is not None,
        )
    return settlement


def _confirmed(
    settlement: Settlement, causation_id: uuid.UUID | None, *, refund_due: bool = False
) -> Envelope:
    payment = settlement.payment
    assert payment is not None
    return PaymentConfirmed(
        order_id=payment.order_id,
        payment_id=payment.id,
        method="card" if payment.method is PaymentMethod.CARD else "offline",
        processor=payment.processor,
        amount=payment.amount,
        currency=payment.currency,
        paid_at=payment.paid_at,
        refund_due=refund_due,
    ).envelope(correlation_id=payment.order_id, causation_id=causation_id)
