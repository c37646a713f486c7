"""Refunds, pure: what is refundable and the payment a refund applies to, the processor's
refund reports applied once; Stripe's refund events parsed; Stripe's refund request built
by the real SDK and sent to a local stub server (no internet)."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
import stripe

from shop_payments.domain.model import Payment, PaymentDisposition, PaymentMethod
from shop_payments.domain.refunds import (
    RefundAsk,
    RefundOrigin,
    RefundRefusal,
    RefundStatus,
    ReportedRefund,
    apply_report,
    payment_to_refund,
    plan_refund,
    refund_figures,
    refundable,
)
from shop_payments.processors.stripe_processor import StripeProcessor
from shop_payments.service.ports import ProcessorUnavailableError, RefundRefusedError
from shop_payments.webhooks.events import parse_event

NOW = datetime(2026, 12, 6, tzinfo=UTC)
ORDER = uuid.uuid4()


def payment(
    amount: int = 4500,
    *,
    disposition: PaymentDisposition = PaymentDisposition.CONFIRMED,
    method: PaymentMethod = PaymentMethod.CARD,
    processor: str | None = "stripe",
    reference: str | None = "pi_1",
    paid_at: datetime = NOW,
) -> Payment:
    return Payment(
        id=uuid.uuid4(),
        order_id=ORDER,
        method=method,
        processor=processor if method is PaymentMethod.CARD else None,
        processor_reference=reference,
        amount=amount,
        currency="EUR",
        paid_at=paid_at,
        disposition=disposition,
    )


def ask(amount: int | None = None, **kwargs: Any) -> RefundAsk:
    return RefundAsk(refund_id=uuid.uuid4(), order_id=ORDER, amount=amount, **kwargs)


def test_full_refund_by_default_then_nothing_left() -> None:
    paid = payment()
    refund = plan_refund(ask(), "N-1", [paid], [], NOW)
    assert (refund.amount, refund.status, refund.processor) == (
        4500,
        RefundStatus.PENDING,
        "stripe",
    )
    assert refundable(paid, [refund]) == 0
    with pytest.raises(RefundRefusal, match="refunded already"):
        plan_refund(ask(), "N-1", [paid], [refund], NOW)


def test_partial_refunds_count_pending_ones_and_refuse_beyond_what_is_left() -> None:
    paid = payment()
    first = plan_refund(ask(4000), "N-1", [paid], [], NOW)  # pending: counts
    with pytest.raises(RefundRefusal, match="the refund of 600 exceeds what is left") as refused:
        plan_refund(ask(600), "N-1", [paid], [first], NOW)
    assert "500" in refused.value.reason
    first.fail("refused", NOW)  # a failed one gives its amount back
    assert refundable(paid, [first]) == 4500


def test_refusals_name_why() -> None:
    with pytest.raises(RefundRefusal, match="nothing was paid"):
        plan_refund(ask(), "N-1", [], [], NOW)
    with pytest.raises(RefundRefusal, match="positive"):
        plan_refund(ask(0), "N-1", [payment()], [], NOW)


def test_the_confirmed_payment_first_then_refund_due_ones() -> None:
    due = payment(1000, disposition=PaymentDisposition.REFUND_DUE, paid_at=NOW)
    confirmed = payment(4500, paid_at=NOW + timedelta(minutes=1))
    assert payment_to_refund([due, confirmed], []) is confirmed
    spent = plan_refund(ask(), "N-1", [due, confirmed], [], NOW)
    assert payment_to_refund([due, confirmed], [spent]) is due


def test_offline_payment_is_refunded_by_hand_at_once() -> None:
    paid = payment(method=PaymentMethod.OFFLINE, reference="marked paid by admin")
    refund = plan_refund(ask(100), "N-1", [paid], [], NOW)
    assert (refund.by_hand, refund.status, refund.processor) == (True, RefundStatus.SUCCEEDED, None)
    card = plan_refund(ask(100, by_hand=True), "N-1", [payment()], [], NOW)
    assert card.by_hand
    assert card.status is RefundStatus.SUCCEEDED


def test_transitions_are_guarded() -> None:
    refund = plan_refund(ask(), "N-1", [payment()], [], NOW)
    assert refund.submitted("re_1", NOW)
    assert refund.succeed(NOW, "re_1")
    assert not refund.succeed(NOW)  # once
    assert not refund.fail("late", NOW)
    other = plan_refund(ask(), "N-1", [payment()], [], NOW)
    assert other.fail("no", NOW)
    assert not other.succeed(NOW)
    assert not other.fail("again", NOW)


def reported(amount: int, **kwargs: Any) -> ReportedRefund:
    values: dict[str, Any] = {
        "processor": "stripe",
        "processor_refund_id": "re_1",
        "amount": amount,
        "currency": "EUR",
        "succeeded": True,
        "failed": False,
        **kwargs,
    }
    return ReportedRefund(**values)


def test_a_shop_refund_is_matched_by_its_ids_and_completed_once() -> None:
    paid = payment()
    mine = plan_refund(ask(1000), "N-1", [paid], [], NOW)
    by_shop_id = apply_report(paid, [mine], reported(1000, refund_id=mine.refund_id), "k", NOW)
    assert (by_shop_id.refund, by_shop_id.succeeded, by_shop_id.new) == (mine, True, False)
    assert mine.processor_refund_id == "re_1"
    again = apply_report(paid, [mine], reported(1000), "k2", NOW)  # by the processor's id
    assert (again.refund, again.succeeded) == (mine, False)


def test_a_refund_failing_after_it_succeeded_is_only_noted() -> None:
    paid = payment()
    mine = plan_refund(ask(1000), "N-1", [paid], [], NOW)
    mine.succeed(NOW, "re_1")
    decision = apply_report(paid, [mine], reported(1000, succeeded=False, failed=True), "k", NOW)
    assert (decision.refund, decision.note) == (None, "failed_after_success")
    assert mine.status is RefundStatus.SUCCEEDED


def test_an_unknown_refund_is_a_dashboard_one_with_a_stable_id() -> None:
    paid = payment()
    first = apply_report(paid, [], reported(700, processor_refund_id="re_d"), "evt_1:0", NOW)
    second = apply_report(paid, [], reported(700, processor_refund_id="re_d"), "evt_2:0", NOW)
    assert first.new
    assert first.succeeded
    assert first.refund is not None
    assert second.refund
    assert first.refund.origin is RefundOrigin.PROCESSOR
    assert first.refund.refund_id == second.refund.refund_id
    pending = apply_report(paid, [], reported(700, succeeded=False), "evt_3:0", NOW)
    assert pending.refund is None
    too_much = apply_report(paid, [], reported(9000), "evt_4:0", NOW)
    assert (too_much.refund, too_much.note) == (None, "exceeds_payment")
    other_currency = apply_report(paid, [], reported(100, currency="USD"), "evt_5:0", NOW)
    assert other_currency.note == "currency_mismatch"


def test_a_charge_total_records_only_what_is_not_known() -> None:
    paid = payment()
    mine = plan_refund(ask(1000), "N-1", [paid], [], NOW)  # still pending: counted
    total = reported(1000, processor_refund_id=None, cumulative=True)
    assert apply_report(paid, [mine], total, "evt_1", NOW).refund is None
    more = reported(1600, processor_refund_id=None, cumulative=True)
    decision = apply_report(paid, [mine], more, "evt_2", NOW)
    assert decision.new
    assert decision.refund is not None
    assert decision.refund.amount == 600
    # Its own event later, with its id: the same refund.
    later = apply_report(
        paid, [mine, decision.refund], reported(600, processor_refund_id="re_9"), "evt_3:0", NOW
    )
    assert (later.refund, later.new) == (decision.refund, False)
    assert decision.refund.processor_refund_id == "re_9"


def test_figures_full_when_the_confirmed_payment_is_refunded() -> None:
    confirmed = payment()
    duplicate = payment(4500, disposition=PaymentDisposition.REFUND_DUE)
    back = plan_refund(ask(), "N-1", [confirmed, duplicate], [], NOW)
    back.succeed(NOW)
    assert back.payment_id == confirmed.id
    assert refund_figures([confirmed, duplicate], [back]).full
    due_only = payment(4500, disposition=PaymentDisposition.REFUND_DUE)
    part = plan_refund(ask(4000), "N-1", [due_only], [], NOW)
    part.succeed(NOW)
    figures = refund_figures([due_only], [part])
    assert (figures.refunded_total, figures.full) == (4000, False)


def event(event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
    return {"id": "evt_1", "object": "event", "type": event_type, "data": {"object": obj}}


def test_stripe_refund_events_parsed() -> None:
    refund_id = uuid.uuid4()
    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": "pi_1",
        "amount_refunded": 1500,
        "currency": "eur",
        "refunds": {
            "object": "list",
            "data": [
                {
                    "id": "re_1",
                    "object": "refund",
                    "amount": 1000,
                    "currency": "eur",
                    "status": "succeeded",
                    "metadata": {"refund_id": str(refund_id)},
                },
                {
                    "id": "re_2",
                    "object": "refund",
                    "amount": 500,
                    "currency": "eur",
                    "status": "pending",
                    "metadata": {},
                },
            ],
        },
    }
    one, two = parse_event(event("charge.refunded", charge)).refunds
    assert (one.payment_reference, one.processor_refund_id, one.amount) == ("pi_1", "re_1", 1000)
    assert (one.currency, one.status, one.refund_id) == ("EUR", "succeeded", refund_id)
    assert (two.status, two.refund_id) == ("pending", None)
    del charge["refunds"]
    (total,) = parse_event(event("charge.refunded", charge)).refunds
    assert (total.cumulative, total.amount, total.processor_refund_id) == (True, 1500, None)
    updated = {
        "id": "re_3",
        "object": "refund",
        "amount": 200,
        "currency": "eur",
        "payment_intent": {"id": "pi_2"},
        "status": "failed",
    }
    (failed,) = parse_event(event("refund.updated", updated)).refunds
    assert (failed.payment_reference, failed.status) == ("pi_2", "failed")
    assert parse_event(event("payment_intent.succeeded", updated)).refunds == ()
    assert parse_event(event("refund.updated", {"object": "refund", "id": "re"})).refunds == ()


class StubStripe(BaseHTTPRequestHandler):
    """Stripe's /v1/refunds, as far as the request goes: records what the SDK sent."""

    seen: list[tuple[str, dict[str, str], dict[str, list[str]]]] = []
    status = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        StubStripe.seen.append((self.path, dict(self.headers), parse_qs(body)))
        if StubStripe.status == 200:
            payload: dict[str, Any] = {
                "id": "re_stub_1",
                "object": "refund",
                "amount": 1200,
                "currency": "eur",
                "status": "succeeded",
                "payment_intent": "pi_abc",
            }
        else:
            payload = {
                "error": {
                    "type": "invalid_request_error",
                    "code": "charge_already_refunded",
                    "message": "Charge ch_1 has already been refunded.",
                }
            }
        data = json.dumps(payload).encode()
        self.send_response(StubStripe.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def stub_stripe() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), StubStripe)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StubStripe.seen = []
    StubStripe.status = 200
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def stripe_at(url: str) -> StripeProcessor:
    client = stripe.StripeClient(
        "sk_test_stub",
        base_addresses={"api": url},
        http_client=stripe.HTTPXClient(),
        max_network_retries=0,
    )
    return StripeProcessor(client)


async def test_stripe_refund_request(stub_stripe: str) -> None:
    refund_id = uuid.uuid4()
    paid = payment(reference="pi_abc")
    answer = await stripe_at(stub_stripe).refund(paid, 1200, refund_id)
    assert (answer.processor_refund_id, answer.status) == ("re_stub_1", "succeeded")
    ((path, headers, form),) = StubStripe.seen
    assert path == "/v1/refunds"
    assert headers["Idempotency-Key"] == str(refund_id)
    assert form["payment_intent"] == ["pi_abc"]
    assert form["amount"] == ["1200"]
    assert form["metadata[refund_id]"] == [str(refund_id)]
    assert form["metadata[order_id]"] == [str(ORDER)]


async def test_stripe_refusal_and_unavailability(stub_stripe: str) -> None:
    StubStripe.status = 400
    with pytest.raises(RefundRefusedError, match="already been refunded"):
        await stripe_at(stub_stripe).refund(payment(), 100, uuid.uuid4())
    StubStripe.status = 503
    with pytest.raises(ProcessorUnavailableError):
        await stripe_at(stub_stripe).refund(payment(), 100, uuid.uuid4())
    with pytest.raises(RefundRefusedError):
        await stripe_at("http://127.0.0.1:9").refund(payment(reference=None), 100, uuid.uuid4())
