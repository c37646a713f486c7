"""The real PayPal adapter (paypal-server-sdk) against a local stub of PayPal's REST API:
the requests it builds (OAuth, Orders v2 create and capture, capture refund, the webhook's
verify-webhook-signature), and the whole flow through the service with PayPal configured."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from shop_payments.bootstrap import PaymentsRoot, bootstrap
from shop_payments.domain.model import Payment, PaymentDisposition, PaymentMethod, PaymentRequest
from shop_payments.processors.paypal import PaypalProcessor
from shop_payments.service.ports import (
    ProcessorUnavailableError,
    RefundRefusedError,
    SignatureError,
)
from shop_payments.webhooks.paypal_api import paypal_client
from shop_payments.webhooks.paypal_verifier import PaypalWebhookVerifier

from .conftest import (
    ADMIN_SESSIONS,
    BRANDING,
    PUBLIC,
    confirmations,
    make_settings,
    payment_rows,
    place,
    token,
    use_settings,
)
from .paypal_stub import TOKEN, PaypalStub, paypal_stub

WEBHOOK_ID = "8PT597110X687430LKGECATA"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def stub() -> Iterator[PaypalStub]:
    with paypal_stub() as stub:
        yield stub


def processor(stub: PaypalStub) -> PaypalProcessor:
    client = paypal_client("client-id", "client-secret", "sandbox", base_url=stub.url)
    return PaypalProcessor(client, public_url=PUBLIC, access_token=token)


def request_of(amount: int = 4500, currency: str = "EUR") -> PaymentRequest:
    request = PaymentRequest.place(
        order_id=uuid.uuid4(),
        number="N-42",
        amount=amount,
        currency=currency,
        client_name="Ada",
        client_email="ada@example.com",
        manual_validation=False,
        now=NOW,
    )
    request.start_checkout("paypal", NOW)
    return request


def payment_of(capture_id: str, currency: str = "EUR") -> Payment:
    return Payment(
        id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        method=PaymentMethod.CARD,
        processor="paypal",
        processor_reference=capture_id,
        amount=4500,
        currency=currency,
        paid_at=NOW,
        disposition=PaymentDisposition.CONFIRMED,
    )


async def test_create_order_is_intent_capture_for_the_total(stub) -> None:
    request = request_of()
    redirect = await processor(stub).create_checkout(request, "unused", "unused")
    assert redirect.url == f"https://www.sandbox.paypal.com/checkoutnow?token={redirect.session_id}"
    oauth = stub.calls("/v1/oauth2/token")[0]
    assert oauth.headers["Authorization"].startswith("Basic ")
    (created,) = stub.calls("/v2/checkout/orders")
    assert created.headers["Authorization"] == f"Bearer {TOKEN}"
    assert created.headers["PayPal-Request-Id"] == request.checkout_key
    body = created.body
    assert body["intent"] == "CAPTURE"
    unit = body["purchase_units"][0]
    assert unit["amount"] == {"currency_code": "EUR", "value": "45.00"}
    assert unit["custom_id"] == str(request.order_id)
    context = body["payment_source"]["paypal"]["experience_context"]
    back = f"{PUBLIC}/pay/{request.order_id}/paypal"
    assert context["return_url"] == f"{back}/return?access={token(request.order_id)}"
    assert context["cancel_url"] == f"{back}/cancel?access={token(request.order_id)}"
    assert context["user_action"] == "PAY_NOW"


@pytest.mark.parametrize(
    ("amount", "currency", "value"),
    [
        (4500, "JPY", "4500"),
        (12345, "KWD", "12.345"),
        (199, "USD", "1.99"),
        (5000, "HUF", "5000"),
        (5000, "TWD", "50"),
    ],
)
async def test_amounts_in_the_currency_units(stub, amount, currency, value) -> None:
    await processor(stub).create_checkout(request_of(amount, currency), "u", "u")
    unit = stub.calls("/v2/checkout/orders")[0].body["purchase_units"][0]
    assert unit["amount"] == {"currency_code": currency, "value": value}


async def test_an_amount_paypal_cannot_take_is_refused_before_asking(stub) -> None:
    with pytest.raises(ProcessorUnavailableError, match="whole units"):
        await processor(stub).create_checkout(request_of(5050, "TWD"), "u", "u")
    assert stub.calls("/v2/checkout/orders") == []


async def test_capture_is_idempotent_and_read_back(stub) -> None:
    paypal = processor(stub)
    request = request_of()
    redirect = await paypal.create_checkout(request, "u", "u")
    capture = await paypal.capture(redirect.session_id)
    (call,) = stub.calls("/capture")
    assert call.headers["PayPal-Request-Id"] == f"capture-{redirect.session_id}"
    assert (capture.status, capture.amount, capture.currency) == ("COMPLETED", 4500, "EUR")
    assert capture.order_id == request.order_id
    assert capture.capture_id

    stub.capture_error = {
        "name": "UNPROCESSABLE_ENTITY",
        "details": [{"issue": "ORDER_ALREADY_CAPTURED", "description": "Order already captured."}],
    }
    again = await paypal.capture(redirect.session_id)
    assert again == capture  # read back with GET /v2/checkout/orders/{id}
    assert [c.method for c in stub.calls(f"/v2/checkout/orders/{redirect.session_id}")][-1] == "GET"


async def test_a_declined_capture_is_unavailable(stub) -> None:
    paypal = processor(stub)
    redirect = await paypal.create_checkout(request_of(), "u", "u")
    stub.capture_error = {
        "name": "UNPROCESSABLE_ENTITY",
        "details": [{"issue": "INSTRUMENT_DECLINED"}],
    }
    with pytest.raises(ProcessorUnavailableError):
        await paypal.capture(redirect.session_id)


async def test_refund_of_a_capture(stub) -> None:
    refund_id = uuid.uuid4()
    refund = await processor(stub).refund(payment_of("2GG279541U471931P"), 1500, refund_id)
    assert (refund.processor_refund_id, refund.status) == ("1JU08902781691411", "completed")
    (call,) = stub.calls("/refund")
    assert call.path == "/v2/payments/captures/2GG279541U471931P/refund"
    assert call.headers["PayPal-Request-Id"] == str(refund_id)
    assert call.body == {
        "amount": {"currency_code": "EUR", "value": "15.00"},
        "custom_id": str(refund_id),
    }


async def test_a_refused_refund_and_an_unreachable_paypal(stub) -> None:
    stub.refund_error = (
        422,
        {"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "REFUND_AMOUNT_EXCEEDED"}]},
    )
    with pytest.raises(RefundRefusedError, match="REFUND_AMOUNT_EXCEEDED"):
        await processor(stub).refund(payment_of("CAP1"), 99999, uuid.uuid4())
    stub.refund_error = (503, {"name": "SERVICE_UNAVAILABLE"})
    with pytest.raises(ProcessorUnavailableError):
        await processor(stub).refund(payment_of("CAP1"), 100, uuid.uuid4())


def paypal_headers(when: datetime) -> dict[str, str]:
    return {
        "PAYPAL-AUTH-ALGO": "SHA256withRSA",
        "PAYPAL-CERT-URL": "https://api-m.sandbox.paypal.com/v1/notifications/certs/CERT-1",
        "PAYPAL-TRANSMISSION-ID": "69cd13f0-d67a-11e5-baa3-778b53f4ae55",
        "PAYPAL-TRANSMISSION-SIG": "lmI95Jx3Y9nhR5SJWlHVIWpg4AgFk7n9bCHSRxbrd8A9zrhdu2rMyFrmz",
        "PAYPAL-TRANSMISSION-TIME": when.isoformat().replace("+00:00", "Z"),
    }


def capture_event(order_id: uuid.UUID, value: str = "45.00") -> dict[str, object]:
    return {
        "id": f"WH-{uuid.uuid4().hex[:17].upper()}",
        "event_type": "PAYMENT.CAPTURE.COMPLETED",
        "resource": {
            "id": f"CAP{uuid.uuid4().hex[:10].upper()}",
            "status": "COMPLETED",
            "amount": {"currency_code": "EUR", "value": value},
            "custom_id": str(order_id),
        },
    }


def verifier(stub: PaypalStub, clock=None, sandbox_secret=None) -> PaypalWebhookVerifier:
    return PaypalWebhookVerifier(
        client=paypal_client("client-id", "client-secret", "live", base_url=stub.url),
        webhook_id=WEBHOOK_ID,
        sandbox_secret=sandbox_secret,
        tolerance_s=300,
        clock=clock or NOW.timestamp,
    )


async def test_webhook_verified_by_paypal(stub) -> None:
    order_id = uuid.uuid4()
    event = capture_event(order_id)
    body = json.dumps(event).encode()
    headers = paypal_headers(NOW - timedelta(seconds=30))
    verified = await verifier(stub).verify(body, headers)
    assert (verified.processor, verified.order_id, verified.amount) == ("paypal", order_id, 4500)
    assert verified.confirms_payment
    (call,) = stub.calls("/v1/notifications/verify-webhook-signature")
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"
    assert call.body == {
        "auth_algo": headers["PAYPAL-AUTH-ALGO"],
        "cert_url": headers["PAYPAL-CERT-URL"],
        "transmission_id": headers["PAYPAL-TRANSMISSION-ID"],
        "transmission_sig": headers["PAYPAL-TRANSMISSION-SIG"],
        "transmission_time": headers["PAYPAL-TRANSMISSION-TIME"],
        "webhook_id": WEBHOOK_ID,
        "webhook_event": event,
    }


async def test_webhook_paypal_says_failure(stub) -> None:
    stub.verification = "FAILURE"
    with pytest.raises(SignatureError, match="FAILURE"):
        await verifier(stub).verify(
            json.dumps(capture_event(uuid.uuid4())).encode(), paypal_headers(NOW)
        )


@pytest.mark.parametrize(("shift", "why"), [(-400, "too old"), (400, "in the future")])
async def test_webhook_transmission_time_outside_the_window(stub, shift, why) -> None:
    body = json.dumps(capture_event(uuid.uuid4())).encode()
    with pytest.raises(SignatureError, match=why):
        await verifier(stub).verify(body, paypal_headers(NOW + timedelta(seconds=shift)))
    assert stub.calls("/v1/notifications/verify-webhook-signature") == []  # not even asked


async def test_webhook_missing_headers_and_sandbox_signature_where_off(stub) -> None:
    body = json.dumps(capture_event(uuid.uuid4())).encode()
    headers = paypal_headers(NOW)
    del headers["PAYPAL-TRANSMISSION-SIG"]
    with pytest.raises(SignatureError, match="PAYPAL-TRANSMISSION-SIG"):
        await verifier(stub).verify(body, headers)
    with pytest.raises(SignatureError, match="not accepted here"):
        await verifier(stub).verify(body, {"PayPal-Sandbox-Signature": "t=1,v1=00"})
    assert stub.calls("/v1/notifications/verify-webhook-signature") == []


# The service with PayPal configured (its SDK pointed at the stub) ----------------------------


@pytest.fixture
async def paypal_root(database_url, stub) -> AsyncIterator[tuple[PaymentsRoot, httpx.AsyncClient]]:
    settings = make_settings(
        database_url,
        paypal_client_id="client-id",
        paypal_client_secret="client-secret",
        paypal_webhook_id=WEBHOOK_ID,
    )
    root = bootstrap(settings, paypal_base_url=stub.url)
    app = root.http_app(admin_sessions=ADMIN_SESSIONS, branding=BRANDING)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
        yield root, client
    await root.aclose()


async def test_paypal_checkout_return_and_webhook(paypal_root, stub) -> None:
    root, client = paypal_root
    await use_settings(root, "paypal")
    try:
        placed = await place(root.router)
        order_id = placed.order_id
        started = await client.post(f"/pay/{order_id}/checkout?token={token(order_id)}")
        assert started.status_code == 303, started.text
        approve = started.headers["location"]
        assert approve.startswith("https://www.sandbox.paypal.com/checkoutnow?token=")
        paypal_order_id = parse_qs(urlsplit(approve).query)["token"][0]
        # PayPal sends the client back to the return URL it was given, adding its own query
        return_url = stub.orders[paypal_order_id]["payment_source"]["paypal"]["experience_context"][
            "return_url"
        ]
        back = urlsplit(f"{return_url}&token={paypal_order_id}&PayerID=QYR5Z8XDVJNXQ")
        returned = await client.get(f"{back.path}?{back.query}")
        assert returned.status_code == 303, returned.text
        found = await confirmations(root, order_id)
        assert [(c["processor"], c["amount"]) for c in found] == [("paypal", 4500)]
        capture_id = (await payment_rows(root, order_id))[0]["processor_reference"]

        # PayPal's own webhook for that capture: verified by PayPal, settled already
        event = capture_event(order_id)
        event["resource"]["id"] = capture_id  # type: ignore[index]
        headers = paypal_headers(datetime.now(UTC))
        answer = await client.post("/webhooks/paypal", content=json.dumps(event), headers=headers)
        assert answer.json() == {"status": "processed", "outcome": "already_settled"}
        assert len(await confirmations(root, order_id)) == 1
        assert len(await payment_rows(root, order_id)) == 1
    finally:
        await use_settings(root, "sandbox")


async def test_paypal_webhook_alone_confirms_and_bad_ones_are_refused(paypal_root, stub):
    root, client = paypal_root
    placed = await place(root.router)
    event = capture_event(placed.order_id)
    now = datetime.now(UTC)
    stub.verification = "FAILURE"
    refused = await client.post(
        "/webhooks/paypal", content=json.dumps(event), headers=paypal_headers(now)
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_signature"
    stub.verification = "SUCCESS"
    ok = await client.post(
        "/webhooks/paypal", content=json.dumps(event), headers=paypal_headers(now)
    )
    assert ok.json() == {"status": "processed", "outcome": "confirmed"}
    found = await confirmations(root, placed.order_id)
    assert [c["processor"] for c in found] == ["paypal"]
    replay = await client.post(
        "/webhooks/paypal", content=json.dumps(event), headers=paypal_headers(now)
    )
    assert replay.json() == {"status": "duplicate"}


async def test_an_approved_order_is_captured_from_its_webhook(paypal_root, stub) -> None:
    """The client approved on PayPal and closed the window: CHECKOUT.ORDER.APPROVED makes
    the shop capture it; the capture's own webhook then changes nothing."""
    root, client = paypal_root
    await use_settings(root, "paypal")
    try:
        placed = await place(root.router)
        order_id = placed.order_id
        started = await client.post(f"/pay/{order_id}/checkout?token={token(order_id)}")
        paypal_order_id = parse_qs(urlsplit(started.headers["location"]).query)["token"][0]
        approved = {
            "id": f"WH-{uuid.uuid4().hex[:17].upper()}",
            "event_type": "CHECKOUT.ORDER.APPROVED",
            "resource": {
                "id": paypal_order_id,
                "status": "APPROVED",
                "purchase_units": [{"reference_id": str(order_id), "custom_id": str(order_id)}],
            },
        }
        headers = paypal_headers(datetime.now(UTC))
        answer = await client.post(
            "/webhooks/paypal", content=json.dumps(approved), headers=headers
        )
        assert answer.json() == {"status": "processed", "outcome": "captured: confirmed"}
        assert [c["processor"] for c in await confirmations(root, order_id)] == ["paypal"]
        again = await client.post("/webhooks/paypal", content=json.dumps(approved), headers=headers)
        assert again.json() == {"status": "duplicate"}
        assert len(stub.calls("/capture")) == 1  # paid now: PayPal is not asked again
        assert len(await confirmations(root, order_id)) == 1
        assert len(await payment_rows(root, order_id)) == 1
    finally:
        await use_settings(root, "sandbox")


async def test_wrong_credentials_are_unavailable_and_never_logged(stub, capsys) -> None:
    stub.token_refused = True
    with pytest.raises(ProcessorUnavailableError):
        await processor(stub).create_checkout(request_of(), "u", "u")
    with pytest.raises(ProcessorUnavailableError):
        await verifier(stub).verify(
            json.dumps(capture_event(uuid.uuid4())).encode(), paypal_headers(NOW)
        )
    assert "client-secret" not in capsys.readouterr().out
    assert stub.calls("/v2/checkout/orders") == []
