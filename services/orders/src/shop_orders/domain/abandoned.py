"""Abandoned orders (issue 13): when an unpaid order's client is reminded, when it is cancelled.

The delays count from the moment the client could pay: the order was placed (or, held for
manual validation, validated: the payment page opens then). Only an order awaiting payment,
unpaid and with something to pay, is ever reminded or cancelled; an order awaiting
validation waits for the photographer.

One reminder per order. When reminders are on, an order is reminded before it is cancelled,
and the client is given the time the settings promise between the two (cancel - remind days)
even when the reminder went out late (settings turned on for old orders, a worker stopped for
days): `cancel_time` is what the reminder announces and what the cancellation waits for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shop_orders.domain.status import OrderStatus, PaymentStatus

MIN_DAYS = 1
MAX_DAYS = 365


class AbandonAction(StrEnum):
    REMIND = "remind"
    CANCEL = "cancel"


def days_problem(days: int | None) -> str | None:
    """Why a delay is refused, or None (None is allowed: off)."""
    if days is None:
        return None
    if not MIN_DAYS <= days <= MAX_DAYS:
        return f"must be between {MIN_DAYS} and {MAX_DAYS} days (or null: off)"
    return None


def delays_problem(remind_days: int | None, cancel_days: int | None) -> str | None:
    """Why the cancellation delay is refused next to the reminder's, or None."""
    if remind_days is not None and cancel_days is not None and cancel_days <= remind_days:
        return (
            f"must be more than the reminder delay ({remind_days} days): the client is "
            "reminded before the order is cancelled"
        )
    return None


@dataclass(frozen=True, slots=True)
class UnpaidOrder:
    """What the decision needs of an order, read under its row lock."""

    status: OrderStatus
    payment_status: PaymentStatus
    total: int
    offered_at: datetime  # placed, or validated: when the client could start paying
    reminded_at: datetime | None

    @property
    def waiting_for_payment(self) -> bool:
        return (
            self.status is OrderStatus.AWAITING_PAYMENT
            and self.payment_status is PaymentStatus.UNPAID
            and self.total > 0
        )


def cancel_time(
    order: UnpaidOrder,
    remind_days: int | None,
    cancel_days: int,
    reminded_at: datetime | None = None,
) -> datetime:
    """When the order is cancelled: `cancel_days` after it was offered, and never less than
    (cancel - remind) days after its reminder (`reminded_at`: the order's, or the one being
    sent now)."""
    at = order.offered_at + timedelta(days=cancel_days)
    reminded = reminded_at or order.reminded_at
    if reminded is not None and remind_days is not None:
        at = max(at, reminded + timedelta(days=cancel_days - remind_days))
    return at


def due_action(
    order: UnpaidOrder, remind_days: int | None, cancel_days: int | None, now: datetime
) -> AbandonAction | None:
    """What is due for the order now, or None."""
    if not order.waiting_for_payment:
        return None
    if remind_days is not None and order.reminded_at is None:
        due = now >= order.offered_at + timedelta(days=remind_days)
        return AbandonAction.REMIND if due else None  # reminded before it is cancelled
    if cancel_days is not None and now >= cancel_time(order, remind_days, cancel_days):
        return AbandonAction.CANCEL
    return None


def cancel_reason(cancel_days: int) -> str:
    """The cancellation's reason (history "cancelled: unpaid after M days", OrderCancelled)."""
    return f"unpaid after {cancel_days} day{'' if cancel_days == 1 else 's'}"


REMINDED_NOTE = "payment reminder sent to the client"
