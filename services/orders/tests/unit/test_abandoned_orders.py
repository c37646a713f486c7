"""The abandoned-order rules, pure (issue 13): what is due when, and the delays' limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shop_orders.domain.abandoned import (
    AbandonAction,
    UnpaidOrder,
    cancel_reason,
    cancel_time,
    days_problem,
    delays_problem,
    due_action,
)
from shop_orders.domain.status import OrderStatus, PaymentStatus

DAY = timedelta(days=1)
OFFERED = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def unpaid(reminded_at: datetime | None = None, **changes: object) -> UnpaidOrder:
    values: dict[str, object] = {
        "status": OrderStatus.AWAITING_PAYMENT,
        "payment_status": PaymentStatus.UNPAID,
        "total": 1000,
        "offered_at": OFFERED,
        "reminded_at": reminded_at,
        **changes,
    }
    return UnpaidOrder(**values)  # type: ignore[arg-type]


def test_reminded_after_its_delay_then_cancelled_after_the_promised_time() -> None:
    order = unpaid()
    assert due_action(order, 3, 10, OFFERED + 3 * DAY - timedelta(seconds=1)) is None
    assert due_action(order, 3, 10, OFFERED + 3 * DAY) is AbandonAction.REMIND
    assert due_action(order, 3, 10, OFFERED + 30 * DAY) is AbandonAction.REMIND, "first"
    on_time = unpaid(reminded_at=OFFERED + 3 * DAY)
    assert due_action(on_time, 3, 10, OFFERED + 10 * DAY - timedelta(seconds=1)) is None
    assert due_action(on_time, 3, 10, OFFERED + 10 * DAY) is AbandonAction.CANCEL
    late = unpaid(reminded_at=OFFERED + 30 * DAY)  # settings turned on late: 7 days still
    assert cancel_time(late, 3, 10) == OFFERED + 37 * DAY
    assert due_action(late, 3, 10, OFFERED + 36 * DAY) is None
    assert due_action(late, 3, 10, OFFERED + 37 * DAY) is AbandonAction.CANCEL


def test_with_one_delay_only() -> None:
    assert due_action(unpaid(), None, 5, OFFERED + 5 * DAY) is AbandonAction.CANCEL
    assert due_action(unpaid(), None, 5, OFFERED + 4 * DAY) is None
    reminded = unpaid(reminded_at=OFFERED + 2 * DAY)
    assert due_action(reminded, 2, None, OFFERED + 400 * DAY) is None, "once"
    assert due_action(reminded, None, 5, OFFERED + 5 * DAY) is AbandonAction.CANCEL
    assert due_action(unpaid(), None, None, OFFERED + 400 * DAY) is None


@pytest.mark.parametrize(
    "changes",
    [
        {"status": OrderStatus.PAID, "payment_status": PaymentStatus.PAID},
        {"status": OrderStatus.CANCELLED},
        {"status": OrderStatus.AWAITING_VALIDATION},
        {"status": OrderStatus.DELIVERED, "payment_status": PaymentStatus.REFUNDED},
        {"total": 0},  # nothing to pay: never reminded
    ],
)
def test_only_an_order_waiting_for_its_payment_is_ever_due(changes: dict[str, object]) -> None:
    assert due_action(unpaid(**changes), 1, 2, OFFERED + 400 * DAY) is None


def test_the_delays_limits_and_order() -> None:
    assert days_problem(None) is None
    assert days_problem(1) is None
    assert days_problem(365) is None
    assert days_problem(0)
    assert days_problem(366)
    assert delays_problem(3, 10) is None
    assert delays_problem(None, 1) is None
    assert delays_problem(1, None) is None
    assert delays_problem(5, 5)
    assert delays_problem(7, 2)
    assert cancel_reason(1) == "unpaid after 1 day"
    assert cancel_reason(14) == "unpaid after 14 days"
