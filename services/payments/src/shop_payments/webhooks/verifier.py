"""The event verifier port over Stripe's scheme (the sandbox signs its events the same way)."""

from __future__ import annotations

from shop_payments.service.ports import ProcessorEvent
from shop_payments.webhooks.events import parse_event
from shop_payments.webhooks.signature import verify_event


class StripeEventVerifier:
    def __init__(self, secret: str, tolerance_s: int) -> None:
        self._secret = secret
        self._tolerance_s = tolerance_s

    def verify(self, payload: bytes, signature: str | None) -> ProcessorEvent:
        verified = verify_event(payload, signature, self._secret, self._tolerance_s)
        return parse_event(verified)
