"""PayPal Orders v2 through the official SDK (`paypal-server-sdk`).

Create an order (intent CAPTURE, the order's total in its currency), send the client to its
approval link; PayPal brings the client back to `/pay/{order}/paypal/return`, where the shop
captures it (`capture`). Refunds refund the capture. Every call carries a `PayPal-Request-Id`
(the checkout attempt's key, `capture-<paypal order>`, the refund's id): retried, PayPal
answers what it answered the first time. The SDK is synchronous: it runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import structlog
from paypalserversdk.models.amount_with_breakdown import AmountWithBreakdown
from paypalserversdk.models.checkout_payment_intent import CheckoutPaymentIntent
from paypalserversdk.models.money import Money
from paypalserversdk.models.order_request import OrderRequest
from paypalserversdk.models.payment_source import PaymentSource
from paypalserversdk.models.paypal_experience_user_action import PaypalExperienceUserAction
from paypalserversdk.models.paypal_wallet import PaypalWallet
from paypalserversdk.models.paypal_wallet_context_shipping_preference import (
    PaypalWalletContextShippingPreference,
)
from paypalserversdk.models.paypal_wallet_experience_context import (
    PaypalWalletExperienceContext,
)
from paypalserversdk.models.purchase_unit_request import PurchaseUnitRequest
from paypalserversdk.models.refund_request import RefundRequest
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from shop_payments.domain.model import Payment, PaymentRequest
from shop_payments.service.ports import (
    CheckoutRedirect,
    PaypalCapture,
    ProcessorRefund,
    ProcessorUnavailableError,
    RefundRefusedError,
)
from shop_payments.webhooks.paypal_api import PAYPAL_ERRORS, error_issues, error_text
from shop_payments.webhooks.paypal_events import PaypalAmountError, paypal_minor, paypal_value

log = structlog.get_logger()
APPROVE_RELS = ("payer-action", "approve")
ALREADY_CAPTURED = "ORDER_ALREADY_CAPTURED"


def return_urls(public_url: str, processor: str, order_id: uuid.UUID, token: str) -> dict[str, str]:
    """Where PayPal sends the client back. PayPal appends `token=<its order id>&PayerID=...`
    to both: the order's access token travels as `access`, not `token`."""
    base = f"{public_url.rstrip('/')}/pay/{order_id}/{processor}"
    access = quote(token)
    return {
        "return_url": f"{base}/return?access={access}",
        "cancel_url": f"{base}/cancel?access={access}",
    }


def order_request(request: PaymentRequest, urls: Mapping[str, str]) -> OrderRequest:
    """Intent CAPTURE for exactly the order's total, in its currency (PayPal's decimals)."""
    try:
        value = paypal_value(request.amount, request.currency)
    except PaypalAmountError as exc:
        raise ProcessorUnavailableError(str(exc)) from exc
    return OrderRequest(
        intent=CheckoutPaymentIntent.CAPTURE,
        purchase_units=[
            PurchaseUnitRequest(
                amount=AmountWithBreakdown(currency_code=request.currency, value=value),
                reference_id=str(request.order_id),
                custom_id=str(request.order_id),
                description=f"Order {request.number}"[:127],
            )
        ],
        payment_source=PaymentSource(
            paypal=PaypalWallet(
                experience_context=PaypalWalletExperienceContext(
                    return_url=urls["return_url"],
                    cancel_url=urls["cancel_url"],
                    user_action=PaypalExperienceUserAction.PAY_NOW,
                    shipping_preference=PaypalWalletContextShippingPreference.NO_SHIPPING,
                )
            )
        ),
    )


def approve_link(order: Any) -> str | None:
    for link in getattr(order, "links", None) or ():
        if getattr(link, "rel", None) in APPROVE_RELS:
            return str(link.href)
    return None


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def capture_of(order: Any) -> PaypalCapture:
    """The first capture of a captured order (PayPal's Order model)."""
    units = getattr(order, "purchase_units", None) or []
    unit = units[0] if units else None
    payments = getattr(unit, "payments", None)
    captures = getattr(payments, "captures", None) or []
    capture = captures[0] if captures else None
    amount = getattr(capture, "amount", None)
    minor, currency = (None, None)
    if amount is not None:
        minor, currency = paypal_minor(amount.value, amount.currency_code)
    custom_id = getattr(capture, "custom_id", None) or getattr(unit, "custom_id", None)
    return PaypalCapture(
        paypal_order_id=str(order.id),
        order_id=_uuid(custom_id) or _uuid(getattr(unit, "reference_id", None)),
        capture_id=str(capture.id) if capture is not None and capture.id else None,
        status=str(getattr(capture, "status", None) or getattr(order, "status", "")),
        amount=minor,
        currency=currency,
    )


class PaypalProcessor:
    name = "paypal"

    def __init__(
        self,
        client: PaypalServersdkClient,
        *,
        public_url: str,
        access_token: Callable[[uuid.UUID], str],
    ) -> None:
        self._client = client
        self._public_url = public_url
        self._access_token = access_token

    async def create_checkout(
        self, request: PaymentRequest, success_url: str, cancel_url: str
    ) -> CheckoutRedirect:
        """`success_url`/`cancel_url` are the payment page's: PayPal comes back through the
        shop's return route first (which captures), then goes on to them."""
        urls = return_urls(
            self._public_url, self.name, request.order_id, self._access_token(request.order_id)
        )
        options = {"body": order_request(request, urls), "paypal_request_id": request.checkout_key}
        order = await self._call(
            "create", request.order_id, self._client.orders.create_order, options
        )
        url = approve_link(order)
        if not url:
            raise ProcessorUnavailableError("PayPal returned an order without an approval link")
        return CheckoutRedirect(session_id=str(order.id), url=url)

    async def capture(self, paypal_order_id: str) -> PaypalCapture:
        options = {"id": paypal_order_id, "paypal_request_id": f"capture-{paypal_order_id}"}
        try:
            response = await asyncio.to_thread(self._client.orders.capture_order, options)
        except PAYPAL_ERRORS as exc:
            if ALREADY_CAPTURED not in error_issues(exc):
                log.error("payments.paypal_capture_failed", error=error_text(exc)[:300])
                raise ProcessorUnavailableError(
                    "PayPal could not take the payment; please try again"
                ) from exc
            got = await self._call(
                "get", None, self._client.orders.get_order, {"id": paypal_order_id}
            )
            return capture_of(got)
        return capture_of(response.body)

    async def refund(self, payment: Payment, amount: int, refund_id: uuid.UUID) -> ProcessorRefund:
        """A capture refund (`processor_reference`: the capture id); the refund carries the
        shop's refund id as its custom_id, for PAYMENT.CAPTURE.REFUNDED to be matched."""
        if not payment.processor_reference:
            raise RefundRefusedError("the payment has no PayPal capture to refund")
        try:
            value = paypal_value(amount, payment.currency)
        except PaypalAmountError as exc:
            raise RefundRefusedError(str(exc)) from exc
        body = RefundRequest(
            amount=Money(currency_code=payment.currency, value=value), custom_id=str(refund_id)
        )
        options = {
            "capture_id": payment.processor_reference,
            "paypal_request_id": str(refund_id),
            "body": body,
        }
        try:
            response = await asyncio.to_thread(
                self._client.payments.refund_captured_payment, options
            )
        except PAYPAL_ERRORS as exc:
            log.error("payments.paypal_refund_failed", error=error_text(exc)[:300])
            if getattr(exc, "response_code", None) in (400, 403, 404, 422):
                raise RefundRefusedError(f"PayPal refused the refund: {error_text(exc)}") from exc
            raise ProcessorUnavailableError("PayPal could not be asked for the refund") from exc
        refund = response.body
        return ProcessorRefund(
            processor_refund_id=str(refund.id), status=str(refund.status or "pending").lower()
        )

    async def _call(
        self, what: str, order_id: uuid.UUID | None, method: Callable[[Any], Any], options: Any
    ) -> Any:
        try:
            response = await asyncio.to_thread(method, options)
        except PAYPAL_ERRORS as exc:
            log.error(
                f"payments.paypal_{what}_failed",
                order_id=str(order_id) if order_id else None,
                error=error_text(exc)[:300],
            )
            raise ProcessorUnavailableError(
                "PayPal could not start the payment; please try again later"
            ) from exc
        return response.body
