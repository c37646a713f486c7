"""The order's guarded state machine: every legal and illegal transition."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from shop_orders.domain import facts
from shop_orders.domain.errors import IllegalTransitionError
from shop_orders.domain.facts import Fact
from shop_orders.domain.numbers import format_order_number, is_order_number
from shop_orders.domain.order import (
    Address,
    AdminAction,
    Customer,
    DeliveryStatus,
    Order,
    OrderLine,
    OrderStatus,
    PaymentStatus,
)
from shop_orders.domain.refunds import AfterPayment
from shop_orders.domain.status import OrderState
from shop_web import SiteLinks, Web

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def make_order(manual_validation: bool = False) -> Order:
    line = OrderLine(
        id=uuid.uuid4(),
        media_id=uuid.uuid4(),
        media_title="Alpine Lake",
        media_kind="image",
        media_key="demo/alpine-lake.jpg",
        license_id=uuid.uuid4(),
        license_name="Web",
        price=2500,
        delivery={"mode": "long_edge", "long_edge": 1024},
    )
    return Order.place(
        id=uuid.uuid4(),
        number="PL-2026-000001",
        customer=Customer("Ada", "ada@example.com", Address("1 Rue X", "Paris", "75001", "FR")),
        lines=[line, line.__class__(**{**_fields(line), "id": uuid.uuid4(), "price": 9000})],
        currency="EUR",
        manual_validation=manual_validation,
        now=NOW,
    )


def _fields(line: OrderLine) -> dict[str, object]:
    return {name: getattr(line, name) for name in line.__slots__}


def after_facts(state: OrderState, *applied: Fact) -> tuple[OrderState, list[str]]:
    """The state and history notes the facts' tables give, one fact after the other."""
    notes: list[str] = []
    for fact in applied:
        effect = fact.effect_on(state)
        if effect is not None:
            state = effect.after
            notes += [note.detail for note in effect.notes]
    return state, notes


def in_state(state: str) -> Order:
    """An order brought to `state` through legal transitions and facts only."""
    order = make_order(manual_validation=state == "awaiting_validation")
    paid, delivered = facts.payment_confirmed("card"), facts.delivery_completed("u", forced=False)
    chain = {
        "paid": [paid],
        "delivered": [paid, delivered],
        "forced": [facts.delivery_completed("u", forced=True)],
    }.get(state, [])
    reached, _ = after_facts(order.state, *chain)
    order.status, order.payment_status = reached.status, reached.payment_status
    order.delivery_status = reached.delivery_status
    if state == "cancelled":
        order.cancel(NOW)
    return order


KEEP = AfterPayment.KEEP
STATES = ["awaiting_validation", "awaiting_payment", "paid", "delivered", "forced", "cancelled"]

# (state, action) -> allowed?
LEGAL = {
    ("awaiting_validation", AdminAction.VALIDATE),
    ("awaiting_validation", AdminAction.MARK_PAID),
    ("awaiting_validation", AdminAction.FORCE_DELIVERY),
    ("awaiting_validation", AdminAction.CANCEL),
    ("awaiting_payment", AdminAction.MARK_PAID),
    ("awaiting_payment", AdminAction.FORCE_DELIVERY),
    ("awaiting_payment", AdminAction.CANCEL),
    ("paid", AdminAction.FORCE_DELIVERY),
    ("paid", AdminAction.CANCEL),  # issue 13: saying refund or keep (test_refunds.py)
    ("forced", AdminAction.MARK_PAID),
    ("delivered", AdminAction.REISSUE_LINKS),
    ("forced", AdminAction.REISSUE_LINKS),
}


def test_placing_sums_the_lines_and_records_history() -> None:
    order = make_order()
    assert order.total == 11500
    assert order.status is OrderStatus.AWAITING_PAYMENT
    assert (order.payment_status, order.delivery_status) == (
        PaymentStatus.UNPAID,
        DeliveryStatus.PENDING,
    )
    assert [h.kind for h in order.new_history] == ["placed"]
    assert make_order(manual_validation=True).status is OrderStatus.AWAITING_VALIDATION


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(AdminAction))
def test_every_admin_action_in_every_state(state: str, action: AdminAction) -> None:
    order = in_state(state)
    legal = (state, action) in LEGAL
    assert (order.refusal(action) is None) is legal
    assert (action in order.allowed_actions()) is legal
    method = {
        AdminAction.VALIDATE: order.validate,
        AdminAction.MARK_PAID: order.request_mark_paid,
        AdminAction.FORCE_DELIVERY: order.request_force_delivery,
        AdminAction.CANCEL: lambda now: order.cancel(now, reason="r", after_payment=KEEP),
        AdminAction.REISSUE_LINKS: order.request_links_reissue,
    }[action]
    before = (order.status, order.payment_status, order.delivery_status)
    if legal:
        method(NOW)
    else:
        with pytest.raises(IllegalTransitionError) as raised:
            method(NOW)
        assert raised.value.reason == order.refusal(action)
        assert (order.status, order.payment_status, order.delivery_status) == before


def test_the_reasons_are_clear() -> None:
    assert in_state("delivered").refusal(AdminAction.CANCEL) == "cannot cancel a delivered order"
    assert in_state("forced").refusal(AdminAction.CANCEL) == "cannot cancel a delivered order"
    assert in_state("paid").refusal(AdminAction.CANCEL) is None  # refund or keep: test_refunds
    assert in_state("cancelled").refusal(AdminAction.CANCEL) == "the order is already cancelled"
    assert in_state("paid").refusal(AdminAction.MARK_PAID) == "the order is already paid"
    assert in_state("cancelled").refusal(AdminAction.MARK_PAID) == (
        "cannot mark a cancelled order as paid"
    )
    assert "awaiting validation" in (in_state("paid").refusal(AdminAction.VALIDATE) or "")


def test_admin_transitions_change_status_only_where_they_should() -> None:
    order = in_state("awaiting_validation")
    order.validate(NOW)
    assert order.status is OrderStatus.AWAITING_PAYMENT
    order.request_mark_paid(NOW)
    assert order.status is OrderStatus.AWAITING_PAYMENT, "paid only when payments confirms"
    order.request_force_delivery(NOW)
    assert order.delivery_status is DeliveryStatus.PENDING, "delivered only when delivery says so"
    order.cancel(NOW)
    assert order.status is OrderStatus.CANCELLED
    assert [h.detail for h in order.new_history] == [
        "placed, held for manual validation",
        "validated: payment link sent to the client",
        "mark paid requested",
        "delivery forced",
        "cancelled",
    ]


def test_payment_then_delivery() -> None:
    paid, notes = after_facts(make_order().state, facts.payment_confirmed("offline"))
    assert (paid.status, paid.payment_status) == (OrderStatus.PAID, PaymentStatus.PAID)
    assert facts.payment_confirmed("offline").effect_on(paid) is None, "a second is a no-op"
    delivered, more = after_facts(paid, facts.delivery_completed("https://dl/1", forced=False))
    assert facts.delivery_completed("https://dl/2", forced=False).effect_on(delivered) is None
    assert (delivered.status, delivered.delivery_status) == (
        OrderStatus.DELIVERED,
        DeliveryStatus.DELIVERED,
    )
    assert notes + more == ["paid (offline)", "delivered"]


def test_forced_delivery_before_payment_then_a_payment() -> None:
    state, notes = after_facts(
        make_order().state,
        facts.delivery_completed("https://dl/1", forced=True),
        facts.payment_confirmed("card"),
    )
    assert (state.status, state.payment_status, state.delivery_status) == (
        OrderStatus.DELIVERED,
        PaymentStatus.PAID,
        DeliveryStatus.DELIVERED,
    )
    assert notes == ["delivered (forced)", "paid (card)"]


def test_a_payment_after_cancellation_keeps_the_order_cancelled() -> None:
    state, notes = after_facts(in_state("cancelled").state, facts.payment_confirmed("card"))
    assert (state.status, state.payment_status) == (OrderStatus.CANCELLED, PaymentStatus.PAID)
    assert notes == ["paid (card) after cancellation"]


def test_notes_leave_the_status_as_it_is() -> None:
    state, notes = after_facts(
        make_order().state,
        facts.payment_failed("card declined"),
        facts.delivery_failed("render failed"),
    )
    assert state.status is OrderStatus.AWAITING_PAYMENT
    assert notes == ["payment failed: card declined", "delivery failed: render failed"]


def test_order_numbers_and_prices() -> None:
    assert format_order_number(2026, 42) == "PL-2026-000042"
    assert is_order_number("PL-2026-000042")
    assert not is_order_number("PL-26-42")
    with pytest.raises(ValueError, match="start at 1"):
        format_order_number(2026, 0)
    links = SiteLinks("http://o", "http://p", "http://d", "http://n")
    price = Web("shop_orders", links=links).env.filters["price"]  # the one money formatter
    assert price(2500, "EUR") == "25.00 EUR"
    assert price(9005, "USD") == "90.05 USD"
    assert price(500, "JPY") == "500 JPY"
    assert price(123456789, "EUR") == "1,234,567.89 EUR"


def test_held_proof_files_reissued_links_and_released_files_are_in_the_history() -> None:
    order = in_state("paid")
    state, notes = after_facts(
        order.state, facts.delivery_completed("https://dl/x", forced=False, held=2)
    )
    order.status, order.delivery_status = state.status, state.delivery_status
    order.new_history.clear()
    order.request_links_reissue(NOW)
    state, later = after_facts(
        order.state,
        facts.links_reissued("https://dl/y", 3),
        facts.files_released("https://dl/y", 1),
    )
    assert notes + [h.detail for h in order.new_history] + later == [
        "delivered",
        "2 proof files held until Final",
        "download links re-issue requested",
        "download links re-issued (3 files)",
        "1 file released once marked Final",
    ]
    reason = in_state("paid").refusal(AdminAction.REISSUE_LINKS)
    assert reason == "only a delivered order's links can be re-issued (it is paid)"
