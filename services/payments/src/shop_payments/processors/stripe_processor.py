"""Stripe Checkout (mode=payment) through the official SDK."""

from __future__ import annotations

import re
import uuid
from typing import Any, cast

import stripe
import structlog

from shop_payments.domain.charge import ChargeLine, charge_lines
from shop_payments.domain.model import Payment, PaymentRequest
from shop_payments.service.ports import (
    CheckoutRedirect,
    ProcessorRefund,
    ProcessorUnavailableError,
    RefundRefusedError,
)

log = structlog.get_logger()

_KEYS = re.compile(r"\b(sk|rk|pk|whsec)_[A-Za-z0-9_*]+")


def redact_keys(text: str) -> str:
    """Stripe error messages may quote (a masked form of) the key: never log even that."""
    return _KEYS.sub(r"\1_[redacted]", text)


def _line_item(line: ChargeLine, currency: str) -> dict[str, Any]:
    product: dict[str, Any] = {"name": line.name}
    if line.description:
        product["description"] = line.description
    return {
        "quantity": 1,
        "price_data": {
            "currency": currency.lower(),
            "unit_amount": line.amount,
            "product_data": product,
        },
    }


def checkout_session_params(
    request: PaymentRequest, success_url: str, cancel_url: str
) -> dict[str, Any]:
    """The order's charge lines (`domain.charge`: net lines plus a tax line, or one line for
    the order), in its currency, amounts in minor units: they add up to the order's total,
    which Stripe then reports as `amount_total` to the webhook's amount check."""
    order_id = str(request.order_id)
    return {
        "mode": "payment",
        "line_items": [_line_item(line, request.currency) for line in charge_lines(request)],
        "client_reference_id": order_id,
        "customer_email": request.client_email,
        "metadata": {"order_id": order_id, "order_number": request.number},
        "payment_intent_data": {"metadata": {"order_id": order_id}},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }


def refund_params(payment: Payment, amount: int, refund_id: uuid.UUID) -> dict[str, Any]:
    """A refund of `amount` (minor units) of the payment's intent; the shop's refund id in
    its metadata (the refund events name it, even before the shop knows Stripe's id)."""
    if not payment.processor_reference:
        raise RefundRefusedError(f"payment {payment.id} has no Stripe payment intent to refund")
    return {
        "payment_intent": payment.processor_reference,
        "amount": amount,
        "metadata": {"refund_id": str(refund_id), "order_id": str(payment.order_id)},
    }


# Stripe answered and said no (already refunded, more than is left, disputed...): final.
_REFUSALS = (stripe.InvalidRequestError, stripe.CardError, stripe.PermissionError)


class StripeProcessor:
    name = "stripe"

    def __init__(self, client: stripe.StripeClient) -> None:
        self._client = client

    @classmethod
    def from_secret_key(cls, secret_key: str) -> StripeProcessor:
        return cls(stripe.StripeClient(secret_key, http_client=stripe.HTTPXClient()))

    async def create_checkout(
        self, request: PaymentRequest, success_url: str, cancel_url: str
    ) -> CheckoutRedirect:
        params = checkout_session_params(request, success_url, cancel_url)
        try:
            session = await self._client.v1.checkout.sessions.create_async(
                params=cast(Any, params),
                options={"idempotency_key": request.checkout_key},
            )
        except stripe.StripeError as exc:
            log.error(
                "payments.stripe_checkout_failed",
                order_id=str(request.order_id),
                error=redact_keys(str(exc))[:300],
            )
            raise ProcessorUnavailableError(
                "the card processor could not start the checkout; please try again later"
            ) from exc
        if not session.url:
            raise ProcessorUnavailableError("Stripe returned a checkout session without a URL")
        return CheckoutRedirect(session_id=session.id, url=session.url)

    async def refund(self, payment: Payment, amount: int, refund_id: uuid.UUID) -> ProcessorRefund:
        params = refund_params(payment, amount, refund_id)
        try:
            refund = await self._client.v1.refunds.create_async(
                params=cast(Any, params),
                options={"idempotency_key": str(refund_id)},
            )
        except _REFUSALS as exc:
            message = redact_keys(exc.user_message or str(exc))[:300]
            log.warning("payments.stripe_refund_refused", refund_id=str(refund_id), error=message)
            raise RefundRefusedError(f"Stripe refused the refund: {message}") from exc
        except stripe.StripeError as exc:
            log.error(
                "payments.stripe_refund_failed",
                refund_id=str(refund_id),
                error=redact_keys(str(exc))[:300],
            )
            raise ProcessorUnavailableError(
                "the card processor could not be asked for the refund; it will be asked again"
            ) from exc
        return ProcessorRefund(processor_refund_id=refund.id, status=str(refund.status or ""))
