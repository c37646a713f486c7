"""Stripe checkout with a stubbed SDK call; signatures; event parsing; sandbox events."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
import stripe
import structlog

from shop_payments.domain.model import PaymentRequest
from shop_payments.processors.sandbox import completed_event
from shop_payments.processors.stripe_processor import StripeProcessor, redact_keys
from shop_payments.service.ports import ProcessorUnavailableError, SandboxSession, SignatureError
from shop_payments.webhooks.events import parse_event
from shop_payments.webhooks.signature import sign_payload, verify_event

NOW = datetime(2026, 1, 1, tzinfo=UTC)


class FakeSessions:
    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[tuple[dict[str, Any], dict[str, Any]]] = []
        self.error = error

    async def create_async(self, params: dict[str, Any], options: dict[str, Any]) -> Any:
        self.calls.append((params, options))
        if self.error:
            raise self.error
        return SimpleNamespace(id="cs_test_1", url="https://checkout.stripe.com/c/pay/cs_test_1")


def fake_client(sessions: FakeSessions) -> Any:
    return SimpleNamespace(v1=SimpleNamespace(checkout=SimpleNamespace(sessions=sessions)))


def open_request() -> PaymentRequest:
    r = PaymentRequest.place(
        order_id=uuid.uuid4(),
        number="N-7",
        amount=1250,
        currency="EUR",
        client_name="Ada",
        client_email="ada@example.com",
        manual_validation=False,
        now=NOW,
    )
    r.start_checkout("stripe", NOW)
    return r


async def test_stripe_checkout_session_parameters() -> None:
    sessions = FakeSessions()
    request = open_request()
    redirect = await StripeProcessor(fake_client(sessions)).create_checkout(
        request, "https://shop/done", "https://shop/pay"
    )
    assert redirect.url == "https://checkout.stripe.com/c/pay/cs_test_1"
    assert redirect.session_id == "cs_test_1"
    [(params, options)] = sessions.calls
    assert params["mode"] == "payment"
    [item] = params["line_items"]
    assert item["price_data"]["currency"] == "eur"
    assert item["price_data"]["unit_amount"] == 1250
    assert params["client_reference_id"] == str(request.order_id)
    assert params["metadata"]["order_id"] == str(request.order_id)
    assert (params["success_url"], params["cancel_url"]) == (
        "https://shop/done",
        "https://shop/pay",
    )
    assert options == {"idempotency_key": f"checkout-{request.order_id}-1"}


async def test_stripe_error_becomes_processor_unavailable() -> None:
    sessions = FakeSessions(error=stripe.APIConnectionError("network down"))
    with pytest.raises(ProcessorUnavailableError):
        await StripeProcessor(fake_client(sessions)).create_checkout(open_request(), "a", "b")


async def test_a_stripe_error_is_logged_without_the_key() -> None:
    error = stripe.AuthenticationError("Invalid API Key provided: sk_live_****************WxYz")
    sessions = FakeSessions(error=error)
    with structlog.testing.capture_logs() as logs, pytest.raises(ProcessorUnavailableError):
        await StripeProcessor(fake_client(sessions)).create_checkout(open_request(), "a", "b")
    (entry,) = logs
    assert entry["error"] == "Invalid API Key provided: sk_[redacted]"
    assert redact_keys("whsec_abc and rk_test_x") == "whsec_[redacted] and rk_[redacted]"


def test_our_signature_is_what_the_stripe_sdk_verifies() -> None:
    body = json.dumps({"id": "evt_1", "object": "event", "type": "x", "data": {"object": {}}})
    header = sign_payload(body, "whsec_test", int(datetime.now(UTC).timestamp()))
    assert stripe.WebhookSignature.verify_header(body, header, "whsec_test", 300)
    assert verify_event(body.encode(), header, "whsec_test", 300)["id"] == "evt_1"
    with pytest.raises(SignatureError, match="invalid Stripe-Signature"):
        verify_event(body.encode(), header, "whsec_other", 300)
    with pytest.raises(SignatureError, match="missing"):
        verify_event(body.encode(), None, "whsec_test", 300)


def test_sandbox_event_parses_like_a_stripe_event() -> None:
    order_id = uuid.uuid4()
    session = SandboxSession(
        "cs_sandbox_abc", order_id, "N-1", 990, "GBP", "open", "https://s", "https://c"
    )
    event = parse_event(completed_event(session, NOW))
    assert event.event_id == "evt_sandbox_abc"
    assert event.processor == "sandbox"
    assert event.confirms_payment
    assert (event.order_id, event.amount, event.currency) == (order_id, 990, "GBP")
    assert event.reference == "pi_sandbox_abc"
