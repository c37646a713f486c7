"""Refunds: pure Python, no I/O.

A refund applies to one payment of an order. What is refundable on a payment is what was
paid minus what is refunded or being refunded (pending refunds count: two refunds in flight
never give back more than was paid). A refund the shop asks for follows
pending -> (submitted) -> succeeded | failed; one recorded by hand (an offline payment, or
money given back outside the shop) is succeeded at once; one made in the processor's
dashboard arrives as a processor event and is recorded succeeded (origin "processor").
Every transition is guarded: applied once, whichever of the processor's answer and its
event comes first.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from shop_payments.domain.errors import PaymentsDomainError
from shop_payments.domain.model import Payment, PaymentDisposition, PaymentMethod


class RefundRefusal(PaymentsDomainError):
    """The refund cannot be made (nothing paid, nothing left, more than is left...)."""


class RefundStatus(StrEnum):
    PENDING = "pending"  # to be asked of the processor
    SUBMITTED = "submitted"  # the processor accepted it and will confirm it (its event)
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class RefundOrigin(StrEnum):
    SHOP = "shop"
    PROCESSOR = "processor"  # made in the processor's dashboard


_LIVE = (RefundStatus.PENDING, RefundStatus.SUBMITTED, RefundStatus.SUCCEEDED)
_OPEN = (RefundStatus.PENDING, RefundStatus.SUBMITTED)


@dataclass
class Refund:
    refund_id: uuid.UUID
    order_id: uuid.UUID
    payment_id: uuid.UUID
    amount: int
    currency: str
    processor: str | None
    origin: RefundOrigin
    status: RefundStatus
    by_hand: bool
    created_at: datetime
    updated_at: datetime
    processor_refund_id: str | None = None
    line_ids: tuple[uuid.UUID, ...] = ()
    reason: str | None = None
    requested_by: str | None = None
    failure: str | None = None
    refunded_at: datetime | None = None
    attempts: int = 0  # times the processor could not be asked
    retry_at: datetime | None = None

    @property
    def counts(self) -> bool:
        """Whether its amount is given back, or on its way."""
        return self.status in _LIVE

    def processor_accepted(self, processor_refund_id: str, now: datetime) -> None:
        """The processor's own id for it (its answer, or its event before the answer)."""
        if self.processor_refund_id is None:
            self.processor_refund_id = processor_refund_id
            self.updated_at = now

    def submitted(self, processor_refund_id: str, now: datetime) -> bool:
        """The processor accepted it and will say when it is done. False when it is past
        that already (its event came first)."""
        self.processor_accepted(processor_refund_id, now)
        if self.status is not RefundStatus.PENDING:
            return False
        self.status = RefundStatus.SUBMITTED
        self.updated_at = now
        return True

    def succeed(self, now: datetime, processor_refund_id: str | None = None) -> bool:
        """True when this made it succeed (PaymentRefunded is written then, once); False
        when it had succeeded already. A failed refund does not come back."""
        if processor_refund_id:
            self.processor_accepted(processor_refund_id, now)
        if self.status is RefundStatus.SUCCEEDED:
            return False
        if self.status is RefundStatus.FAILED:
            return False
        self.status = RefundStatus.SUCCEEDED
        self.refunded_at = now
        self.updated_at = now
        self.retry_at = None
        return True

    def fail(self, reason: str, now: datetime) -> bool:
        """True when this made it fail (RefundFailed is written then, once); False when it
        was already done either way."""
        if self.status not in _OPEN:
            return False
        self.status = RefundStatus.FAILED
        self.failure = reason
        self.updated_at = now
        self.retry_at = None
        return True

    def retry_later(self, at: datetime, now: datetime) -> None:
        """The processor could not be asked: ask again at `at` (same idempotency key)."""
        self.attempts += 1
        self.retry_at = at
        self.updated_at = now


def refunded(payment: Payment, refunds: Sequence[Refund], *, settled_only: bool = False) -> int:
    """What is refunded on the payment (pending and submitted ones too, unless
    `settled_only`)."""
    return sum(
        refund.amount
        for refund in refunds
        if refund.payment_id == payment.id
        and (refund.status is RefundStatus.SUCCEEDED if settled_only else refund.counts)
    )


def refundable(payment: Payment, refunds: Sequence[Refund]) -> int:
    """What is left to refund on the payment: paid - refunded (or being refunded)."""
    return max(payment.amount - refunded(payment, refunds), 0)


def payment_to_refund(payments: Sequence[Payment], refunds: Sequence[Refund]) -> Payment | None:
    """The payment a refund of the order applies to: the confirmed payment while anything
    is left of it, then money received that the order does not need (refund due), oldest
    first. None when nothing is left anywhere."""
    ranked = sorted(
        payments,
        key=lambda p: (p.disposition is not PaymentDisposition.CONFIRMED, p.paid_at),
    )
    return next((p for p in ranked if refundable(p, refunds) > 0), None)


def recorded_by_hand(payment: Payment, by_hand: bool) -> bool:
    """Whether the refund is only recorded (no processor is asked): asked so, or a payment
    no processor took (an offline payment, marked paid by the photographer)."""
    return by_hand or payment.method is PaymentMethod.OFFLINE or not payment.processor


@dataclass(frozen=True)
class RefundAsk:
    """What the photographer asks (RefundPayment)."""

    refund_id: uuid.UUID
    order_id: uuid.UUID
    amount: int | None  # None: everything left on the payment
    by_hand: bool = False
    line_ids: tuple[uuid.UUID, ...] = ()
    reason: str | None = None
    requested_by: str | None = None


def plan_refund(
    ask: RefundAsk,
    number: str,
    payments: Sequence[Payment],
    refunds: Sequence[Refund],
    now: datetime,
) -> Refund:
    """The refund to record: pending (the processor is asked after this transaction) or,
    by hand, succeeded at once. RefundRefusal naming why it cannot be made."""
    if ask.amount is not None and ask.amount <= 0:
        raise RefundRefusal(f"a refund must be of a positive amount, not {ask.amount}")
    if not payments:
        raise RefundRefusal(f"nothing was paid for order {number}: there is nothing to refund")
    payment = payment_to_refund(payments, refunds)
    if payment is None:
        raise RefundRefusal(f"order {number} is refunded already: nothing is left to refund")
    left = refundable(payment, refunds)
    amount = left if ask.amount is None else ask.amount
    if amount > left:
        raise RefundRefusal(
            f"the refund of {amount} exceeds what is left to refund on order {number}: "
            f"{left} (minor units of {payment.currency})"
        )
    by_hand = recorded_by_hand(payment, ask.by_hand)
    refund = Refund(
        refund_id=ask.refund_id,
        order_id=ask.order_id,
        payment_id=payment.id,
        amount=amount,
        currency=payment.currency,
        processor=None if by_hand else payment.processor,
        origin=RefundOrigin.SHOP,
        status=RefundStatus.PENDING,
        by_hand=by_hand,
        created_at=now,
        updated_at=now,
        line_ids=ask.line_ids,
        reason=ask.reason,
        requested_by=ask.requested_by,
    )
    if by_hand:
        refund.succeed(now)
    return refund


@dataclass(frozen=True)
class ReportedRefund:
    """A refund a processor event reports, for one payment (see `service.refund_events`)."""

    processor: str
    processor_refund_id: str | None
    amount: int
    currency: str
    succeeded: bool
    failed: bool
    refund_id: uuid.UUID | None = None  # the shop's, when the refund carries it
    cumulative: bool = False  # `amount`: everything refunded on the payment so far


@dataclass(frozen=True)
class ReportDecision:
    """What a reported refund does: the refund to save (None: nothing), and whether it
    newly succeeded or failed (the event to write). `note`: the outcome, for the log."""

    refund: Refund | None
    succeeded: bool = False
    failed: bool = False
    new: bool = False
    note: str = "ignored"
    extra: dict[str, object] = field(default_factory=dict)


def dashboard_refund_id(processor: str, key: str) -> uuid.UUID:
    """A stable id for a refund made in the processor's dashboard (its event may come again)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"refund:{processor}:{key}")


def _match(refunds: Sequence[Refund], report: ReportedRefund) -> Refund | None:
    if report.processor_refund_id:
        for refund in refunds:
            if refund.processor_refund_id == report.processor_refund_id:
                return refund
    if report.refund_id is not None:
        for refund in refunds:
            if refund.refund_id == report.refund_id:
                return refund
    if report.processor_refund_id and report.succeeded:
        # A dashboard refund first seen through a charge's total (no id), now with its id.
        for refund in refunds:
            if (
                refund.origin is RefundOrigin.PROCESSOR
                and refund.processor_refund_id is None
                and refund.amount == report.amount
            ):
                return refund
    return None


def apply_report(
    payment: Payment,
    refunds: Sequence[Refund],
    report: ReportedRefund,
    key: str,
    now: datetime,
) -> ReportDecision:
    """A refund a processor reports about `payment` (`refunds`: the payment's), applied
    once: a refund the shop made is matched (by the processor's id, or the shop's id it
    carries) and completed or failed if it was still open; one unknown is a refund made in
    the processor's dashboard, recorded succeeded (origin "processor"). `key`: what
    identifies the report when it names no refund (the event's id)."""
    if report.currency.upper() != payment.currency:
        return ReportDecision(None, note="currency_mismatch")
    mine = [refund for refund in refunds if refund.payment_id == payment.id]
    if report.cumulative:
        return _cumulative(payment, mine, report, key, now)
    known = _match(mine, report)
    if known is not None:
        if report.succeeded:
            done = known.succeed(now, report.processor_refund_id)
            return ReportDecision(known, succeeded=done, note="succeeded" if done else "known")
        if report.failed:
            done = known.fail("the processor reports the refund failed", now)
            if not done and known.status is RefundStatus.SUCCEEDED:
                # Stripe: a refund can fail after it succeeded (a closed card). The shop
                # said it was refunded; nothing in the contracts takes that back: logged.
                return ReportDecision(None, note="failed_after_success")
            return ReportDecision(known, failed=done, note="failed" if done else "known")
        if report.processor_refund_id:
            known.processor_accepted(report.processor_refund_id, now)
        return ReportDecision(known, note="known")
    if not report.succeeded or report.amount <= 0:
        return ReportDecision(None, note="ignored")  # pending, failed: nothing was given back
    return _dashboard(payment, mine, report, report.amount, report.processor_refund_id or key, now)


def _cumulative(
    payment: Payment, refunds: Sequence[Refund], report: ReportedRefund, key: str, now: datetime
) -> ReportDecision:
    gap = report.amount - refunded(payment, refunds)
    if gap <= 0 or not report.succeeded:
        return ReportDecision(None, note="known")
    return _dashboard(payment, refunds, report, gap, key, now, with_id=False)


def _dashboard(
    payment: Payment,
    refunds: Sequence[Refund],
    report: ReportedRefund,
    amount: int,
    key: str,
    now: datetime,
    *,
    with_id: bool = True,
) -> ReportDecision:
    left = payment.amount - refunded(payment, refunds, settled_only=True)
    if amount > left:
        return ReportDecision(None, note="exceeds_payment", extra={"amount": amount, "left": left})
    refund = Refund(
        refund_id=dashboard_refund_id(report.processor, key),
        order_id=payment.order_id,
        payment_id=payment.id,
        amount=amount,
        currency=payment.currency,
        processor=report.processor,
        origin=RefundOrigin.PROCESSOR,
        status=RefundStatus.PENDING,
        by_hand=False,
        created_at=now,
        updated_at=now,
        processor_refund_id=report.processor_refund_id if with_id else None,
        requested_by=report.processor,
    )
    refund.succeed(now)
    return ReportDecision(refund, succeeded=True, new=True, note="dashboard_refund")


@dataclass(frozen=True)
class RefundFigures:
    """The order's refund figures once a refund succeeded (PaymentRefunded's)."""

    refunded_total: int  # every succeeded refund of the order
    full: bool  # what the order was paid with is refunded in full


def refund_figures(payments: Sequence[Payment], refunds: Sequence[Refund]) -> RefundFigures:
    """`full`: the order's confirmed payment refunded in full (a duplicate payment given
    back leaves the order paid); with none confirmed (a cancelled order's money, due back),
    every payment refunded in full."""
    total = sum(r.amount for r in refunds if r.status is RefundStatus.SUCCEEDED)
    confirmed = [p for p in payments if p.disposition is PaymentDisposition.CONFIRMED]
    relevant = confirmed or list(payments)
    full = bool(relevant) and all(
        refunded(p, refunds, settled_only=True) >= p.amount for p in relevant
    )
    return RefundFigures(refunded_total=total, full=full)
