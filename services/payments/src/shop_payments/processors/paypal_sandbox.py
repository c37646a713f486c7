"""The built-in PayPal sandbox: PayPal's Orders v2 flow, offline (development and tests).

Create an order -> the client approves it on the sandbox's page (its button reads
**Approve**) -> back to the shop's return route, which captures it -> the sandbox sends a
signed `PAYMENT.CAPTURE.COMPLETED` to `/webhooks/paypal`, the path PayPal's events take.
Refunds are recorded once per refund id and reported by a signed `PAYMENT.CAPTURE.REFUNDED`.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import structlog

from shop_payments.domain.model import Payment, PaymentRequest
from shop_payments.processors.paypal import return_urls
from shop_payments.service.paypal_ports import (
    PaypalSandboxOrder,
    PaypalSandboxRefund,
    PaypalSandboxStore,
)
from shop_payments.service.ports import (
    CheckoutRedirect,
    PaypalCapture,
    ProcessorRefund,
    ProcessorUnavailableError,
    RefundRefusedError,
)
from shop_payments.webhooks.paypal_events import (
    CAPTURE_COMPLETED,
    CAPTURE_REFUNDED,
    PaypalAmountError,
    paypal_value,
)
from shop_payments.webhooks.paypal_verifier import SANDBOX_SIGNATURE_HEADER, sign_sandbox_event
from shop_payments.webhooks.poster import WebhookPoster

log = structlog.get_logger()
SANDBOX_PAYER_ID = "SANDBOXPAYER1"
API = "https://api-m.sandbox.paypal.test"  # the links its resources carry (never called)


def _paypal_id() -> str:
    """17 upper-case characters, as PayPal's ids."""
    return secrets.token_hex(9).upper()[:17]


def _money(amount: int, currency: str) -> dict[str, str]:
    return {"currency_code": currency, "value": paypal_value(amount, currency)}


def _event(event_id: str, event_type: str, resource: dict[str, Any], now: datetime) -> str:
    event = {
        "id": event_id,
        "event_version": "1.0",
        "create_time": now.isoformat().replace("+00:00", "Z"),
        "resource_type": "refund" if event_type == CAPTURE_REFUNDED else "capture",
        "resource_version": "2.0",
        "event_type": event_type,
        "summary": f"sandbox {event_type}",
        "resource": resource,
    }
    return json.dumps(event, separators=(",", ":"))


def capture_event(order: PaypalSandboxOrder, now: datetime) -> str:
    """PAYMENT.CAPTURE.COMPLETED for the order's capture, shaped as PayPal sends it."""
    assert order.capture_id is not None
    resource = {
        "id": order.capture_id,
        "status": "COMPLETED",
        "amount": _money(order.amount, order.currency),
        "final_capture": True,
        "custom_id": str(order.order_id),
        "supplementary_data": {"related_ids": {"order_id": order.id}},
        "links": [{"href": f"{API}/v2/payments/captures/{order.capture_id}", "rel": "self"}],
    }
    return _event(f"WH-SANDBOX-C-{order.capture_id}", CAPTURE_COMPLETED, resource, now)


def refund_event(order: PaypalSandboxOrder, refund: PaypalSandboxRefund, now: datetime) -> str:
    resource = {
        "id": refund.id,
        "status": "COMPLETED",
        "amount": _money(refund.amount, order.currency),
        "custom_id": str(refund.refund_id),
        "links": [
            {"href": f"{API}/v2/payments/refunds/{refund.id}", "rel": "self"},
            {"href": f"{API}/v2/payments/captures/{order.capture_id}", "rel": "up"},
        ],
    }
    return _event(f"WH-SANDBOX-R-{refund.id}", CAPTURE_REFUNDED, resource, now)


class PaypalSandboxProcessor:
    name = "paypal_sandbox"

    def __init__(
        self,
        store: PaypalSandboxStore,
        poster: WebhookPoster,
        *,
        public_url: str,
        secret: str,
        access_token: Callable[[uuid.UUID], str],
    ) -> None:
        self._store = store
        self.poster = poster  # tests hand in their own (an in-process app)
        self.public_url = public_url.rstrip("/")
        self._secret = secret
        self._access_token = access_token

    async def create_checkout(
        self, request: PaymentRequest, success_url: str, cancel_url: str
    ) -> CheckoutRedirect:
        try:
            paypal_value(request.amount, request.currency)
        except PaypalAmountError as exc:
            raise ProcessorUnavailableError(str(exc)) from exc
        urls = return_urls(
            self.public_url, self.name, request.order_id, self._access_token(request.order_id)
        )
        candidate = PaypalSandboxOrder(
            id=_paypal_id(),
            order_id=request.order_id,
            number=request.number,
            amount=request.amount,
            currency=request.currency,
            status="CREATED",
            return_url=urls["return_url"],
            cancel_url=urls["cancel_url"],
        )
        order = await self._store.create(candidate, request.checkout_key)
        return CheckoutRedirect(order.id, f"{self.public_url}{self._path(order)}")

    def _path(self, order: PaypalSandboxOrder, suffix: str = "") -> str:
        token = quote(self._access_token(order.order_id))
        return f"/paypal-sandbox/checkoutnow/{order.id}{suffix}?token={token}"

    def approve_path(self, order: PaypalSandboxOrder) -> str:
        return self._path(order, "/approve")

    async def order(self, paypal_order_id: str) -> PaypalSandboxOrder | None:
        return await self._store.get(paypal_order_id)

    async def approve(self, order: PaypalSandboxOrder) -> str:
        """PayPal's redirect back: the return URL with `token` (its order id) and PayerID."""
        await self._store.approve(order.id)
        return f"{order.return_url}&token={quote(order.id)}&PayerID={SANDBOX_PAYER_ID}"

    async def capture(self, paypal_order_id: str) -> PaypalCapture:
        captured = await self._store.capture(paypal_order_id, _paypal_id())
        if captured is None:
            raise ProcessorUnavailableError(f"no such PayPal order: {paypal_order_id}")
        order, now_captured = captured
        if order.status != "COMPLETED":
            raise ProcessorUnavailableError(
                "PayPal could not take the payment: the order was not approved "
                "(ORDER_NOT_APPROVED); please pay again"
            )
        if now_captured:
            await self._send(capture_event(order, datetime.now(UTC)))
        return PaypalCapture(
            paypal_order_id=order.id,
            order_id=order.order_id,
            capture_id=order.capture_id,
            status="COMPLETED",
            amount=order.amount,
            currency=order.currency,
        )

    async def refund(self, payment: Payment, amount: int, refund_id: uuid.UUID) -> ProcessorRefund:
        capture_id = payment.processor_reference or ""
        order = await self._store.by_capture(capture_id) if capture_id else None
        if order is None:
            raise RefundRefusedError(f"no such PayPal sandbox capture: {capture_id or 'none'}")
        candidate = PaypalSandboxRefund(
            id=_paypal_id(), paypal_order_id=order.id, amount=amount, refund_id=refund_id
        )
        refund = await self._store.refund(candidate)
        if refund is None:
            raise RefundRefusedError(
                f"the refund of {amount} exceeds what is left of the capture ({order.amount} "
                f"captured, minor units of {order.currency})"
            )
        await self._send(refund_event(order, refund, datetime.now(UTC)))
        return ProcessorRefund(processor_refund_id=refund.id, status="completed")

    async def _send(self, body: str) -> None:
        """POST a signed event to the webhook. A refusal is logged: the capture or refund is
        made all the same (PayPal retries its webhooks; the return settles a capture too)."""
        now = int(datetime.now(UTC).timestamp())
        headers = {
            "Content-Type": "application/json",
            SANDBOX_SIGNATURE_HEADER: sign_sandbox_event(body, self._secret, now),
        }
        try:
            reply = await self.poster(f"{self.public_url}/webhooks/paypal", body.encode(), headers)
        except Exception as exc:
            log.warning("payments.paypal_sandbox_webhook_failed", error=str(exc)[:200])
            return
        if reply.status >= 300:
            log.warning(
                "payments.paypal_sandbox_webhook_refused", status=reply.status, body=reply.body
            )
