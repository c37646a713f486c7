"""Stripe Checkout (mode=payment) through the official SDK."""

from __future__ import annotations

import re
from typing import Any, cast

import stripe
import structlog

from shop_payments.domain.model import PaymentRequest
from shop_payments.service.ports import CheckoutRedirect, ProcessorUnavailableError

log = structlog.get_logger()

_KEYS = re.compile(r"\b(sk|rk|pk|whsec)_[A-Za-z0-9_*]+")


def redact_keys(text: str) -> str:
    """Stripe error messages may quote (a masked form of) the key: never log even that."""
    return _KEYS.sub(r"\1_[redacted]", text)


def checkout_session_params(
    request: PaymentRequest, success_url: str, cancel_url: str
) -> dict[str, Any]:
    """One line for the whole order, in its currency, the amount in minor units."""
    order_id = str(request.order_id)
    return {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": request.currency.lower(),
                    "unit_amount": request.amount,
                    "product_data": {"name": f"Order {request.number}"},
                },
            }
        ],
        "client_reference_id": order_id,
        "customer_email": request.client_email,
        "metadata": {"order_id": order_id, "order_number": request.number},
        "payment_intent_data": {"metadata": {"order_id": order_id}},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }


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
