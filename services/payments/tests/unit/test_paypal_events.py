"""PayPal's amounts and events, parsed (pure)."""

from __future__ import annotations

import uuid

import pytest

from shop_payments.service.ports import InvalidEventError
from shop_payments.webhooks.paypal_events import (
    PaypalAmountError,
    parse_paypal_event,
    paypal_minor,
    paypal_value,
)


@pytest.mark.parametrize(
    ("minor", "currency", "value"),
    [
        (4500, "EUR", "45.00"),
        (5, "EUR", "0.05"),
        (4500, "JPY", "4500"),
        (12345, "KWD", "12.345"),
        (0, "USD", "0.00"),
        (100, "TWD", "1"),
    ],
)
def test_values_and_back(minor: int, currency: str, value: str) -> None:
    assert paypal_value(minor, currency) == value
    assert paypal_minor(value, currency) == (minor, currency)


def test_twd_cents_cannot_be_charged() -> None:
    with pytest.raises(PaypalAmountError):
        paypal_value(150, "TWD")


@pytest.mark.parametrize(
    ("value", "currency"),
    [
        ("45.001", "EUR"),
        ("4500.5", "JPY"),
        ("-1.00", "EUR"),
        ("1e3", "EUR"),
        (45, "EUR"),
        ("45.00", "XXX1"),
        ("45.00", None),
        ("", "EUR"),
    ],
)
def test_bad_amounts(value: object, currency: object) -> None:
    with pytest.raises(InvalidEventError):
        paypal_minor(value, currency)


def test_capture_completed() -> None:
    order_id = uuid.uuid4()
    event = parse_paypal_event(
        {
            "id": "WH-1",
            "event_type": "PAYMENT.CAPTURE.COMPLETED",
            "resource": {
                "id": "CAP1",
                "status": "COMPLETED",
                "amount": {"currency_code": "eur", "value": "45.00"},
                "custom_id": str(order_id),
            },
        },
        "paypal",
    )
    assert (event.order_id, event.amount, event.currency, event.reference) == (
        order_id,
        4500,
        "EUR",
        "CAP1",
    )
    assert event.confirms_payment
    assert not event.reports_failure


def test_a_pending_capture_confirms_nothing() -> None:
    event = parse_paypal_event(
        {
            "id": "WH-2",
            "event_type": "PAYMENT.CAPTURE.COMPLETED",
            "resource": {
                "id": "C",
                "status": "PENDING",
                "amount": {"currency_code": "EUR", "value": "1.00"},
            },
        },
        "paypal",
    )
    assert not event.confirms_payment


def test_denied_capture_reports_failure() -> None:
    event = parse_paypal_event(
        {
            "id": "WH-3",
            "event_type": "PAYMENT.CAPTURE.DENIED",
            "resource": {
                "id": "C",
                "status": "DECLINED",
                "custom_id": str(uuid.uuid4()),
                "amount": {"currency_code": "EUR", "value": "1.00"},
            },
        },
        "paypal_sandbox",
    )
    assert event.reports_failure
    assert event.processor == "paypal_sandbox"


def test_refund_names_its_capture_and_the_shops_refund() -> None:
    refund_id = uuid.uuid4()
    event = parse_paypal_event(
        {
            "id": "WH-4",
            "event_type": "PAYMENT.CAPTURE.REFUNDED",
            "resource": {
                "id": "R1",
                "status": "COMPLETED",
                "amount": {"currency_code": "EUR", "value": "15.00"},
                "custom_id": str(refund_id),
                "links": [
                    {"rel": "up", "href": "https://api-m.paypal.com/v2/payments/captures/CAP9"}
                ],
            },
        },
        "paypal",
    )
    (report,) = event.refunds
    assert (report.payment_reference, report.processor_refund_id, report.amount) == (
        "CAP9",
        "R1",
        1500,
    )
    assert (report.refund_id, report.status) == (refund_id, "completed")
    assert not event.confirms_payment


def test_approval_names_the_paypal_order_and_the_shops() -> None:
    order_id = uuid.uuid4()
    event = parse_paypal_event(
        {
            "id": "WH-5",
            "event_type": "CHECKOUT.ORDER.APPROVED",
            "resource": {"id": "5O19", "purchase_units": [{"custom_id": str(order_id)}]},
        },
        "paypal",
    )
    assert (event.order_id, event.reference, event.confirms_payment) == (order_id, "5O19", False)


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"id": "x"},
        {"id": "x" * 300, "event_type": "A"},
        {"id": "a\x00", "event_type": "A"},
        {"id": "x", "event_type": "PAYMENT.CAPTURE.COMPLETED", "resource": {"id": "C"}},
    ],
)
def test_unusable_events(event: dict[str, object]) -> None:
    with pytest.raises(InvalidEventError):
        parse_paypal_event(event, "paypal")


def test_unknown_types_are_parsed_as_nothing_to_do() -> None:
    event = parse_paypal_event({"id": "WH-6", "event_type": "BILLING.PLAN.CREATED"}, "paypal")
    assert not (event.confirms_payment)
    assert not (event.reports_failure)
    assert not (event.refunds)
