"""Several card processors and offline methods in the settings; the client's offline choice
(the first one wins). Pure."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shop_payments.domain.errors import IllegalTransitionError, InvalidSettingsError
from shop_payments.domain.model import PaymentRequest, RequestStatus
from shop_payments.domain.offline import UnknownOfflineMethodError, choose_offline
from shop_payments.domain.settings import (
    OfflineMethod,
    PaymentSettings,
    check_offline_methods,
    check_settings,
)

NOW = datetime(2026, 12, 6, tzinfo=UTC)
WIRE = OfflineMethod("Bank transfer", "IBAN FR76")
CHEQUE = OfflineMethod("Cheque", "To Lumen", "Send a cheque")


def request(amount: int = 4500) -> PaymentRequest:
    return PaymentRequest.place(
        order_id=uuid.uuid4(),
        number="N-1",
        amount=amount,
        currency="EUR",
        client_name="Ada",
        client_email="ada@example.com",
        manual_validation=False,
        now=NOW,
    )


def test_one_processor_as_before_is_a_list_of_one() -> None:
    assert PaymentSettings("stripe", None).card_processors == ("stripe",)
    assert PaymentSettings(None, "Call").card_processors == ()
    both = PaymentSettings(["paypal", "stripe"], None)
    assert both.card_processor == "paypal"
    assert PaymentSettings().card_processor is None


def test_processors_are_checked_each() -> None:
    ok = check_settings(
        PaymentSettings(["sandbox", "paypal_sandbox"]), stripe_configured=False, development=True
    )
    assert ok.card_processors == ("sandbox", "paypal_sandbox")
    with pytest.raises(InvalidSettingsError, match="twice") as twice:
        check_settings(
            PaymentSettings(["sandbox", "sandbox"]), stripe_configured=False, development=True
        )
    assert twice.value.field == "card_processors"
    with pytest.raises(InvalidSettingsError, match="PAYPAL_CLIENT_ID"):
        check_settings(PaymentSettings(["paypal"]), stripe_configured=True, development=True)
    paypal = check_settings(
        PaymentSettings(["paypal"]),
        stripe_configured=False,
        development=False,
        paypal_configured=True,
    )
    assert paypal.card_processor == "paypal"
    with pytest.raises(InvalidSettingsError, match="development"):
        check_settings(
            PaymentSettings(["paypal_sandbox"]), stripe_configured=True, development=False
        )


def test_methods_are_cleaned_and_checked() -> None:
    (cleaned,) = check_offline_methods([OfflineMethod("  Bank\ttransfer ", " IBAN\r\nBIC ", " ")])
    assert cleaned == OfflineMethod("Bank transfer", "IBAN\nBIC", "Accept")
    refusals = {
        "offline_methods[0].name": [OfflineMethod("", "x")],
        "offline_methods[0].instructions": [OfflineMethod("Wire", "")],
        "offline_methods[1].name": [WIRE, OfflineMethod("BANK TRANSFER", "y")],
        "offline_methods[0].button_label": [OfflineMethod("Wire", "x", "y" * 41)],
        "offline_methods": [OfflineMethod(f"M{i}", "x") for i in range(11)],
    }
    for field, methods in refusals.items():
        with pytest.raises(InvalidSettingsError) as refused:
            check_offline_methods(methods)
        assert refused.value.field == field
        assert field in refused.value.reason
    for bad in (OfflineMethod("Wire\x00", "x"), OfflineMethod("Wire", "IBAN\x00")):
        with pytest.raises(InvalidSettingsError, match="control character"):
            check_offline_methods([bad])


def test_the_first_choice_wins() -> None:
    open_request = request()
    first = choose_offline(open_request, None, (WIRE, CHEQUE), 1, NOW)
    assert first.new
    assert (first.choice.method_name, first.choice.instructions) == ("Cheque", "To Lumen")
    later = NOW + timedelta(minutes=1)
    again = choose_offline(open_request, first.choice, (WIRE, CHEQUE), 0, later)
    assert not again.new
    assert again.choice == first.choice
    with pytest.raises(UnknownOfflineMethodError):
        choose_offline(open_request, None, (WIRE,), 1, NOW)


def test_no_choice_unless_the_request_can_be_paid() -> None:
    paid = request()
    paid.status = RequestStatus.PAID
    with pytest.raises(IllegalTransitionError, match="already paid"):
        choose_offline(paid, None, (WIRE,), 0, NOW)
    free = request(amount=0)
    with pytest.raises(IllegalTransitionError, match="nothing to pay"):
        choose_offline(free, None, (WIRE,), 0, NOW)
    cancelled = request()
    cancelled.cancel(NOW)
    with pytest.raises(IllegalTransitionError, match="cancelled"):
        choose_offline(cancelled, None, (WIRE,), 0, NOW)
