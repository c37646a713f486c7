"""Stripe's webhook signature: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256>`.

Verification goes through the official SDK; signing (for the sandbox's events) follows the
same scheme, so the sandbox exercises exactly the path Stripe's events take.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import stripe

from shop_payments.domain.errors import PaymentsDomainError


class SignatureError(PaymentsDomainError):
    """A webhook whose signature is missing, wrong or too old."""


def sign_payload(payload: str, secret: str, timestamp: int) -> str:
    signature = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={signature}"


def verify_event(payload: bytes, header: str | None, secret: str, tolerance: int) -> dict[str, Any]:
    """The event as a plain dict, once its signature and timestamp are checked."""
    if not header:
        raise SignatureError("missing Stripe-Signature header")
    try:
        stripe.Webhook.construct_event(payload, header, secret, tolerance=tolerance)
    except stripe.SignatureVerificationError as exc:
        raise SignatureError(f"invalid Stripe-Signature: {exc.user_message or exc}") from exc
    except ValueError as exc:  # not JSON, or not an event
        raise SignatureError(f"invalid webhook payload: {exc}") from exc
    event = json.loads(payload)
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise SignatureError("invalid webhook payload: not an event (id and type required)")
    return event
