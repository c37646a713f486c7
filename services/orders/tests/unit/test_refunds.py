"""Refunds in the pure domain (issue 13): what may be refunded, the statuses they lead to,
the choice a paid order's cancellation needs, money owed back after a cancellation."""

from __future__ import annotations

import uuid

import pytest

from shop_orders.domain import facts
from shop_orders.domain.errors import FieldError, IllegalTransitionError
from shop_orders.domain.order import Order, OrderStatus, PaymentStatus
from shop_orders.domain.refunds import AfterPayment, RefundStatus
from shop_orders.domain.status import EVERY_STATE

from .test_order_state_machine import NOW, make_order

TOTAL = 11500


def paid() -> Order:
    order = make_order()
    order.payment_status, order.status = PaymentStatus.PAID, OrderStatus.PAID
    return order


def test_nothing_paid_nothing_to_refund() -> None:
    with pytest.raises(IllegalTransitionError, match="nothing is paid"):
        make_order().request_refund(uuid.uuid4(), None, (), None, NOW)


@pytest.mark.parametrize("amount", [0, -1])
def test_a_refund_is_positive(amount: int) -> None:
    with pytest.raises(FieldError) as raised:
        paid().request_refund(uuid.uuid4(), amount, (), None, NOW)
    assert raised.value.field == "amount"


def test_a_line_not_in_the_order_is_refused() -> None:
    order, stranger = paid(), uuid.uuid4()
    with pytest.raises(FieldError) as raised:
        order.request_refund(uuid.uuid4(), 100, (order.lines[0].id, stranger), None, NOW)
    assert (raised.value.field, str(stranger) in raised.value.message) == ("line_ids", True)


def test_refunds_on_their_way_count_and_a_failure_gives_them_back() -> None:
    order = paid()
    first = order.request_refund(uuid.uuid4(), 10000, (), "oops", NOW)
    assert (first.amount, first.asked_amount, first.status) == (
        10000,
        10000,
        RefundStatus.REQUESTED,
    )
    assert order.refundable == TOTAL - 10000
    assert order.new_history[-1].detail == "Refund of 100.00 EUR requested: oops"
    with pytest.raises(IllegalTransitionError, match="exceeds what is left"):
        order.request_refund(uuid.uuid4(), 1501, (), None, NOW)
    order.refund_failed(first.amount, None, "card expired", NOW)
    assert (order.refundable, order.refund_pending) == (TOTAL, 0)
    assert order.new_history[-1].detail == "Refund failed: card expired"


def test_partial_then_full() -> None:
    order = paid()
    part = order.request_refund(uuid.uuid4(), 1500, (), None, NOW)
    order.refund_settled(
        part.amount, 1500, full=False, origin="shop", by_hand=False, reason=None, now=NOW
    )
    assert (order.payment_status, order.refunded) == (PaymentStatus.PARTIALLY_REFUNDED, 1500)
    rest = order.request_refund(uuid.uuid4(), None, (), None, NOW)
    assert (rest.amount, rest.asked_amount) == (10000, None)
    assert order.new_history[-1].detail == "Refund of 100.00 EUR requested (all that was left)"
    order.refund_settled(
        rest.amount, 10000, full=True, origin="shop", by_hand=True, reason=None, now=NOW
    )
    assert (order.payment_status, order.refunded, order.refundable) == (
        PaymentStatus.REFUNDED,
        TOTAL,
        0,
    )
    assert order.new_history[-1].detail == (
        "Refunded 100.00 EUR by hand (offline payment) (everything paid is refunded)"
    )
    assert order.status is OrderStatus.PAID, "the order's own status is unchanged"


def test_a_late_partial_report_never_undoes_a_full_refund() -> None:
    order = paid()
    order.refund_settled(
        0, TOTAL, full=True, origin="processor", by_hand=False, reason=None, now=NOW
    )
    order.refund_settled(0, 100, full=False, origin="shop", by_hand=False, reason=None, now=NOW)
    assert (order.payment_status, order.refunded) == (PaymentStatus.REFUNDED, TOTAL)


def test_paid_once_even_after_a_refund() -> None:
    """payment.confirmed is a no-op on any state that was paid (refunded ones included)."""
    rule = facts.payment_confirmed("card")
    for state in EVERY_STATE:
        assert (rule.effect_on(state) is None) is state.payment_status.was_paid


def test_cancelling_a_paid_order_asks_refund_or_keep() -> None:
    with pytest.raises(FieldError) as raised:
        paid().cancel(NOW)
    assert raised.value.field == "after_payment"
    with pytest.raises(FieldError) as raised:
        paid().cancel(NOW, after_payment=AfterPayment.KEEP, reason=" ")
    assert raised.value.field == "reason"

    kept = paid()
    assert kept.cancel(NOW, reason="work done", after_payment=AfterPayment.KEEP) is None
    assert (kept.status, kept.payment_kept, kept.refund_due) == (OrderStatus.CANCELLED, True, False)

    refunded = paid()
    refund = refunded.cancel(NOW, reason="asked", after_payment=AfterPayment.REFUND)
    assert refund is not None
    assert (refund.amount, refund.asked_amount, refunded.refundable) == (TOTAL, None, 0)
    assert [h.detail for h in refunded.new_history] == [
        "placed",
        "cancelled: asked",
        "Refund of 115.00 EUR requested (all that was left): asked",
    ]


def test_an_unpaid_or_fully_refunded_order_cancels_without_a_choice() -> None:
    assert make_order().cancel(NOW) is None
    order = paid()
    order.refund_settled(0, TOTAL, full=True, origin="shop", by_hand=False, reason=None, now=NOW)
    assert order.cancel(NOW) is None
    assert order.status is OrderStatus.CANCELLED


def test_money_received_after_cancellation_is_owed_back() -> None:
    order = make_order()
    order.cancel(NOW)
    effect = facts.payment_confirmed("card").effect_on(order.state)
    assert effect is not None
    order.payment_status = effect.after.payment_status
    assert (order.status, order.refund_due, order.refundable) == (
        OrderStatus.CANCELLED,
        True,
        TOTAL,
    )
    order.request_refund(uuid.uuid4(), None, (), None, NOW)
    assert order.refund_due is False, "on its way back"


def test_the_offline_choice_note() -> None:
    note = facts.offline_chosen("Bank transfer")
    assert (note.kind, note.detail, note.actor) == (
        "offline_chosen",
        "Client chose Bank transfer (offline)",
        "client",
    )
