"""The refund side of the `Order` entity (issue 13), kept apart so that `order.py` stays
readable: the figures (what was paid, refunded, asked and not answered), money owed back,
and the transitions (asked, refunded, failed). The rules themselves: `domain.refunds`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from shop_orders.domain.refunds import (
    Refund,
    RefundStatus,
    failed_note,
    refund_amount,
    refunded_note,
    requested_note,
)
from shop_orders.domain.status import OrderStatus, PaymentStatus


class _Line(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


class OrderRefunds:
    """Mixed into `Order` (a dataclass: these are its fields, declared there)."""

    id: uuid.UUID
    currency: str
    status: OrderStatus
    payment_status: PaymentStatus
    refunded: int
    refund_pending: int
    payment_kept: bool
    lines: Sequence[_Line]

    @property
    def total(self) -> int:
        raise NotImplementedError

    @property
    def is_paid(self) -> bool:
        raise NotImplementedError

    def _record(self, now: datetime, kind: str, detail: str, actor: str) -> None:
        raise NotImplementedError

    @property
    def paid_amount(self) -> int:
        """What the client paid: payments confirms exactly the order's total."""
        return self.total if self.is_paid else 0

    @property
    def refundable(self) -> int:
        """What a new refund may still give back: paid - refunded - refunds on their way."""
        return max(0, self.paid_amount - self.refunded - self.refund_pending)

    @property
    def holds_payment(self) -> bool:
        """Paid and not all refunded: cancelling must say what becomes of the money."""
        return self.is_paid and self.paid_amount - self.refunded > 0

    @property
    def refund_due(self) -> bool:
        """Money received for a cancelled order (a card payment that arrived after the
        cancellation), not kept on purpose and not already on its way back."""
        cancelled = self.status is OrderStatus.CANCELLED
        return cancelled and not self.payment_kept and self.refundable > 0

    # -- refunds (issue 13): asked here, carried out by payments --------------------------

    def request_refund(
        self,
        refund_id: uuid.UUID,
        amount: int | None,
        line_ids: tuple[uuid.UUID, ...],
        reason: str | None,
        now: datetime,
        actor: str = "admin",
    ) -> Refund:
        """Guarded (`domain.refunds.refund_amount`); the refund counts as on its way until
        payments answers."""
        counted = refund_amount(
            paid=self.paid_amount,
            refunded=self.refunded,
            pending=self.refund_pending,
            asked=amount,
            line_ids=line_ids,
            order_lines=[line.id for line in self.lines],
            currency=self.currency,
        )
        self.refund_pending += counted
        note = requested_note(amount, counted, self.currency, reason)
        self._record(now, "refund_requested", note, actor)
        return Refund(
            refund_id,
            self.id,
            counted,
            RefundStatus.REQUESTED,
            now,
            amount,
            line_ids,
            reason,
            actor,
        )

    def refund_settled(
        self,
        pending: int,
        amount: int,
        *,
        full: bool,
        origin: str,
        by_hand: bool,
        reason: str | None,
        now: datetime,
    ) -> None:
        """payments gave `amount` back (`pending`: what that refund counted for while on
        its way, 0 for one orders never asked for)."""
        self.refund_pending = max(0, self.refund_pending - pending)
        self.refunded = min(self.paid_amount or self.total, self.refunded + amount)
        everything = full or self.refunded >= (self.paid_amount or self.total)
        if everything or self.payment_status is PaymentStatus.REFUNDED:
            self.payment_status = PaymentStatus.REFUNDED
        else:
            self.payment_status = PaymentStatus.PARTIALLY_REFUNDED
        note = refunded_note(
            amount, self.currency, full=everything, origin=origin, by_hand=by_hand, reason=reason
        )
        self._record(now, "refunded", note, "payments")

    def refund_failed(self, pending: int, amount: int | None, reason: str, now: datetime) -> None:
        """payments could not refund: the amount asked no longer counts as on its way."""
        self.refund_pending = max(0, self.refund_pending - pending)
        self._record(now, "refund_failed", failed_note(amount, self.currency, reason), "payments")
