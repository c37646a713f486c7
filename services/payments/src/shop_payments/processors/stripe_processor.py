"""Stripe Checkout (mode=payment) through the official SDK."""

from __future__ import annotations

import re
from typing import Any, cast

import stripe
import structlog

from shop_payments.domain.charge import ChargeLine, charge_lines
from shop_payments.domain.model import PaymentRequest
from shop_payments.service.ports import CheckoutRedirect, ProcessorUnavailableError

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
