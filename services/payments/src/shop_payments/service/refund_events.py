"""Refunds a processor reports (Stripe `charge.refunded` / `refund.updated`, the sandbox's
`charge.refunded`, PayPal `PAYMENT.CAPTURE.REFUNDED`), applied once.

Called by the webhook processing (`card_events.handle_processor_event`) for an event that
carries refund reports (`ProcessorEvent.refunds`), in its transaction: the event id is
claimed once (a redelivered event is a duplicate); each reported refund is matched to the
payment it refunds (by its processor reference) and to a refund the shop made (by the
processor's refund id, or the shop's refund id the refund carries in its metadata): that
one is completed (or failed) if it was still open — `PaymentRefunded` is then written by
whichever of the processor's answer and this event came first, once. A refund the shop
does not know was made in the processor's dashboard: recorded, with a new `PaymentRefunded`
of origin "processor".
"""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog

from shop_payments.domain.errors import UnknownOrderEventError
from shop_payments.domain.refunds import ReportedRefund, apply_report
from shop_payments.service.ports import ProcessorEvent, RefundReport, Repositories
from shop_payments.service.refunds import FAILED, SUCCEEDED, refund_failed, refund_succeeded

log = structlog.get_logger()

DUPLICATE = "duplicate"


async def receive_refund_event(repos: Repositories, event: ProcessorEvent, now: datetime) -> str:
    """The outcome recorded for the event ("refunds: ..."), or "duplicate"."""
    if not await repos.events.claim(event.event_id, event.processor, event.type):
        log.info("processor_event.duplicate", event_id=event.event_id)
        return DUPLICATE
    notes: list[str] = []
    order_id: uuid.UUID | None = None
    for index, report in enumerate(event.refunds):
        note, order = await _apply(repos, event, report, f"{event.event_id}:{index}", now)
        notes.append(note)
        order_id = order_id or order
    outcome = "refunds: " + ", ".join(notes) if notes else "ignored"
    await repos.events.set_outcome(event.event_id, order_id, outcome[:100])
    log.info("processor_event.processed", event_id=event.event_id, type=event.type, outcome=outcome)
    return outcome


async def _apply(
    repos: Repositories, event: ProcessorEvent, report: RefundReport, key: str, now: datetime
) -> tuple[str, uuid.UUID]:
    payment = await repos.refunds.payment_by_reference(report.payment_reference)
    if payment is None:
        # As for a paid checkout about an unknown order: refused (nothing stays written),
        # the processor retries it — its payment's own event may not have come yet.
        log.warning(
            "refund_event.unknown_payment",
            event_id=event.event_id,
            reference=report.payment_reference,
        )
        raise UnknownOrderEventError(f"unknown payment: {report.payment_reference}")
    # The order's lock first, as the worker and the message path take it.
    await repos.requests.lock_order(payment.order_id)
    refunds = await repos.refunds.for_order(payment.order_id, for_update=True)
    status = report.status.lower()
    reported = ReportedRefund(
        processor=event.processor,
        processor_refund_id=report.processor_refund_id,
        amount=report.amount,
        currency=report.currency,
        succeeded=status in SUCCEEDED,
        failed=status in FAILED,
        refund_id=report.refund_id,
        cumulative=report.cumulative,
    )
    decision = apply_report(payment, refunds, reported, key, now)
    refund = decision.refund
    if refund is not None:
        if decision.new:
            await repos.refunds.add(refund)
        else:
            await repos.refunds.save(refund)
        if decision.succeeded:
            await refund_succeeded(repos, refund)
        if decision.failed:
            await refund_failed(repos, refund)
    if decision.note in ("currency_mismatch", "exceeds_payment", "failed_after_success"):
        log.error(
            "refund_event.inconsistent",
            event_id=event.event_id,
            note=decision.note,
            order_id=str(payment.order_id),
            **{k: str(v) for k, v in decision.extra.items()},
        )
    return decision.note, payment.order_id
