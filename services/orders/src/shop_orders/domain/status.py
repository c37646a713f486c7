"""The three statuses an order carries (CONTRACT.md), and the state they make together."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OrderStatus(StrEnum):
    AWAITING_VALIDATION = "awaiting_validation"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    # Issue 13: money given back, in part or all of it (the order was paid first).
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"

    @property
    def was_paid(self) -> bool:
        """Money was received for the order (some or all of it may be refunded since)."""
        return self is not PaymentStatus.UNPAID


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"


@dataclass(frozen=True, slots=True)
class OrderState:
    """`status` is the shop's view; `payment_status` and `delivery_status` record the two facts
    that arrive from payments and delivery."""

    status: OrderStatus
    payment_status: PaymentStatus = PaymentStatus.UNPAID
    delivery_status: DeliveryStatus = DeliveryStatus.PENDING


# Every combination, reachable or not: a fact is ruled for each (`facts.Fact`).
EVERY_STATE = tuple(
    OrderState(status, payment, delivery)
    for status in OrderStatus
    for payment in PaymentStatus
    for delivery in DeliveryStatus
)
