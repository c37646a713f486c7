"""Refunds on the delivery: recorded whatever its state, honoured by what comes later."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shop_delivery.domain import (
    Delivery,
    DeliveryCancelledError,
    DeliveryKind,
    IllegalTransitionError,
    Trigger,
)

NOW = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)


def new_delivery(kind: DeliveryKind = DeliveryKind.ORDER) -> Delivery:
    return Delivery(uuid.uuid4(), "2026-0001", "Ada", "ada@example.com", kind=kind)


def test_a_full_refund_before_delivery_refuses_the_delivery() -> None:
    delivery = new_delivery()
    delivery.record_refund(full=True, line_ids=[], at=NOW)
    with pytest.raises(DeliveryCancelledError, match="refunded in full"):
        delivery.start(Trigger.PAYMENT, NOW)
    assert not delivery.delivers_line(uuid.uuid4())


def test_a_full_refund_after_delivery_is_kept_once_and_ends_the_live_delivery() -> None:
    delivery = new_delivery()
    delivery.start(Trigger.PAYMENT, NOW)
    delivery.mark_delivered(NOW)
    assert delivery.is_live
    delivery.record_refund(full=True, line_ids=[], at=NOW)
    delivery.record_refund(full=True, line_ids=[], at=NOW + timedelta(hours=1))
    assert delivery.refunded_at == NOW
    assert not delivery.is_live
    with pytest.raises(DeliveryCancelledError, match="refunded"):
        delivery.require_live("re-issue download links")


def test_partial_refunds_add_up_and_answer_only_their_new_lines() -> None:
    delivery = new_delivery()
    first, second = uuid.uuid4(), uuid.uuid4()
    assert delivery.record_refund(full=False, line_ids=[first], at=NOW) == {first}
    assert delivery.record_refund(full=False, line_ids=[first, second], at=NOW) == {second}
    assert delivery.record_refund(full=False, line_ids=[], at=NOW) == frozenset()
    assert delivery.refunded_lines == {first, second}
    assert not delivery.delivers_line(first)
    assert delivery.delivers_line(uuid.uuid4())
    assert delivery.refunded_at is None
    delivery.start(Trigger.PAYMENT, NOW)  # the other lines are still delivered


def test_a_free_download_is_no_order_to_refund() -> None:
    with pytest.raises(IllegalTransitionError, match="free download"):
        new_delivery(DeliveryKind.FREE).record_refund(full=True, line_ids=[], at=NOW)
