"""Stripe's webhook signature: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256>`.

Verification goes through the official SDK; signing (for the sandbox's events) follows the
same scheme, so the sandbox exercises exactly the path Stripe's events take. Nothing in a
body is read before its signature is checked.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import stripe

from shop_payments.domain.errors import PaymentsDomainError
from shop_payments.webhooks.events import InvalidEventError


class SignatureError(PaymentsDomainError):
    """A webhook whose signature is missing, wrong or too old."""


def sign_payload(payload: str, secret: str, timestamp: int) -> str:
    signature = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={signature}"


def verify_signature(payload: bytes, header: str | None, secret: str, tolerance: int) -> str:
    """The body as text, once the header's signature over it and its timestamp are checked."""
    if not header:
        raise SignatureError("missing Stripe-Signature header")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidEventError("invalid webhook payload: the body is not UTF-8") from exc
    try:
        stripe.WebhookSignature.verify_header(text, header, secret, tolerance)
    except stripe.SignatureVerificationError as exc:
        reason = str(exc.user_message or "signature mismatch")
        raise SignatureError(f"invalid Stripe-Signature: {reason}") from exc
    return text


def verify_event(payload: bytes, header: str | None, secret: str, tolerance: int) -> dict[str, Any]:
    """The event as a plain dict, once its signature and timestamp are checked."""
    text = verify_signature(payload, header, secret, tolerance)
    try:
        event = json.loads(text)
    except ValueError as exc:
        raise InvalidEventError("invalid webhook payload: the body is not JSON") from exc
    if not isinstance(event, dict):
        raise InvalidEventError("invalid webhook payload: an event is a JSON object")
    return event
