"""The facts' tables: the guard (where a fact applies) and the effect in each state."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shop_orders.domain import facts
from shop_orders.domain.facts import Fact
from shop_orders.domain.order import DeliveryStatus, OrderStatus, PaymentStatus
from shop_orders.domain.status import EVERY_STATE, OrderState

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)

FACTS: dict[str, Fact] = {
    "payment.confirmed": facts.payment_confirmed("card"),
    "delivery.completed": facts.delivery_completed("https://dl/1", forced=False, held=1),
    "delivery.links_reissued": facts.links_reissued("https://dl/2", 3),
    "delivery.files_released": facts.files_released("https://dl/3", 1),
    "payment.failed": facts.payment_failed("declined"),
    "delivery.failed": facts.delivery_failed("missing"),
}


def test_a_payment_applies_to_unpaid_orders_only() -> None:
    fact = facts.payment_confirmed("card")
    assert fact.allowed_states == {
        s for s in EVERY_STATE if s.payment_status is PaymentStatus.UNPAID
    }
    for effect in fact.effects:
        assert effect.after.payment_status is PaymentStatus.PAID
        kept = effect.before.status in (OrderStatus.CANCELLED, OrderStatus.DELIVERED)
        assert effect.after.status is (effect.before.status if kept else OrderStatus.PAID)
        cancelled = effect.before.status is OrderStatus.CANCELLED
        detail = "paid (card) after cancellation" if cancelled else "paid (card)"
        assert [n.detail for n in effect.notes] == [detail]


def test_a_delivery_applies_to_undelivered_orders_only() -> None:
    fact = facts.delivery_completed("https://dl/1", forced=True, held=2)
    pending = {s for s in EVERY_STATE if s.delivery_status is DeliveryStatus.PENDING}
    assert fact.allowed_states == pending
    awaiting = fact.effect_on(OrderState(OrderStatus.AWAITING_PAYMENT))
    assert awaiting is not None
    assert awaiting.after == OrderState(
        OrderStatus.DELIVERED, PaymentStatus.UNPAID, DeliveryStatus.DELIVERED
    )
    assert awaiting.downloads_url == "https://dl/1"
    assert [n.detail for n in awaiting.notes] == [
        "delivered (forced)",
        "2 proof files held until Final",
    ]
    cancelled = fact.effect_on(OrderState(OrderStatus.CANCELLED))
    assert cancelled is not None
    assert cancelled.after.status is OrderStatus.CANCELLED
    assert cancelled.notes[0].detail == "delivered (forced) after cancellation"


@pytest.mark.parametrize("name", ["delivery.links_reissued", "delivery.files_released"])
def test_new_links_replace_the_url_of_delivered_orders_only(name: str) -> None:
    fact = FACTS[name]
    assert fact.allowed_states == set(EVERY_STATE)
    for effect in fact.effects:
        assert effect.after == effect.before
        delivered = effect.before.delivery_status is DeliveryStatus.DELIVERED
        assert (effect.downloads_url is not None) is delivered


@pytest.mark.parametrize("name", ["payment.failed", "delivery.failed"])
def test_failures_are_notes_in_every_state(name: str) -> None:
    fact = FACTS[name]
    assert fact.allowed_states == set(EVERY_STATE)
    assert all(e.after == e.before and e.downloads_url is None for e in fact.effects)
    assert all(len(e.notes) == 1 for e in fact.effects)


def test_an_email_is_only_a_note() -> None:
    note = facts.email_sent("Your order PL-1", "ada@example.com")
    assert (note.kind, note.detail, note.actor) == (
        "email_sent",
        "email sent: Your order PL-1 → ada@example.com",
        "notifications",
    )
