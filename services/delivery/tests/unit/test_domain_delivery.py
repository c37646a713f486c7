"""The delivery state machine and its guards."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from shop_delivery.domain import (
    AlreadyDeliveredError,
    Delivery,
    DeliveryCancelledError,
    DeliveryStatus,
    IllegalTransitionError,
    PaymentState,
    Trigger,
)

NOW = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)


def new_delivery() -> Delivery:
    return Delivery(uuid.uuid4(), "2026-0001", "Ada", "ada@example.com")


def test_a_trigger_then_delivery() -> None:
    delivery = new_delivery()
    delivery.start(Trigger.FORCE, NOW)
    delivery.mark_delivered(NOW)
    assert delivery.status is DeliveryStatus.DELIVERED
    assert (delivery.trigger, delivery.forced, delivery.delivered_at) == (Trigger.FORCE, True, NOW)


def test_cannot_deliver_without_a_trigger() -> None:
    with pytest.raises(IllegalTransitionError, match="no payment or forced delivery"):
        new_delivery().mark_delivered(NOW)


def test_a_delivered_order_is_never_delivered_or_cancelled_again() -> None:
    delivery = new_delivery()
    delivery.start(Trigger.PAYMENT, NOW)
    delivery.mark_delivered(NOW)
    with pytest.raises(AlreadyDeliveredError, match="already delivered"):
        delivery.start(Trigger.PAYMENT, NOW)
    with pytest.raises(AlreadyDeliveredError):
        delivery.cancel(NOW)


def test_a_cancelled_order_is_never_delivered() -> None:
    delivery = new_delivery()
    delivery.cancel(NOW)
    with pytest.raises(DeliveryCancelledError, match="cancelled"):
        delivery.start(Trigger.FORCE, NOW)
    with pytest.raises(DeliveryCancelledError):
        delivery.cancel(NOW)


def test_a_failure_keeps_it_undelivered_and_a_later_trigger_retries() -> None:
    delivery = new_delivery()
    delivery.start(Trigger.PAYMENT, NOW)
    delivery.mark_failed("the original is missing")
    assert delivery.status is DeliveryStatus.AWAITING_TRIGGER
    delivery.start(Trigger.FORCE, NOW)
    delivery.mark_delivered(NOW)
    assert delivery.failure_reason is None
    assert delivery.forced is True


def test_cancelled_after_delivery_is_withdrawn_and_refuses_reissue() -> None:
    delivery = Delivery(uuid.uuid4(), "N-1", "Ada", "ada@example.com")
    with pytest.raises(IllegalTransitionError, match="not delivered yet"):
        delivery.require_live("re-issue download links")
    with pytest.raises(IllegalTransitionError):
        delivery.withdraw(NOW)
    delivery.start(Trigger.PAYMENT, NOW)
    delivery.mark_delivered(NOW)
    assert delivery.is_live
    delivery.require_live("re-issue download links")
    delivery.withdraw(NOW)
    assert not delivery.is_live
    with pytest.raises(DeliveryCancelledError, match="cancelled"):
        delivery.require_live("release held files")
    with pytest.raises(AlreadyDeliveredError):
        delivery.cancel(NOW)


def test_a_forced_delivery_is_due_until_paid() -> None:
    delivery = new_delivery()
    assert not delivery.payment_due  # nothing delivered yet
    delivery.start(Trigger.FORCE, NOW)
    delivery.mark_delivered(NOW)
    assert delivery.payment_due
    delivery.record_payment()
    assert delivery.payment is PaymentState.PAID
    assert not delivery.payment_due
    assert delivery.status is DeliveryStatus.DELIVERED


def test_a_forced_delivery_of_a_paid_or_unknown_order_is_not_due() -> None:
    for payment in (PaymentState.PAID, PaymentState.UNKNOWN):
        delivery = new_delivery()
        delivery.payment = payment
        delivery.start(Trigger.FORCE, NOW)
        delivery.mark_delivered(NOW)
        assert not delivery.payment_due
