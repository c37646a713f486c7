"""The payment request's state machine and the settings rules (pure)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from shop_payments.domain.errors import (
    AmountMismatchError,
    IllegalTransitionError,
    InvalidSettingsError,
)
from shop_payments.domain.model import (
    PaymentDisposition,
    PaymentMethod,
    PaymentRequest,
    PaymentWay,
    ReceivedPayment,
    RequestStatus,
    SettlementOutcome,
    payment_way,
)
from shop_payments.domain.settings import PaymentSettings, check_settings, initial_settings

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def request(manual: bool = False) -> PaymentRequest:
    return PaymentRequest.place(
        order_id=uuid.uuid4(),
        number="N-1",
        amount=4500,
        currency="eur",
        client_name="Ada",
        client_email="ada@example.com",
        manual_validation=manual,
        now=NOW,
    )


def card(amount: int = 4500) -> ReceivedPayment:
    return ReceivedPayment(PaymentMethod.CARD, "stripe", "pi_1", amount, "EUR", NOW)


def offline() -> ReceivedPayment:
    return ReceivedPayment(PaymentMethod.OFFLINE, None, None, 4500, "EUR", NOW)


def test_manual_validation_then_open() -> None:
    r = request(manual=True)
    assert r.status is RequestStatus.AWAITING_VALIDATION
    assert r.checkout_refusal() == "order N-1 awaits the photographer's validation"
    r.validate(NOW)
    assert r.status is RequestStatus.OPEN
    with pytest.raises(IllegalTransitionError, match="cannot be validated: payment is open"):
        r.validate(NOW)


def test_first_payment_confirms_and_later_ones_do_not() -> None:
    r = request()
    first = r.receive(card(), uuid.uuid4())
    assert first.outcome is SettlementOutcome.CONFIRMED
    assert first.payment
    assert first.payment.disposition is PaymentDisposition.CONFIRMED
    assert r.status is RequestStatus.PAID
    second = r.receive(card(), uuid.uuid4())
    assert second.outcome is SettlementOutcome.ALREADY_PAID
    assert second.payment
    assert second.payment.disposition is PaymentDisposition.REFUND_DUE
    marked = r.receive(offline(), uuid.uuid4())
    assert (marked.outcome, marked.payment) == (SettlementOutcome.ALREADY_PAID, None)


def test_cancelled_request_takes_no_payment() -> None:
    r = request()
    r.cancel(NOW)
    assert r.checkout_refusal() == "order N-1 is cancelled"
    late = r.receive(card(), uuid.uuid4())
    assert late.outcome is SettlementOutcome.AFTER_CANCELLATION
    assert r.status is RequestStatus.CANCELLED
    with pytest.raises(IllegalTransitionError):
        r.cancel(NOW)


def test_a_cancellation_that_finds_the_request_paid_owes_the_money_back() -> None:
    r = request()
    assert r.receive(card(), uuid.uuid4()).outcome is SettlementOutcome.CONFIRMED
    assert r.cancel(NOW) is True  # paid by card before the cancellation reached payments
    assert r.status is RequestStatus.CANCELLED
    assert request().cancel(NOW) is False


def test_checkout_attempts_get_their_own_idempotency_key() -> None:
    r = request()
    first = r.start_checkout("sandbox", NOW)
    second = r.start_checkout("sandbox", NOW)
    assert first == f"checkout-{r.order_id}-1"
    assert second == f"checkout-{r.order_id}-2"
    r.receive(offline(), uuid.uuid4())
    with pytest.raises(IllegalTransitionError, match="already paid"):
        r.start_checkout("sandbox", NOW)


def test_only_the_latest_attempt_records_its_session() -> None:
    r = request()
    r.start_checkout("stripe", NOW)
    assert r.checkout_started(1, "cs_1")
    r.start_checkout("stripe", NOW)  # a second click while the first was being created
    assert r.checkout_session_id is None
    assert not r.checkout_started(1, "cs_1_late")
    assert r.checkout_started(2, "cs_2")
    assert r.checkout_session_id == "cs_2"
    r.cancel(NOW)
    with pytest.raises(IllegalTransitionError, match="cancelled"):
        r.checkout_started(2, "cs_2_again")


def test_amount_and_currency_checks_name_the_problem() -> None:
    r = request()
    r.check_amount(4500, "eur")
    with pytest.raises(AmountMismatchError, match="amount mismatch: received 100"):
        r.check_amount(100, "EUR")
    with pytest.raises(AmountMismatchError, match="currency mismatch: received USD"):
        r.check_amount(4500, "usd")


def test_initial_settings() -> None:
    assert initial_settings(stripe_configured=True, development=False).card_processor == "stripe"
    assert initial_settings(stripe_configured=False, development=True).card_processor == "sandbox"
    assert initial_settings(stripe_configured=False, development=False).card_processor is None


def test_settings_checks() -> None:
    with pytest.raises(InvalidSettingsError, match="STRIPE_SECRET_KEY"):
        check_settings(PaymentSettings("stripe", None), stripe_configured=False, development=True)
    with pytest.raises(InvalidSettingsError, match="development"):
        check_settings(PaymentSettings("sandbox", None), stripe_configured=True, development=False)
    cleaned = check_settings(
        PaymentSettings(None, " \r\n "), stripe_configured=False, development=True
    )
    assert cleaned.payment_instructions is None


def test_the_client_is_told_how_to_pay_once_and_only_when_open() -> None:
    waiting = request(manual=True)
    assert not waiting.request_payment(NOW)  # awaiting validation: not yet
    waiting.validate(NOW)
    assert waiting.request_payment(NOW)
    assert waiting.requested_at == NOW
    assert not waiting.request_payment(NOW)  # once
    cancelled = request()
    cancelled.cancel(NOW)
    assert not cancelled.request_payment(NOW)


def test_the_way_to_pay() -> None:
    assert payment_way(True, "Bank transfer") is PaymentWay.CARD
    assert payment_way(False, "Bank transfer") is PaymentWay.INSTRUCTIONS
    assert payment_way(False, None) is PaymentWay.CONTACT
