"""The card processor port: start a hosted checkout for a payment request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from shop_payments.domain.model import PaymentRequest


@dataclass(frozen=True)
class CheckoutRedirect:
    """Where to send the client (the processor's hosted checkout) and its session id."""

    session_id: str
    url: str


class CardProcessor(Protocol):
    name: str

    async def create_checkout(
        self, request: PaymentRequest, success_url: str, cancel_url: str
    ) -> CheckoutRedirect:
        """Start a hosted checkout; idempotent per `request.checkout_key` (order + attempt)."""
        ...
