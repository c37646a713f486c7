"""A delivery: awaiting_trigger -> delivered, or cancelled. Guarded transitions.

A delivery is created when the order is placed. A trigger (payment or forced delivery)
starts it; rendering may fail, and then it stays `awaiting_trigger` with the failure
recorded, so a later trigger can try again. Once delivered it is never delivered again;
once cancelled it is never delivered.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shop_delivery.domain.errors import (
    AlreadyDeliveredError,
    DeliveryCancelledError,
    IllegalTransitionError,
)


class DeliveryStatus(StrEnum):
    AWAITING_TRIGGER = "awaiting_trigger"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class Trigger(StrEnum):
    PAYMENT = "payment"
    FORCE = "force"
    GRANT = "grant"  # a free-download authorization: delivered at once, no payment


class DeliveryKind(StrEnum):
    """An order's delivery, or a free-download grant's (its id plays the order id; it is
    never announced as an order's delivery and never waits for a payment)."""

    ORDER = "order"
    FREE = "free"


class PaymentState(StrEnum):
    """Whether the order was paid, as `payment.confirmed` tells delivery, even after a forced
    delivery (which it never repeats)."""

    UNPAID = "unpaid"
    PAID = "paid"
    UNKNOWN = "unknown"  # forced before delivery kept track of payments


@dataclass
class Delivery:
    order_id: uuid.UUID
    number: str
    client_name: str
    client_email: str
    status: DeliveryStatus = DeliveryStatus.AWAITING_TRIGGER
    trigger: Trigger | None = None
    forced: bool = False
    triggered_at: datetime | None = None
    delivered_at: datetime | None = None
    cancelled_at: datetime | None = None
    failure_reason: str | None = None
    terms_text: str | None = None  # the photographer's terms: delivered as a PDF
    withdrawn_at: datetime | None = None  # cancelled after delivery: links revoked for good
    payment: PaymentState = PaymentState.UNPAID
    payment_url: str | None = None  # the client's payment page (from `order.placed`)
    kind: DeliveryKind = DeliveryKind.ORDER
    # Refunds (`payment.refunded`), recorded whenever they come, even before delivery: a full
    # one revokes every link and held file for good (and an order not delivered yet never
    # is); a partial one the files of these lines (never produced if not delivered yet).
    refunded_at: datetime | None = None
    refunded_lines: frozenset[uuid.UUID] = frozenset()

    @property
    def is_free(self) -> bool:
        return self.kind is DeliveryKind.FREE

    @property
    def payment_due(self) -> bool:
        """Delivered on the photographer's word, and not paid yet: the client is told."""
        return (
            self.status is DeliveryStatus.DELIVERED
            and self.forced
            and self.payment is PaymentState.UNPAID
        )

    def record_payment(self) -> None:
        """The order was paid. Whatever the delivery's state: a forced delivery stops saying
        the payment is due, a cancelled one stays cancelled, nothing is delivered again."""
        self.payment = PaymentState.PAID

    @property
    def is_live(self) -> bool:
        """Delivered, not withdrawn nor fully refunded: its links may be re-issued, held
        files released."""
        return (
            self.status is DeliveryStatus.DELIVERED
            and self.withdrawn_at is None
            and self.refunded_at is None
        )

    @property
    def fully_refunded(self) -> bool:
        return self.refunded_at is not None

    def record_refund(
        self, *, full: bool, line_ids: Iterable[uuid.UUID], at: datetime
    ) -> frozenset[uuid.UUID]:
        """A refund: whatever the delivery's state, it is kept (a delivery that comes later
        honours it). Returns the lines it newly refunds (a redelivered refund: none)."""
        self.require_order("refund")
        if full and self.refunded_at is None:
            self.refunded_at = at
        new = frozenset(line_ids) - self.refunded_lines
        self.refunded_lines = self.refunded_lines | new
        return new

    def delivers_line(self, line_id: uuid.UUID) -> bool:
        """Whether a line's files are still due to the client (not refunded)."""
        return self.refunded_at is None and line_id not in self.refunded_lines

    def withdraw(self, at: datetime) -> None:
        """The order was cancelled after delivery: it stays delivered, its links are dead."""
        if self.status is not DeliveryStatus.DELIVERED:
            raise IllegalTransitionError(f"order {self.number} was not delivered")
        if self.withdrawn_at is None:
            self.withdrawn_at = at

    def require_order(self, action: str) -> None:
        """Refuse an order's `action` (payment, forced delivery, cancellation, re-issue) on a
        free download: it is no order, and none of orders' messages may change it."""
        if self.is_free:
            raise IllegalTransitionError(f"cannot {action} {self.number}: it is a free download")

    def require_live(self, action: str) -> None:
        """Refuse `action` (re-issue links, release files) unless the delivery is live."""
        self.require_order(action)
        if self.refunded_at is not None:
            raise DeliveryCancelledError(
                f"cannot {action} for order {self.number}: it was refunded"
            )
        if self.status is DeliveryStatus.CANCELLED or self.withdrawn_at is not None:
            raise DeliveryCancelledError(
                f"cannot {action} for order {self.number}: it was cancelled"
            )
        if self.status is not DeliveryStatus.DELIVERED:
            raise IllegalTransitionError(
                f"cannot {action} for order {self.number}: it was not delivered yet"
            )

    def start(self, trigger: Trigger, at: datetime) -> None:
        """Accept a trigger: raises with the reason when this delivery must not happen."""
        if trigger is not Trigger.GRANT:
            self.require_order("deliver")
        elif not self.is_free:
            raise IllegalTransitionError(f"order {self.number} is not a free download")
        self._refuse_unless_awaiting("deliver")
        if self.refunded_at is not None:
            raise DeliveryCancelledError(
                f"cannot deliver order {self.number}: it was refunded in full"
            )
        self.trigger = trigger
        self.forced = trigger is Trigger.FORCE
        self.triggered_at = at

    def mark_delivered(self, at: datetime) -> None:
        self._refuse_unless_awaiting("deliver")
        if self.trigger is None:
            raise IllegalTransitionError(f"order {self.number} has no payment or forced delivery")
        self.status = DeliveryStatus.DELIVERED
        self.delivered_at = at
        self.failure_reason = None

    def mark_failed(self, reason: str) -> None:
        """Rendering failed: stay undelivered, remember why (a later trigger may retry)."""
        self._refuse_unless_awaiting("fail")
        self.failure_reason = reason

    def cancel(self, at: datetime) -> None:
        self._refuse_unless_awaiting("cancel")
        self.status = DeliveryStatus.CANCELLED
        self.cancelled_at = at

    def _refuse_unless_awaiting(self, action: str) -> None:
        if self.status is DeliveryStatus.DELIVERED:
            raise AlreadyDeliveredError(
                f"cannot {action} order {self.number}: it was already delivered"
            )
        if self.status is DeliveryStatus.CANCELLED:
            raise DeliveryCancelledError(f"cannot {action} order {self.number}: it was cancelled")
